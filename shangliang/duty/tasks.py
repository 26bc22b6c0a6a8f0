from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from shangliang.duty import ledger


@task()
def recompute_current_year() -> dict[str, int]:
    """Bring this year's ledger in line with meetings confirmed and topics closed since the last run
    (idempotent; the duty services refresh the members they touch at once)."""
    result = ledger.recompute(timezone.localdate().year)
    return {"created": result.created, "updated": result.updated, "deleted": result.deleted}
