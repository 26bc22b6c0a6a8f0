# Members' phone numbers are stored encrypted like residents' (privacy.fields.EncryptedTextField).

import shangliang.privacy.fields
from django.db import migrations


def _rewrite(apps, schema_editor, convert):
    table = apps.get_model("places", "Member")._meta.db_table
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, phone FROM {quote(table)} WHERE phone <> ''")
        for pk, value in cursor.fetchall():
            cursor.execute(f"UPDATE {quote(table)} SET phone = %s WHERE id = %s", [convert(value), pk])


def encrypt_phones(apps, schema_editor):
    from shangliang.privacy import personal

    _rewrite(apps, schema_editor, lambda value: value if value.startswith("gAAAAA") else personal.encrypt(value))


def decrypt_phones(apps, schema_editor):
    from shangliang.privacy import personal

    _rewrite(apps, schema_editor, lambda value: personal.decrypt(value)[:20] if value.startswith("gAAAAA") else value)


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='member',
            name='phone',
            field=shangliang.privacy.fields.EncryptedTextField(blank=True, verbose_name='联系电话'),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones),
    ]
