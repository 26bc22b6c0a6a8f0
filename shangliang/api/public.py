"""Public endpoints: statistics, published results (成果公示), rooms and public meetings. They need
no token and return no personal data (no names of residents, no telephone numbers)."""

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BeforeValidator

from shangliang.api.auth import optional_caller
from shangliang.core.scope import Scope
from shangliang.evaluations import selectors as evaluation_selectors
from shangliang.meetings import selectors as meeting_selectors
from shangliang.meetings.models import Meeting, MeetingStatus
from shangliang.places import selectors as place_selectors
from shangliang.places.models import Room
from shangliang.privacy.ratelimit import Limit, allow, client_ip, configured, retry_after
from shangliang.reports.forms import StatisticsForm
from shangliang.reports.permissions import statistics_path
from shangliang.reports.selectors import FigureResult, Statistics, statistics
from shangliang.topics.models import Topic

router = Router()


MAX_ID = 2**53  # ids beyond this are answered 404 without a query (and stay within every database's integers)


def _iso_date(value: Any) -> Any:
    """Dates are written 2021-01-01 (pydantic alone would read "0" as a timestamp)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("日期请写成 2021-01-01 的格式。")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class RefusalOut(Schema):
    """A refusal in Chinese (``detail``, with the ``field`` it concerns), or the list of the request's
    type errors (a value that is not a number, a date …) as django-ninja reports them."""

    detail: str | list[dict[str, Any]]
    field: str | None = None


class Pages(LimitOffsetPagination):
    """Stable pages: ``limit`` 1–100 (default 20), ``offset`` from 0."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=100)
        offset: int = Field(0, ge=0, le=MAX_ID)


# Anonymous calls per client address (``SHANGLIANG["RATE_LIMITS"]["api-public"]`` changes it).
PUBLIC_LIMIT = Limit(120, 60)
TOO_MANY = "请求过于频繁，请稍后再试。"


class TooManyRequests(HttpError):
    """429 with the seconds to wait (the ``Retry-After`` header)."""

    def __init__(self, retry: int) -> None:
        super().__init__(429, TOO_MANY)
        self.retry_after = retry


def throttle(request: HttpRequest) -> None:
    """Count one anonymous call of the client's address; past the limit, 429."""
    if not allow("api-public", client_ip(request), PUBLIC_LIMIT):
        raise TooManyRequests(retry_after(configured("api-public", PUBLIC_LIMIT)))


PUBLIC = {422: RefusalOut, 429: RefusalOut}
PAGED = PUBLIC


# --- Statistics -----------------------------------------------------------------------------------


class StatsFilters(Schema):
    period: Literal["month", "quarter", "year", "since2021"] = "year"
    start: IsoDate | None = None
    since: IsoDate | None = None
    end: IsoDate | None = None
    street: int | None = Field(None, ge=1, le=MAX_ID)
    community: int | None = Field(None, ge=1, le=MAX_ID)
    breakdown: Literal["", "street", "community", "source", "category", "form", "committee"] = ""


class PartOut(Schema):
    key: str
    label: str
    value: int


class GroupOut(Schema):
    key: str
    label: str
    value: float | None


class MonthOut(Schema):
    month: str
    value: float | None


class FigureOut(Schema):
    name: str
    label: str
    rule: str
    unit: str
    value: float | None
    parts: list[PartOut]
    groups: list[GroupOut]
    months: list[MonthOut]


class PeriodOut(Schema):
    start: dt.date
    end: dt.date
    label: str


class StatsOut(Schema):
    public: bool = Field(
        description="true: the public figures; false: the staff figures of the caller's region"
    )
    period: PeriodOut
    breakdown: str
    figures: list[FigureOut]


def figure_out(f: FigureResult) -> dict[str, Any]:
    return {
        "name": f.name,
        "label": f.label,
        "rule": f.rule,
        "unit": f.unit,
        "value": f.value,
        "parts": [{"key": p.key, "label": p.label, "value": p.value} for p in f.parts],
        "groups": [{"key": g.key, "label": g.label, "value": g.value} for g in f.groups],
        "months": [{"month": f"{m:%Y-%m}", "value": v} for m, v in f.months],
    }


def stats_out(stats: Statistics, *, public: bool) -> dict[str, Any]:
    return {
        "public": public,
        "period": {"start": stats.period.start, "end": stats.period.end, "label": stats.period.label},
        "breakdown": stats.breakdown,
        "figures": [figure_out(f) for f in stats.figures],
    }


def stats_for(filters: StatsFilters, scope: Scope | None) -> tuple[int, dict[str, Any]]:
    """The statistics page's filters through the page's own form: the same validation, the same
    Chinese messages. ``scope`` None: the public figures."""
    scope_path = "" if scope is None else statistics_path(scope)
    assert scope_path is not None
    data = filters.dict()
    start = data.pop("since") or data["start"]
    query = {k: v for k, v in {**data, "start": start}.items() if v not in (None, "")}
    if start is not None or data["end"] is not None:
        query["period"] = "custom"
    form = StatisticsForm(query, scope_path=scope_path)
    if not form.is_valid():
        field, messages = next(iter(form.errors.items()))
        return 422, {"detail": messages[0], "field": None if field == "__all__" else field}
    clean = form.cleaned_data
    stats = statistics(
        scope=scope,
        path_prefix=clean["path_value"],
        period=clean["period_value"],
        breakdown=clean.get("breakdown") or "",
    )
    return 200, stats_out(stats, public=scope is None)


@router.get("/stats", response={200: StatsOut, 401: RefusalOut, **PUBLIC}, tags=["统计"], auth=None)
def public_stats(request: HttpRequest, filters: Query[StatsFilters]) -> tuple[int, dict[str, Any]]:
    """The statistics with the page's filters (period = month | quarter | year | since2021, or
    start/since and end; street, community; breakdown = street | community | source | category |
    form | committee). Anonymous: the public page's figures of the whole platform. Signed in (the
    site's session or any valid token) with access to the staff statistics: the staff page's
    figures of the caller's region (``public`` false); street and community must lie inside it."""
    caller = optional_caller(request, None)
    if caller is None or statistics_path(caller) is None:
        throttle(request)
        return stats_for(filters, None)
    return stats_for(filters, caller)


# --- Results (成果公示) ---------------------------------------------------------------------------


class ResultOut(Schema):
    id: int
    title: str
    community: str
    form: str
    closed_on: dt.date

    @staticmethod
    def resolve_community(obj: Any) -> str:
        return _result(obj)["community"] if isinstance(obj, Topic) else obj["community"]

    @staticmethod
    def resolve_form(obj: Any) -> str:
        return _result(obj)["form"] if isinstance(obj, Topic) else obj["form"]

    @staticmethod
    def resolve_closed_on(obj: Any) -> dt.date:
        return _result(obj)["closed_on"] if isinstance(obj, Topic) else obj["closed_on"]


class ResultActionOut(Schema):
    title: str
    department: str
    result: str


class IndicatorOut(Schema):
    name: str
    before: str
    after: str


class ResultDetailOut(ResultOut):
    description: str
    consensus: list[str]
    actions: list[ResultActionOut]
    composite: float | None
    passed: bool | None
    concerns: int


def _result(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.pk,
        "title": topic.title,
        "community": topic.community.name if topic.community else topic.region.name,
        "form": topic.get_form_display(),
        "closed_on": topic.updated_at.date(),
    }


@router.get("/results", response={200: list[ResultOut], **PAGED}, tags=["成果公示"], auth=None)
@paginate(Pages)
def results(request: HttpRequest) -> Any:
    """Published results: closed public topics that passed 三评, newest first."""
    throttle(request)
    return evaluation_selectors.public_results()


@router.get(
    "/results/{result_id}",
    response={200: ResultDetailOut, 404: RefusalOut, **PUBLIC},
    tags=["成果公示"],
    auth=None,
)
def result_detail(request: HttpRequest, result_id: int) -> tuple[int, dict[str, Any]]:
    throttle(request)
    page = evaluation_selectors.result_page(result_id) if 0 < result_id <= MAX_ID else None
    if page is None:
        return 404, {"detail": "没有找到这项公示成果。"}
    return 200, {
        **_result(page.topic),
        "description": page.topic.description,
        "consensus": page.consensus,
        "actions": [
            {
                "title": item.title,
                "department": item.department.name if item.department else "",
                "result": item.get_result_class_display(),
            }
            for item, _ in page.actions
        ],
        "composite": float(page.evaluation.composite) if page.evaluation.composite is not None else None,
        "passed": page.evaluation.passed,
        "concerns": page.concerns_count,
    }


# --- Rooms ----------------------------------------------------------------------------------------


class OpenDayOut(Schema):
    date: dt.date
    starts_at: str  # local time, "09:00"
    ends_at: str
    name: str


class RoomOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    capacity: int
    region: str
    open_days: list[OpenDayOut]

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return _room(obj)["kind"] if isinstance(obj, Room) else obj["kind"]

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return _room(obj)["region"] if isinstance(obj, Room) else obj["region"]

    @staticmethod
    def resolve_open_days(obj: Any) -> list[dict[str, Any]]:
        return _room(obj)["open_days"] if isinstance(obj, Room) else obj["open_days"]


def _room(room: Room) -> dict[str, Any]:
    days = place_selectors.upcoming_open_days([room], per_schedule=3, limit=6)
    return {
        "id": room.pk,
        "name": room.name,
        "kind": room.get_kind_display(),
        "address": room.address,
        "capacity": room.capacity,
        "region": room.region.name,
        "open_days": [
            {
                "date": d.date,
                "starts_at": f"{d.schedule.start_time:%H:%M}",
                "ends_at": f"{d.schedule.end_time:%H:%M}",
                "name": d.schedule.name,
            }
            for d in days
        ],
    }


@router.get("/rooms", response={200: list[RoomOut], **PAGED}, tags=["协商议事室"], auth=None)
@paginate(Pages)
def rooms(request: HttpRequest) -> Any:
    """Rooms in use with their next fixed open days (逢十说事, 二五议事 …), by name."""
    throttle(request)
    return place_selectors.public_rooms().order_by("name", "pk")


@router.get(
    "/rooms/{room_id}",
    response={200: RoomOut, 404: RefusalOut, **PUBLIC},
    tags=["协商议事室"],
    auth=None,
)
def room_detail(request: HttpRequest, room_id: int) -> tuple[int, dict[str, Any]]:
    throttle(request)
    room = place_selectors.public_rooms().filter(pk=room_id).first() if 0 < room_id <= MAX_ID else None
    if room is None:
        return 404, {"detail": "没有找到这个协商议事室。"}
    return 200, _room(room)


# --- Public meetings ------------------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    form: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    region: str

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return obj.get_status_display() if isinstance(obj, Meeting) else obj["status_label"]

    @staticmethod
    def resolve_form(obj: Any) -> str:
        return obj.get_form_display() if isinstance(obj, Meeting) else obj["form"]

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region.name if isinstance(obj, Meeting) else obj["region"]


class MeetingDetailOut(MeetingOut):
    description: str


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "status": meeting.status,
        "status_label": meeting.get_status_display(),
        "form": meeting.get_form_display(),
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "region": meeting.region.name,
    }


class MeetingFilters(Schema):
    after: IsoDate | None = Field(None, description="会议开始日期不早于")
    before: IsoDate | None = Field(None, description="会议开始日期不晚于")


@router.get(
    "/meetings",
    response={200: list[MeetingOut], 401: RefusalOut, 403: RefusalOut, **PAGED},
    tags=["协商议事会"],
    auth=None,
)
@paginate(Pages)
def meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> Any:
    """Public meetings (announced, held or published; no draft), latest start first. Signed in (a
    token with the meetings scope, or the site's session): every meeting the account may see."""
    caller = optional_caller(request, "meetings")
    if caller is None:
        throttle(request)
    qs = (
        meeting_selectors.meetings_for_staff(caller)
        if caller is not None
        else meeting_selectors.public_meetings()
    )
    if filters.after is not None:
        qs = qs.filter(starts_at__date__gte=filters.after)
    if filters.before is not None:
        qs = qs.filter(starts_at__date__lte=filters.before)
    if caller is None:
        qs = qs.exclude(status=MeetingStatus.DRAFT)
    return qs.order_by("-starts_at", "-pk")


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut, 401: RefusalOut, 403: RefusalOut, 404: RefusalOut, **PUBLIC},
    tags=["协商议事会"],
    auth=None,
)
def meeting_detail(request: HttpRequest, meeting_id: int) -> tuple[int, dict[str, Any]]:
    caller = optional_caller(request, "meetings")
    if caller is None:
        throttle(request)
    meeting = None
    if 0 < meeting_id <= MAX_ID:
        if caller is not None:
            meeting = meeting_selectors.meetings_for_staff(caller).filter(pk=meeting_id).first()
        else:
            meeting = meeting_selectors.public_meeting_get(meeting_id)
    if meeting is None:
        return 404, {"detail": "没有找到这次会议，或您无权查看。"}
    return 200, {**_meeting(meeting), "description": meeting.description}
