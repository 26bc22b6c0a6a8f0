from datetime import timedelta

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "shangliang.notifications"
    label = "notifications"
    verbose_name = "通知与短信"

    def ready(self) -> None:
        from shangliang.core import registry
        from shangliang.core.roles import BACK_OFFICE_ROLES
        from shangliang.notifications import selectors, tasks
        from shangliang.ops import periodic

        registry.register_nav("通知", "notifications:inbox", roles=BACK_OFFICE_ROLES, order=90)
        registry.register_todo(selectors.inbox_todo)
        # on_commit enqueues delivery at once; this sweep retries failures and catches anything missed.
        periodic.register_periodic(
            "notifications.deliver_outbox", tasks.deliver_outbox, every=timedelta(minutes=1)
        )
