"""PostgreSQL: term counts are read by equality only; the pattern-operator index Django adds
beside a text primary key (for LIKE) is dropped."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'text_termcount' "
            "AND indexname LIKE 'text_termcount_term_%%_like'",
            [],
        )
        names = [name for (name,) in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("text", "0010_community_postings")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
