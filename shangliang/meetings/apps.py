from datetime import time

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "shangliang.meetings"
    label = "meetings"
    verbose_name = "协商议事会"

    def ready(self) -> None:
        from shangliang.meetings import navigation, tasks
        from shangliang.ops import periodic

        navigation.register()
        # What staff search shows of these records: what the staff list shows.
        from shangliang.meetings.selectors import meetings_for_staff
        from shangliang.text.models import DocumentKind
        from shangliang.text.selectors.common import register_visibility

        register_visibility(DocumentKind.MEETING, meetings_for_staff)
        # The day before a meeting, at nine in the morning local time.
        periodic.register_periodic("meetings.send_reminders", tasks.send_reminders, daily_at=time(9, 0))
