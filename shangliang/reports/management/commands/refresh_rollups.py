from typing import Any

from django.core.management.base import BaseCommand

from shangliang.reports import rollups


class Command(BaseCommand):
    help = "重新计算统计汇总（截至昨天，可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        written = rollups.refresh()
        self.stdout.write(
            f"已写入 {sum(written.values())} 行汇总：" + "，".join(f"{k} {v}" for k, v in written.items())
        )
