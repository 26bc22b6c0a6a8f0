"""Writes of the reports app: background exports. ``export_request`` records what the person asked
for and queues it after the commit; ``export_run`` (the task ``run_export``) writes the workbook
with the owner's scope at that moment, counting its progress, and stores it under a random name;
``exports_purge`` removes finished exports after a week. Each takes the person's ``scope`` (what the
permissions ask) and the ``actor`` the audit trail names."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import tempfile
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook

from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import Scope
from shangliang.reports import exports, permissions, records
from shangliang.reports.models import ExportJob, ExportStatus
from shangliang.reports.selectors import Period, statistics

logger = logging.getLogger(__name__)

STATISTICS = "statistics"
STATISTICS_LABEL = "统计表"
# A worksheet holds 1,048,576 rows; beyond this the CSV download is the way.
MAX_ROWS = 1_000_000
PROGRESS_EVERY = records.CHUNK
KEEP_FOR = dt.timedelta(days=7)
DIRECTORY = "exports"
FAILED = "生成文件时出错，请重新导出；如果再次失败，请联系系统管理员。"


@dataclass(frozen=True)
class ExportInput:
    dataset: str
    path_prefix: str
    start: dt.date
    end: dt.date
    breakdown: str = ""
    full: bool = False
    client_token: str = ""


def dataset_label(name: str) -> str:
    return STATISTICS_LABEL if name == STATISTICS else records.DATASETS[name].label


def _check(scope: Scope, path_prefix: str) -> None:
    covered = permissions.statistics_path(scope)
    if covered is None:
        raise PermissionDenied("您的账号没有导出数据的权限。")
    if not path_prefix.startswith(covered):
        raise PermissionDenied("所选区域不存在或不在您的统计范围内。")


def export_request(*, data: ExportInput, scope: Scope, actor: Any) -> tuple[ExportJob, bool]:
    """A background export of ``data.dataset`` (a records dataset or the statistics tables) with the
    filters; residents' numbers in full only for a person allowed to see them. The same
    ``client_token`` again (a form sent twice) gives the first export."""
    _check(scope, data.path_prefix)
    if data.dataset != STATISTICS and data.dataset not in records.DATASETS:
        raise ApplicationError("没有这种数据可以导出。", field="dataset")
    token = data.client_token[:64]
    if token and (earlier := ExportJob.objects.filter(owner_id=actor.pk, client_token=token).first()):
        return earlier, False
    full = data.full and data.dataset == "concerns" and permissions.can_export_personal(scope)
    label = dataset_label(data.dataset)
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                owner=actor,
                dataset=data.dataset,
                label=label,
                path_prefix=data.path_prefix,
                start=data.start,
                end=data.end,
                breakdown=data.breakdown if data.dataset == STATISTICS else "",
                full=full,
                filename=f"{data.dataset}-{data.start:%Y%m%d}-{data.end:%Y%m%d}.xlsx",
                client_token=token,
            )
            audit.record(
                target=job,
                event_type="export.requested",
                actor=actor,
                new={"dataset": data.dataset, "start": str(data.start), "end": str(data.end), "full": full},
            )
    except IntegrityError:
        if not token:
            raise
        return ExportJob.objects.get(owner_id=actor.pk, client_token=token), False  # sent at once

    def enqueue() -> None:
        from shangliang.reports import tasks

        tasks.run_export.enqueue(job.pk)

    transaction.on_commit(enqueue)
    return job, True


def export_run(*, job_id: int, scope: Scope, actor: Any) -> str:
    """Write export ``job_id`` with the owner's ``scope`` now (a person who lost access gets nothing).
    Runs again from the start when a killed worker's task is queued again; a finished one is left."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return job.status if job is not None else "missing"
        job.status, job.progress = ExportStatus.RUNNING, 0
        job.save(update_fields=["status", "progress"])
    try:
        _check(scope, job.path_prefix)
        rows = _write(job, scope, actor)
    except ApplicationError as refused:
        return _fail(job, refused.message)
    except Exception:
        logger.exception("export %s failed", job.pk)
        return _fail(job, FAILED)
    audit.record(target=job, event_type="export.completed", actor=actor, new={"rows": rows, "full": job.full})
    return ExportStatus.DONE


def _fail(job: ExportJob, message: str) -> str:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.FAILED, error=message, finished_at=timezone.now()
    )
    return ExportStatus.FAILED


def _write(job: ExportJob, scope: Scope, actor: Any) -> int:
    """The workbook, stored under a random name; returns the rows written (headers aside)."""
    if job.dataset == STATISTICS:
        stats = statistics(
            scope=scope,
            path_prefix=job.path_prefix,
            period=Period(job.start, job.end),
            breakdown=job.breakdown,
        )
        with tempfile.TemporaryFile() as out:
            out.write(exports.statistics_xlsx(stats))
            return _store(job, out, len(stats.figures))
    export = records.export_for(
        scope,
        job.dataset,
        actor=actor,
        path_prefix=job.path_prefix,
        start=job.start,
        end=job.end,
        full=job.full and permissions.can_export_personal(scope),
    )
    total = export.rows.count()
    if total > MAX_ROWS:
        raise ApplicationError(f"记录超过 {MAX_ROWS:,} 行，Excel 放不下，请缩小统计期间或区域，或下载 CSV。")
    ExportJob.objects.filter(pk=job.pk).update(total=total)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(job.label)
    written = -1  # the header line is not a record
    for line in export.lines():
        sheet.append(line)
        written += 1
        if written and written % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(progress=written)
    with tempfile.TemporaryFile() as out:
        book.save(out)
        return _store(job, out, written)


def _store(job: ExportJob, out: Any, rows: int) -> int:
    out.seek(0)
    name = default_storage.save(f"{DIRECTORY}/{secrets.token_urlsafe(24)}.xlsx", File(out))
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE, file=name, progress=rows, total=rows, finished_at=timezone.now()
    )
    return rows


def exports_purge(now: dt.datetime | None = None) -> int:
    """Remove the exports finished more than a week ago, with their files (the daily job)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    old = list(ExportJob.objects.filter(created_at__lt=cutoff).values_list("pk", "file"))
    for _, name in old:
        if name:
            default_storage.delete(name)
    ExportJob.objects.filter(pk__in=[pk for pk, _ in old]).delete()
    return len(old)
