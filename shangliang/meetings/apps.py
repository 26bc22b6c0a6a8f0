from datetime import time

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "shangliang.meetings"
    label = "meetings"
    verbose_name = "协商议事会"

    def ready(self) -> None:
        from shangliang.core import periodic
        from shangliang.meetings import navigation, tasks

        navigation.register()
        # The day before a meeting, at nine in the morning local time.
        periodic.register_periodic("meetings.send_reminders", tasks.send_reminders, daily_at=time(9, 0))
