"""Open data: the public datasets (published results, rooms and their open days, public meetings,
public statistics) with their field descriptions and licence, as CSV and JSON. Nothing personal:
the same records the public pages show."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from shangliang.evaluations import selectors as evaluation_selectors
from shangliang.meetings import selectors as meeting_selectors
from shangliang.meetings.models import MeetingStatus
from shangliang.places import selectors as place_selectors
from shangliang.reports.selectors import PRESETS, preset_period, statistics

LICENCE = {
    "name": "知识共享署名 4.0 国际许可协议（CC BY 4.0）",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.zh-hans",
}


def licence() -> dict[str, str]:
    return {**LICENCE, **settings.SHANGLIANG.get("OPEN_DATA_LICENCE", {})}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # 整数, 文本, 日期, 日期时间, 数值
    description: str


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    fields: list[Field]
    rows: Callable[[], Iterator[dict[str, Any]]]


def _local(value: Any) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def _results() -> Iterator[dict[str, Any]]:
    for topic in evaluation_selectors.public_results():
        yield {
            "id": topic.pk,
            "title": topic.title,
            "community": topic.community.name if topic.community else topic.region.name,
            "form": topic.get_form_display(),
            "closed_on": topic.updated_at.date().isoformat(),
            "url": reverse("evaluations:result", args=[topic.pk]),
        }


def _rooms() -> Iterator[dict[str, Any]]:
    for room in place_selectors.public_rooms().order_by("name", "pk"):
        days = place_selectors.upcoming_open_days([room], per_schedule=3, limit=6)
        yield {
            "id": room.pk,
            "name": room.name,
            "kind": room.get_kind_display(),
            "address": room.address,
            "capacity": room.capacity,
            "region": room.region.name,
            "open_days": [
                f"{d.date.isoformat()} {d.schedule.start_time:%H:%M}-{d.schedule.end_time:%H:%M} {d.schedule.name}"
                for d in days
            ],
        }


def _meetings() -> Iterator[dict[str, Any]]:
    meetings = (
        meeting_selectors.public_meetings().exclude(status=MeetingStatus.DRAFT).order_by("-starts_at", "-pk")
    )
    for meeting in meetings:
        yield {
            "id": meeting.pk,
            "title": meeting.title,
            "status": meeting.get_status_display(),
            "form": meeting.get_form_display(),
            "starts_at": _local(meeting.starts_at),
            "ends_at": _local(meeting.ends_at),
            "place": meeting.place,
            "region": meeting.region.name,
        }


def _statistics() -> Iterator[dict[str, Any]]:
    for preset in ("year", "since2021"):
        stats = statistics(scope=None, path_prefix="", period=preset_period(preset))
        for figure in stats.figures:
            yield {
                "period": PRESETS[preset],
                "start": stats.period.start.isoformat(),
                "end": stats.period.end.isoformat(),
                "figure": figure.name,
                "label": figure.label,
                "value": figure.value,
                "unit": figure.unit,
                "rule": figure.rule,
            }


ID = Field("id", "整数", "记录编号（与网站页面地址中的编号一致）")
DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "results",
            "成果公示",
            "已办结、三评通过并公开的协商议题。",
            [
                ID,
                Field("title", "文本", "议题名称"),
                Field("community", "文本", "所在村(社区)"),
                Field("form", "文本", "协商形式"),
                Field("closed_on", "日期", "办结日期"),
                Field("url", "文本", "成果公示页面地址"),
            ],
            _results,
        ),
        Dataset(
            "rooms",
            "协商议事室及固定议事日",
            "启用中的协商议事室，以及近期的固定议事日（逢十说事、二五议事等）。",
            [
                ID,
                Field("name", "文本", "议事室名称"),
                Field("kind", "文本", "类型（街道、村(社区)、企事业单位）"),
                Field("address", "文本", "地址"),
                Field("capacity", "整数", "可容纳人数"),
                Field("region", "文本", "所在区域"),
                Field("open_days", "文本列表", "近期固定议事日：日期 开始-结束 名称"),
            ],
            _rooms,
        ),
        Dataset(
            "meetings",
            "公开协商议事会",
            "向社会公开的协商议事会（不含草稿），最新的在前。",
            [
                ID,
                Field("title", "文本", "会议名称"),
                Field("status", "文本", "状态"),
                Field("form", "文本", "协商形式"),
                Field("starts_at", "日期时间", "开始时间（北京时间）"),
                Field("ends_at", "日期时间", "结束时间（北京时间）"),
                Field("place", "文本", "地点"),
                Field("region", "文本", "所属区域"),
            ],
            _meetings,
        ),
        Dataset(
            "statistics",
            "议事成效统计",
            "全平台的主要指标（本年和2021年以来），每项附统计口径。",
            [
                Field("period", "文本", "统计期间"),
                Field("start", "日期", "期间开始日期"),
                Field("end", "日期", "期间结束日期"),
                Field("figure", "文本", "指标代码"),
                Field("label", "文本", "指标名称"),
                Field("value", "数值", "数值（无数据时为空）"),
                Field("unit", "文本", "单位"),
                Field("rule", "文本", "统计口径"),
            ],
            _statistics,
        ),
    ]
}


def as_json(dataset: Dataset) -> str:
    return json.dumps(
        {
            "dataset": dataset.name,
            "title": dataset.title,
            "description": dataset.description,
            "licence": licence(),
            "generated_at": timezone.localtime().isoformat(timespec="seconds"),
            "fields": [
                {"name": f.name, "type": f.kind, "description": f.description} for f in dataset.fields
            ],
            "rows": list(dataset.rows()),
        },
        ensure_ascii=False,
        indent=1,
    )


def as_csv(dataset: Dataset) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f.name for f in dataset.fields])
    for row in dataset.rows():
        writer.writerow(
            [
                "；".join(v) if isinstance(v, list) else ("" if v is None else v)
                for v in (row[f.name] for f in dataset.fields)
            ]
        )
    return "\ufeff" + out.getvalue()
