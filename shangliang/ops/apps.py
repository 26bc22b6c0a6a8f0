from datetime import time, timedelta

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: the background worker and periodic jobs, security headers, backup and restore."""

    name = "shangliang.ops"
    label = "ops"
    verbose_name = "运行维护"

    def ready(self) -> None:
        from shangliang.ops import periodic, tasks

        periodic.register_periodic(
            "core.recover_stale_tasks", tasks.recover_stale_tasks, every=timedelta(minutes=10)
        )
        periodic.register_periodic(
            "ops.refresh_planner_statistics", tasks.refresh_planner_statistics, daily_at=time(3, 30)
        )
