from __future__ import annotations

from django_tasks import task

from shangliang.screening import digest


@task()
def daily_digest() -> int:
    """Each person's due and overdue concerns and action items, once a day."""
    return digest.send_daily_digest()
