"""DOMAIN §4's default rule table."""

from typing import Any

from django.db import migrations


def load_defaults(apps: Any, schema_editor: Any) -> None:
    from shangliang.duty import defaults

    defaults.load(apps.get_model("duty", "DutyItem"), apps.get_model("duty", "DutyRule"))


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
