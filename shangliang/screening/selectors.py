"""Reads of the screening desk: the inbox with its filters, one concern's screening context, hot issues.

The inbox runs a fixed number of queries whatever its rows: the capped count, the page of rows
(with place and category joined), and the photo counts of the page. Totals above ``COUNT_CAP``
are shown as "200+": an exact count of a million rows would cost more than the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from shangliang.concerns import selectors as concern_selectors
from shangliang.concerns.models import AWAITING_DECISION, Concern, ConcernPhoto, ConcernSource, ConcernStatus
from shangliang.core.scope import Scope
from shangliang.places.models import Region, RegionLevel
from shangliang.screening import permissions
from shangliang.text import selectors as text_selectors
from shangliang.text.models import DocumentKind
from shangliang.text.selectors.judgements import not_same_as
from shangliang.topics import selectors as topic_selectors
from shangliang.topics.models import JOINABLE_STATUSES, Topic

PAGE_SIZE = 25
COUNT_CAP = 200
SORTS = {
    "new": ("-created_at", "-id"),
    "old": ("created_at", "id"),
    "due": ("first_response_due", "id"),
    "support": ("-supporters_count", "-id"),
}
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "waiting": tuple(AWAITING_DECISION),
    "decided": (
        ConcernStatus.ACCEPTED,
        ConcernStatus.ASSIGNED_DIRECTLY,
        ConcernStatus.REFERRED,
        ConcernStatus.CONVERTED,
        ConcernStatus.DECLINED,
    ),
    "merged": (ConcernStatus.MERGED,),
}


# What a row of the desk shows (the rest of a concern, its personal data above all, stays unread).
ROW_FIELDS = (
    "id",
    "tracking_code",
    "text",
    "source",
    "status",
    "first_response_due",
    "supporters_count",
    "likely_duplicates",
    "needs_review",
    "region_id",
    "region__name",
    "community_id",
    "community__name",
    "community__parent__name",
    "category__name",
)


@dataclass
class InboxFilters:
    """The desk's filters as parsed from the query string (unknown values are ignored)."""

    status: str = "waiting"
    source: str = ""
    category: int | None = None
    street: int | None = None
    community: int | None = None
    grid: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    due: str = ""  # "overdue" | "soon" (due within 2 days)
    duplicates: bool = False
    review: bool = False
    sort: str = "new"
    page: int = 1

    @classmethod
    def from_query(cls, data: Any) -> InboxFilters:
        def number(name: str) -> int | None:
            value = str(data.get(name, "") or "")
            return int(value) if value.isdigit() else None

        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(str(data.get(name, "") or ""))
            except ValueError:
                return None

        status = str(data.get("status", "waiting") or "waiting")
        source = str(data.get("source", "") or "")
        due = str(data.get("due", "") or "")
        sort = str(data.get("sort", "new") or "new")
        return cls(
            status=status
            if status in STATUS_GROUPS or status in ConcernStatus.values or status == "all"
            else "waiting",
            source=source if source in ConcernSource.values else "",
            category=number("category"),
            street=number("street"),
            community=number("community"),
            grid=number("grid"),
            date_from=day("date_from"),
            date_to=day("date_to"),
            due=due if due in ("overdue", "soon") else "",
            duplicates=data.get("dup") == "1",
            review=data.get("review") == "1",
            sort=sort if sort in SORTS else "new",
            page=max(1, min(number("page") or 1, 10_000)),
        )


def desk_concerns(scope: Any) -> QuerySet[Concern]:
    """The concerns a person screens: those of the staff concern list, for the desk's roles."""
    if not permissions.can_use_desk(scope):
        return Concern.objects.none()
    return concern_selectors.concerns_for_staff(scope)


def _street_path(pk: int) -> str | None:
    """The path of a street (None when there is no such street)."""
    return Region.objects.filter(pk=pk, level=RegionLevel.STREET).values_list("path", flat=True).first()


def filter_concerns(scope: Scope, filters: InboxFilters) -> QuerySet[Concern]:
    qs = desk_concerns(scope)
    if filters.status in STATUS_GROUPS:
        qs = qs.filter(status__in=STATUS_GROUPS[filters.status])
    elif filters.status != "all":
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    # The narrowest place given wins; each is one indexed prefix or id match.
    if filters.grid:
        qs = qs.filter(region_id=filters.grid)
    elif filters.community:
        qs = qs.filter(community_id=filters.community)
    elif filters.street:
        street = Region.objects.filter(pk=filters.street, level=RegionLevel.STREET).values_list(
            "path", flat=True
        )
        path = street.first()
        qs = qs.filter(region_path__startswith=path) if path else qs.none()
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(created_at__gte=dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=tz))
    if filters.date_to:
        before = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        qs = qs.filter(created_at__lt=before)
    today = timezone.localdate()
    if filters.due == "overdue":
        qs = qs.filter(status__in=AWAITING_DECISION, first_response_due__lt=today)
    elif filters.due == "soon":
        qs = qs.filter(
            status__in=AWAITING_DECISION,
            first_response_due__gte=today,
            first_response_due__lte=today + dt.timedelta(days=2),
        )
    if filters.duplicates:
        qs = qs.filter(likely_duplicates__gt=0)
    if filters.review:
        qs = qs.filter(needs_review=True)
    return qs


def _photo_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(
        ConcernPhoto.objects.filter(concern_id__in=ids)
        .order_by()
        .values("concern_id")
        .annotate(n=Count("id"))
        .values_list("concern_id", "n")
    )


@dataclass
class InboxPage:
    rows: list[InboxRow]
    count: int
    capped: bool
    page: int
    page_size: int
    filters: InboxFilters
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.count

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def count_label(self) -> str:
        return f"{COUNT_CAP}+" if self.capped else str(self.count)


@dataclass(frozen=True)
class InboxRow:
    """What one row of the desk shows, computed once in Python: cheaper to render than a model
    with its related objects, and it never carries personal data."""

    pk: int
    tracking_code: str
    summary: str
    source: str
    source_label: str
    place: str
    category: str
    status_label: str
    due: dt.date | None
    overdue: bool
    likely_duplicates: int
    needs_review: bool
    residents: int
    photos: int


SOURCE_LABELS = dict(ConcernSource.choices)
STATUS_LABELS = dict(ConcernStatus.choices)
SUMMARY_CHARS = 50


def _row(values: dict[str, Any], photos: int, today: dt.date) -> InboxRow:
    text = values["text"]
    place = " ".join(
        n
        for n in (
            values["community__parent__name"],
            values["community__name"],
            values["region__name"] if values["region_id"] != values["community_id"] else "",
        )
        if n
    )
    due = values["first_response_due"]
    return InboxRow(
        pk=values["id"],
        tracking_code=values["tracking_code"],
        summary=text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…",
        source=values["source"],
        source_label=SOURCE_LABELS.get(values["source"], values["source"]),
        place=place,
        category=values["category__name"] or "—",
        status_label=STATUS_LABELS.get(values["status"], values["status"]),
        due=due,
        overdue=values["status"] in AWAITING_DECISION and due is not None and due < today,
        likely_duplicates=values["likely_duplicates"],
        needs_review=values["needs_review"],
        residents=values["supporters_count"] + 1 if values["supporters_count"] else 0,
        photos=photos,
    )


def inbox(scope: Scope, filters: InboxFilters, *, page_size: int = PAGE_SIZE) -> InboxPage:
    qs = filter_concerns(scope, filters)
    if qs.query.is_empty():
        count, values = 0, []
    else:
        count = qs.order_by().values_list("pk")[: COUNT_CAP + 1].count()
        start = (filters.page - 1) * page_size
        values = list(qs.order_by(*SORTS[filters.sort]).values(*ROW_FIELDS)[start : start + page_size])
    photos = _photo_counts([v["id"] for v in values])
    today = timezone.localdate()
    rows = [_row(v, photos.get(v["id"], 0), today) for v in values]
    return InboxPage(
        rows=rows,
        count=min(count, COUNT_CAP),
        capped=count > COUNT_CAP,
        page=filters.page,
        page_size=page_size,
        filters=filters,
    )


@dataclass(frozen=True)
class SimilarItem:
    kind: str
    object_id: int
    score: float
    level: str
    shared_words: list[str]
    concern: Concern | None = None
    topic: Topic | None = None


def similar_for(scope: Scope, concern: Concern, *, limit: int = 8) -> list[SimilarItem]:
    """Concerns and topics the text engine finds similar, with their records (visible ones only)."""
    hits = text_selectors.similar(
        text=concern.text,
        community_id=concern.community_id,
        kinds=(DocumentKind.CONCERN, DocumentKind.TOPIC),
        limit=limit * 2,
        exclude=("concern", concern.pk),
        scope=scope,
    )
    dismissed = not_same_as(DocumentKind.CONCERN, concern.pk)
    hits = [h for h in hits if h.level and (h.kind, h.object_id) not in dismissed]
    concern_ids = [h.object_id for h in hits if h.kind == DocumentKind.CONCERN]
    topic_ids = [h.object_id for h in hits if h.kind == DocumentKind.TOPIC]
    concerns = {c.pk: c for c in desk_concerns(scope).filter(pk__in=concern_ids)}
    topics = {t.pk: t for t in topic_selectors.topics_for_staff(scope).filter(pk__in=topic_ids)}
    result = []
    for hit in hits:
        item = SimilarItem(
            kind=hit.kind,
            object_id=hit.object_id,
            score=hit.score,
            level=hit.level,
            shared_words=hit.shared_words,
            concern=concerns.get(hit.object_id) if hit.kind == DocumentKind.CONCERN else None,
            topic=topics.get(hit.object_id) if hit.kind == DocumentKind.TOPIC else None,
        )
        if item.concern is not None or item.topic is not None:
            result.append(item)
    return result[:limit]


def joinable_topics(scope: Scope, concern: Concern, *, limit: int = 30) -> QuerySet[Topic]:
    """Open topics of the concern's community (or district-wide in scope) to join or merge into."""
    return (
        scope.filter(Topic.objects.filter(status__in=JOINABLE_STATUSES))
        .filter(Q(community_id=concern.community_id) | Q(community__isnull=True))
        .order_by("-created_at")[:limit]
    )


def hot_issues(scope: Scope, *, days: int = 30, street: int | None = None) -> list[Any]:
    """The text engine's clusters of undecided concerns in the person's area."""
    path = scope.region_path or ""
    if street:
        street_path = _street_path(street)
        if street_path and scope.covers_region(street_path):
            path = street_path
    return text_selectors.hot_clusters(region_path=path, days=days, scope=scope)


def merged_into_this(concern: Concern) -> QuerySet[Concern]:
    return concern.merged_concerns.select_related("community").order_by("created_at")
