from __future__ import annotations

from django_tasks import task

from shangliang.meetings import reminders


@task()
def send_reminders() -> dict[str, int]:
    """The day before each meeting, remind the invitees who have not declined (idempotent)."""
    return {"reminded": reminders.send_due()}
