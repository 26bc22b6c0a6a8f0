"""The background worker as deployed: django-tasks' database worker that outlives a locked database
and gives back the tasks a killed worker left running.

* A "database is locked" error anywhere in the worker's loop (SQLite under a burst of writes: the
  exclusive transaction that claims a task starts outside the library's own retry) makes the worker
  wait and go on, with a growing pause, instead of dying.
* A task row stays RUNNING when its worker is killed. ``recover_tasks`` puts such rows back to READY:
  those of a named dead worker at once (``run_worker --recover-from``, used by the supervisor of
  ``make run``), and any left RUNNING longer than ``SHANGLIANG_TASK_STALE_MINUTES`` when a worker
  starts and every ten minutes (a periodic job). Tasks are idempotent, so running one again is safe.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import OperationalError, close_old_connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger(__name__)

MAX_PAUSE = 30.0


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "SHANGLIANG_TASK_STALE_MINUTES", 30))


def recover_tasks(*, dead_worker: str = "", now: dt.datetime | None = None) -> int:
    """Put back to READY the RUNNING rows claimed last by ``dead_worker``, and every RUNNING row
    started longer ago than ``stale_after()``. Returns how many."""
    now = now or timezone.now()
    recovered = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
        for row in running.only("id", "started_at", "worker_ids"):
            by_dead = bool(dead_worker) and bool(row.worker_ids) and row.worker_ids[-1] == dead_worker
            stale = row.started_at is not None and row.started_at < now - stale_after()
            if by_dead or stale:
                DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.READY, started_at=None
                )
                recovered += 1
    if recovered:
        logger.warning("Recovered %d task(s) left running by a stopped worker.", recovered)
    return recovered


class SupervisedWorker(Worker):
    def __init__(self, *, recover_from: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.recover_from = recover_from

    def run(self) -> None:
        pause = 0.5
        recovered = False
        while self.running:
            try:
                if not recovered:
                    recover_tasks(dead_worker=self.recover_from)
                    recovered = True
                super().run()
                return
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.warning("Database locked; the worker waits %.1f s and goes on.", pause)
                close_old_connections()
                time.sleep(pause)
                pause = min(MAX_PAUSE, pause * 2)
