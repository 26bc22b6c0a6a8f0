from __future__ import annotations

from django_tasks import task

from shangliang.reports import rollups


@task()
def refresh_rollups() -> dict[str, int]:
    """Count every figure again up to yesterday (idempotent)."""
    return rollups.refresh()
