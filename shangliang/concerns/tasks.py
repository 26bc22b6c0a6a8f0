from __future__ import annotations

from django_tasks import task

from shangliang.concerns import pending


@task()
def sweep_pending_photos() -> int:
    """Photos kept for intake forms that were never filed, older than a day, are deleted."""
    return pending.sweep()
