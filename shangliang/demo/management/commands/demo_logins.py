"""Print the demo sign-ins (``make run`` shows them at start-up)."""

from typing import Any

from django.core.management.base import BaseCommand

from shangliang.demo.logins import logins_table


class Command(BaseCommand):
    help = "Print the demo logins, one per back-office role."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("\n演示账号（密码相同）：\n" + logins_table() + "\n")
