"""Each training session gets its own check-in code: added empty, filled per row, then made unique."""

from typing import Any

from django.db import migrations, models

import shangliang.meetings.models


def fill_tokens(apps: Any, schema_editor: Any) -> None:
    session_model = apps.get_model("duty", "TrainingSession")
    for session in session_model.objects.filter(checkin_token="").only("pk"):
        session.checkin_token = shangliang.meetings.models.new_token()
        session.save(update_fields=["checkin_token"])


class Migration(migrations.Migration):
    dependencies = [("duty", "0004_appeal_adjustment")]

    operations = [
        migrations.AddField(
            model_name="trainingsession",
            name="checkin_token",
            field=models.CharField(default="", editable=False, max_length=32, verbose_name="签到码"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="trainingsession",
            name="checkin_token",
            field=models.CharField(
                default=shangliang.meetings.models.new_token,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="签到码",
            ),
        ),
    ]
