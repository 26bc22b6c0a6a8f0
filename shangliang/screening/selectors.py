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

from shangliang.concerns import permissions as concern_permissions
from shangliang.concerns import selectors as concern_selectors
from shangliang.concerns.models import AWAITING_DECISION, Concern, ConcernPhoto, ConcernSource, ConcernStatus
from shangliang.core.prepared import PREFIX, Kind, PreparedRead
from shangliang.places.models import Region, RegionLevel
from shangliang.places.permissions import is_admin
from shangliang.text import selectors as text_selectors
from shangliang.text.models import DocumentKind
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


def desk_concerns(user: Any) -> QuerySet[Concern]:
    """The concerns a person screens: their scope (a grid worker: their grid's community)."""
    if not (is_admin(user) or getattr(user, "role", "") in ("staff", "secretary", "grid_worker")):
        return Concern.objects.none()
    return concern_selectors.concerns_for_staff(user)


_STREET_PATH = PreparedRead(
    lambda pk: Region.objects.filter(pk=pk, level=RegionLevel.STREET).values_list("path"), pk=int
)


def _street_path(pk: int | None) -> str | None:
    """The path of a street (None when none is given, empty when there is no such street)."""
    if pk is None:
        return None
    row = _STREET_PATH.first(pk=pk)
    return row[0] if row else ""


@dataclass(frozen=True)
class _Values:
    """The values an inbox filter compares with: the real ones, or a prepared read's placeholders
    (``_filtered`` builds the same query from either)."""

    source: Any = ""
    category: Any = None
    grid: Any = None
    community: Any = None
    street_path: Any = None
    created_from: Any = None
    created_before: Any = None
    today: Any = None
    soon_until: Any = None


def _values_of(filters: InboxFilters) -> _Values:
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    return _Values(
        source=filters.source,
        category=filters.category,
        # The narrowest place given is the one compared (as in ``_filtered``).
        grid=filters.grid,
        community=filters.community if not filters.grid else None,
        street_path=_street_path(filters.street)
        if filters.street and not (filters.grid or filters.community)
        else None,
        created_from=dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=tz)
        if filters.date_from
        else None,
        created_before=dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        if filters.date_to
        else None,
        today=today if filters.due else None,
        soon_until=today + dt.timedelta(days=2) if filters.due == "soon" else None,
    )


def _filtered(user: Any, filters: InboxFilters, v: _Values) -> QuerySet[Concern]:
    qs = desk_concerns(user)
    if filters.status in STATUS_GROUPS:
        qs = qs.filter(status__in=STATUS_GROUPS[filters.status])
    elif filters.status != "all":
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=v.source)
    if filters.category:
        qs = qs.filter(category_id=v.category)
    # The narrowest place given wins; each is one indexed prefix or id match.
    if filters.grid:
        qs = qs.filter(region_id=v.grid)
    elif filters.community:
        qs = qs.filter(community_id=v.community)
    elif filters.street:
        qs = qs.filter(region_path__startswith=v.street_path) if v.street_path else qs.none()
    if filters.date_from:
        qs = qs.filter(created_at__gte=v.created_from)
    if filters.date_to:
        qs = qs.filter(created_at__lt=v.created_before)
    if filters.due == "overdue":
        qs = qs.filter(status__in=AWAITING_DECISION, first_response_due__lt=v.today)
    elif filters.due == "soon":
        qs = qs.filter(status__in=AWAITING_DECISION, first_response_due__gte=v.today)
        qs = qs.filter(first_response_due__lte=v.soon_until)
    if filters.duplicates:
        qs = qs.filter(likely_duplicates__gt=0)
    if filters.review:
        qs = qs.filter(needs_review=True)
    return qs


def filter_concerns(user: Any, filters: InboxFilters) -> QuerySet[Concern]:
    return _filtered(user, filters, _values_of(filters))


# The inbox's reads, compiled once per shape of filter (which filters apply, the scope, the sort
# and the page: not the values), ADR 57.
_KINDS: dict[str, Kind] = {
    "source": str,
    "category": int,
    "grid": int,
    "community": int,
    "street_path": PREFIX,
    "created_from": dt.datetime,
    "created_before": dt.datetime,
    "today": dt.date,
    "soon_until": dt.date,
}
_INBOX_READS: dict[tuple[Any, ...], tuple[PreparedRead, PreparedRead]] = {}
_INBOX_READS_MAX = 1000


def _inbox_reads(
    user: Any, filters: InboxFilters, v: _Values, page_size: int
) -> tuple[PreparedRead, PreparedRead]:
    given = {
        name: kind for name, kind in _KINDS.items() if getattr(v, name) is not None and getattr(v, name) != ""
    }
    scope = concern_permissions.scope_region(user)
    shape = (
        is_admin(user),
        getattr(user, "role", ""),
        scope.path if scope is not None else None,
        filters.status,
        tuple(given),
        filters.due,
        filters.duplicates,
        filters.review,
        filters.sort,
        filters.page,
        page_size,
    )
    reads = _INBOX_READS.get(shape)
    if reads is None:
        if len(_INBOX_READS) >= _INBOX_READS_MAX:
            _INBOX_READS.clear()
        start = (filters.page - 1) * page_size

        def filtered(values: dict[str, Any]) -> QuerySet[Concern]:
            return _filtered(user, filters, _Values(**values))

        reads = _INBOX_READS[shape] = (
            PreparedRead(lambda **p: filtered(p).order_by().values_list("pk")[: COUNT_CAP + 1], **given),
            PreparedRead(
                lambda **p: (
                    filtered(p)
                    .order_by(*SORTS[filters.sort])
                    .values_list(*ROW_FIELDS)[start : start + page_size]
                ),
                **given,
            ),
        )
    return reads


_PHOTO_COUNTS: dict[int, PreparedRead] = {}


def _photo_counts(ids: list[int], page_size: int) -> dict[int, int]:
    if not ids:
        return {}
    read = _PHOTO_COUNTS.get(page_size)
    if read is None:
        read = _PHOTO_COUNTS[page_size] = PreparedRead(
            lambda ids: (
                ConcernPhoto.objects.filter(concern_id__in=ids)
                .order_by()
                .values("concern_id")
                .annotate(n=Count("id"))
                .values_list("concern_id", "n")
            ),
            ids=(int, page_size),
        )
    return dict(read.rows(ids=ids))


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


def inbox(user: Any, filters: InboxFilters, *, page_size: int = PAGE_SIZE) -> InboxPage:
    v = _values_of(filters)
    if not desk_concerns(user).query.is_empty() and not (filters.street and v.street_path == ""):
        count_read, page_read = _inbox_reads(user, filters, v, page_size)
        given = {name: getattr(v, name) for name in count_read.kinds}
        count = count_read.count(**given)
        values = [dict(zip(ROW_FIELDS, row, strict=True)) for row in page_read.rows(**given)]
    else:
        count, values = 0, []
    photos = _photo_counts([v["id"] for v in values], page_size)
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


def similar_for(user: Any, concern: Concern, *, limit: int = 8) -> list[SimilarItem]:
    """Concerns and topics the text engine finds similar, with their records (visible ones only)."""
    hits = text_selectors.similar(
        text=concern.text,
        community_id=concern.community_id,
        kinds=(DocumentKind.CONCERN, DocumentKind.TOPIC),
        limit=limit * 2,
        exclude=("concern", concern.pk),
        user=_ScopeOf(user),
    )
    hits = [h for h in hits if h.level]
    concern_ids = [h.object_id for h in hits if h.kind == DocumentKind.CONCERN]
    topic_ids = [h.object_id for h in hits if h.kind == DocumentKind.TOPIC]
    concerns = {c.pk: c for c in desk_concerns(user).filter(pk__in=concern_ids)}
    topics = {
        t.pk: t for t in Topic.objects.filter(pk__in=topic_ids, region_path__startswith=scope_path(user))
    }
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


@dataclass(frozen=True)
class _ScopeOf:
    """A person as the text engine should scope them for screening: a grid worker screens their
    grid's whole community (``concerns.permissions.scope_region``), not only the grid."""

    user: Any

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def is_superuser(self) -> bool:
        return bool(getattr(self.user, "is_superuser", False))

    @property
    def role(self) -> str:
        return str(getattr(self.user, "role", ""))

    @property
    def region(self) -> Region | None:
        return concern_permissions.scope_region(self.user)


def scope_path(user: Any) -> str:
    """The region path prefix of what ``user`` screens ("" for everything)."""
    if is_admin(user):
        return ""
    scope = concern_permissions.scope_region(user)
    return scope.path if scope is not None else "/nothing/"


def joinable_topics(user: Any, concern: Concern, *, limit: int = 30) -> QuerySet[Topic]:
    """Open topics of the concern's community (or district-wide in scope) to join or merge into."""
    return (
        Topic.objects.filter(status__in=JOINABLE_STATUSES, region_path__startswith=scope_path(user))
        .filter(Q(community_id=concern.community_id) | Q(community__isnull=True))
        .order_by("-created_at")[:limit]
    )


def hot_issues(user: Any, *, days: int = 30, street: int | None = None) -> list[Any]:
    """The text engine's clusters of undecided concerns in the person's area."""
    path = scope_path(user)
    if street:
        street_path = _street_path(street)
        if street_path and street_path.startswith(path):
            path = street_path
    return text_selectors.hot_clusters(region_path=path, days=days, user=_ScopeOf(user))


def merged_into_this(concern: Concern) -> QuerySet[Concern]:
    return concern.merged_concerns.select_related("community").order_by("created_at")
