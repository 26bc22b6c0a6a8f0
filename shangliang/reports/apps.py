from datetime import time

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shangliang.reports"
    label = "reports"
    verbose_name = "统计与报表"

    def ready(self) -> None:
        from shangliang.core import registry
        from shangliang.ops import periodic
        from shangliang.reports import tasks
        from shangliang.reports.permissions import STATISTICS_ROLES

        registry.register_nav("统计分析", "reports:statistics", STATISTICS_ROLES, order=70)
        # After midnight local time: yesterday is complete, the whole history is counted again
        # so that records whose state changed since are counted in their new state.
        periodic.register_periodic("reports.refresh_rollups", tasks.refresh_rollups, daily_at=time(1, 30))
        # Finished background exports are kept a week.
        periodic.register_periodic("reports.purge_exports", tasks.purge_exports, daily_at=time(3, 10))
