from __future__ import annotations

from django_tasks import task

from shangliang.supervision import services


@task()
def daily_sweep() -> dict[str, int]:
    """Reminders before the deadline and on overdue, and escalation of long-overdue items."""
    return services.remind_and_escalate()
