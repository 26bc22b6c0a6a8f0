from __future__ import annotations

from django_tasks import task

from shangliang.notifications import delivery


@task()
def deliver_outbox(message_id: int | None = None) -> dict[str, int]:
    """Send due SMS from the outbox: one message right after its commit, or a sweep of all due ones."""
    return delivery.deliver_due(message_id=message_id)
