"""The usual reasons for 不予立题; administrators edit the list."""

from django.db import migrations

REASONS = [
    "属于个人私事或民事纠纷，建议通过人民调解或司法途径解决",
    "已有明确政策规定，已向反映人解释说明",
    "不属于本区管辖范围，已告知反映渠道",
    "问题已经解决",
    "反映内容不清楚，无法核实",
    "与已办结的事项重复",
]


def seed(apps, schema_editor):
    DeclineReason = apps.get_model("screening", "DeclineReason")
    for order, text in enumerate(REASONS, start=1):
        DeclineReason.objects.get_or_create(text=text, defaults={"sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
