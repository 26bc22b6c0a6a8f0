"""Exports of records (concerns, topics, meetings, action items, evaluations) with the person's scope
and the statistics filters (period, street, community). Personal data is masked; a person allowed to
see residents' contacts may ask for them in full, and every concern so exported is logged as a
contact view (``concern.contact_viewed``), the same log as on the concern's page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook

from shangliang.actions import selectors as action_selectors
from shangliang.concerns import permissions as concern_permissions
from shangliang.concerns import selectors as concern_selectors
from shangliang.concerns.rules import format_tracking_code, mask_personal_text
from shangliang.core import audit
from shangliang.core.scope import Scope
from shangliang.evaluations import selectors as evaluation_selectors
from shangliang.meetings import selectors as meeting_selectors
from shangliang.privacy import personal
from shangliang.reports.figures.base import day_start
from shangliang.topics import selectors as topic_selectors

# Beyond this many rows a workbook is refused (CSV streams any number).
XLSX_MAX_ROWS = 50_000
CHUNK = 2000


def _local(value: dt.datetime | None) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    records: Callable[[Scope], QuerySet[Any]]  # the person's records
    date: str  # the date the period filters on
    path: str  # the region path the street/community filter uses
    columns: list[tuple[str, Callable[[Any], object]]]


def _concern_columns() -> list[tuple[str, Callable[[Any], object]]]:
    return [
        ("查询码", lambda c: format_tracking_code(c.tracking_code)),
        ("提交时间", lambda c: _local(c.created_at)),
        ("来源", lambda c: c.get_source_display()),
        ("登记方式", lambda c: c.get_channel_display()),
        ("状态", lambda c: c.get_status_display()),
        ("类别", lambda c: c.category.name if c.category else ""),
        ("村(社区)", lambda c: c.community.name if c.community else ""),
        ("具体位置", lambda c: mask_personal_text(c.place_description)),
        ("诉求内容", lambda c: mask_personal_text(c.text)),
        ("附议人数", lambda c: c.supporters_count),
        ("联系电话", lambda c: c.phone_masked),
    ]


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "concerns",
            "群众诉求",
            concern_selectors.concerns_for_staff,
            "created_at",
            "region_path",
            _concern_columns(),
        ),
        Dataset(
            "topics",
            "协商议题",
            lambda scope: topic_selectors.topics_for_staff(scope).select_related(
                "community", "category", "committee"
            ),
            "created_at",
            "region_path",
            [
                ("编号", lambda t: t.pk),
                ("议题名称", lambda t: t.title),
                ("登记时间", lambda t: _local(t.created_at)),
                ("来源", lambda t: t.get_source_display()),
                ("协商形式", lambda t: t.get_form_display()),
                ("状态", lambda t: t.get_status_display()),
                ("类别", lambda t: t.category.name if t.category else ""),
                ("村(社区)", lambda t: t.community.name if t.community else ""),
                ("负责专委会", lambda t: t.committee.name if t.committee else ""),
            ],
        ),
        Dataset(
            "meetings",
            "协商议事会",
            lambda scope: meeting_selectors.meetings_for_staff(scope).select_related("room", "region"),
            "starts_at",
            "region_path",
            [
                ("编号", lambda m: m.pk),
                ("会议名称", lambda m: m.title),
                ("开始时间", lambda m: _local(m.starts_at)),
                ("协商形式", lambda m: m.get_form_display()),
                ("地点", lambda m: m.place),
                ("所属区域", lambda m: m.region.name),
                ("状态", lambda m: m.get_status_display()),
                ("公开", lambda m: "是" if m.is_public else "否"),
            ],
        ),
        Dataset(
            "actions",
            "交办单",
            lambda scope: action_selectors.items_for_user(scope).select_related("department", "region"),
            "assigned_at",
            "region_path",
            [
                ("编号", lambda a: a.pk),
                ("事项", lambda a: a.title),
                ("交办时间", lambda a: _local(a.assigned_at)),
                ("承办单位", lambda a: a.department.name if a.department else ""),
                ("办理期限", lambda a: a.deadline.isoformat()),
                ("状态", lambda a: a.get_status_display()),
                ("办理结果", lambda a: a.get_result_class_display()),
                ("办结时间", lambda a: _local(a.completed_at)),
                ("所属区域", lambda a: a.region.name),
            ],
        ),
        Dataset(
            "evaluations",
            "三评",
            lambda scope: evaluation_selectors.evaluations_for_user(scope).distinct(),
            "created_at",
            "region_path",
            [
                ("编号", lambda e: e.pk),
                ("评价对象", lambda e: e.title),
                ("轮次", lambda e: e.round),
                ("状态", lambda e: e.get_status_display()),
                ("党政点评", lambda e: e.party_score),
                ("民主评议", lambda e: e.democratic_score),
                ("群众评价", lambda e: e.resident_score),
                ("群众满意率", lambda e: e.resident_satisfaction),
                ("综合得分", lambda e: e.composite),
                ("结果", lambda e: "" if e.passed is None else ("通过" if e.passed else "未通过")),
                ("结束时间", lambda e: _local(e.closed_at)),
            ],
        ),
    ]
}


@dataclass(frozen=True)
class Export:
    dataset: Dataset
    rows: QuerySet[Any]
    scope: Scope
    actor: Any  # named in the log of each full contact exported
    full: bool  # residents' phone numbers in clear where the person may see them

    def _phone(self, concern: Any) -> str:
        if not concern_permissions.can_view_contact(self.scope, concern):
            return str(concern.phone_masked)
        if concern.phone_encrypted:
            # The same log as a contact shown on the concern's page.
            audit.record(target=concern, event_type="concern.contact_viewed", actor=self.actor, reason="导出")
        return personal.reveal(concern.phone_encrypted)

    def lines(self) -> Iterator[list[object]]:
        columns = self.dataset.columns
        yield [header for header, _ in columns]
        for record in self.rows.iterator(chunk_size=CHUNK):
            line = [value(record) for _, value in columns]
            if self.full:
                line[-1] = self._phone(record)
            yield line


def export_for(
    scope: Scope,
    name: str,
    *,
    actor: Any,
    path_prefix: str,
    start: dt.date,
    end: dt.date,
    full: bool = False,
) -> Export:
    """The person's records of ``name`` in [start, end] under ``path_prefix``, oldest first. ``full``
    gives residents' phone numbers in clear to those allowed to see them (each one logged, naming
    ``actor``)."""
    dataset = DATASETS[name]
    rows = (
        dataset.records(scope)
        .filter(**{f"{dataset.path}__startswith": path_prefix})
        .filter(
            **{
                f"{dataset.date}__gte": day_start(start),
                f"{dataset.date}__lt": day_start(end + dt.timedelta(days=1)),
            }
        )
        .order_by(dataset.date, "pk")
    )
    return Export(dataset, rows, scope, actor, full and name == "concerns")


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(export: Export) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with the BOM
    for line in export.lines():
        yield writer.writerow(["" if v is None else v for v in line])


def xlsx_bytes(lines: Iterable[list[object]], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
