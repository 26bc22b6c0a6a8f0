from __future__ import annotations

from django_tasks import task

from shangliang.core.scope import scope_of
from shangliang.reports import rollups, services
from shangliang.reports.models import ExportJob


@task()
def refresh_rollups() -> dict[str, int]:
    """Count every figure again up to yesterday (idempotent)."""
    return rollups.refresh()


@task()
def run_export(job_id: int) -> str:
    """Write a background export with its owner's access now."""
    job = ExportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None:
        return "missing"
    return services.export_run(job_id=job.pk, scope=scope_of(job.owner), actor=job.owner)


@task()
def purge_exports() -> int:
    """Remove exports older than a week, with their files."""
    return services.exports_purge()
