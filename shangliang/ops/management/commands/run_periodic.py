"""Enqueue due periodic jobs, every ``--interval`` seconds until stopped (Ctrl-C or SIGTERM)."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from shangliang.ops import periodic

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "定时任务调度：每隔约30秒把到期的定时任务放入后台任务队列（可同时运行多个，不会重复）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只检查一次后退出")
        parser.add_argument("--interval", type=float, default=30.0, help="两次检查之间的秒数")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        stop = threading.Event()
        if not once:
            # Both set explicitly: a process started in the background may inherit SIGINT ignored.
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            signal.signal(signal.SIGINT, lambda *_: stop.set())
        names = ", ".join(job.name for job in periodic.registered_jobs()) or "-"
        self.stdout.write(f"run_periodic: jobs {names}")
        while True:
            try:
                for name in periodic.run_due():
                    self.stdout.write(f"run_periodic: enqueued {name}")
            except Exception:
                if once:
                    raise
                # A database restart must not end the scheduler; the next pass tries again.
                logger.exception("run_periodic pass failed")
            if once or stop.wait(interval):
                break
            # Between passes, as a request would: drop a connection the database has closed.
            close_old_connections()
