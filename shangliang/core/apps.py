from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shangliang.core"
    label = "core"
    verbose_name = "系统核心"

    def ready(self) -> None:
        from shangliang.core import periodic, tasks

        periodic.register_periodic(
            "core.recover_stale_tasks", tasks.recover_stale_tasks, every=timedelta(minutes=10)
        )
