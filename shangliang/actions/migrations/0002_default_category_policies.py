"""Default direct-assignment limits per concern category (working days); administrators edit them
and choose each category's usual department."""

from django.db import migrations

WORKING_DAYS = {
    "园林绿化": 2,
    "环境卫生": 2,
    "市政设施": 5,
    "水电气": 3,
    "消防安全": 3,
    "噪音扰民": 3,
    "市场监管": 5,
    "物业管理": 10,
    "交通出行": 10,
}


def seed(apps, schema_editor):
    Category = apps.get_model("text", "Category")
    CategoryPolicy = apps.get_model("actions", "CategoryPolicy")
    for category in Category.objects.all():
        CategoryPolicy.objects.get_or_create(
            category=category,
            defaults={"working_days": WORKING_DAYS.get(category.name, 5), "urgent_working_days": 1},
        )


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial"), ("text", "0003_seed_categories")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
