from __future__ import annotations

from django_tasks import task

from shangliang.ops import statistics, worker


@task()
def recover_stale_tasks() -> int:
    """Give back to the queue the tasks a killed worker left running (``ops.worker``)."""
    return worker.recover_tasks()


@task()
def refresh_planner_statistics() -> int:
    """The planner's statistics of every table, on SQLite (``ops.statistics``)."""
    return len(statistics.refresh_statistics())
