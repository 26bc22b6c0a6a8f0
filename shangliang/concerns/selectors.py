"""Reads of the intake: by tracking code, by phone, similar public concerns, timelines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from shangliang.concerns import permissions
from shangliang.concerns.models import (
    OPEN_STATUSES,
    PUBLICLY_VISIBLE,
    Concern,
    ConcernFollowUp,
    ConcernPhoto,
    ConcernStatus,
)
from shangliang.concerns.rules import clean_tracking_code, mask_personal_text
from shangliang.core.models import AuditEvent
from shangliang.core.options import RenderedOptions, render_grouped_options, render_options
from shangliang.core.roles import Role
from shangliang.core.scope import ANONYMOUS, Scope
from shangliang.places.models import Region, RegionLevel
from shangliang.privacy.personal import lookup_hash
from shangliang.text import selectors as text_selectors
from shangliang.text.models import Category, DocumentKind


def concern_by_code(raw_code: str) -> Concern | None:
    """The concern with a tracking code, its places and category attached."""
    code = clean_tracking_code(raw_code)
    if not code:
        return None
    return (
        Concern.objects.select_related("region", "community", "community__parent", "category")
        .filter(tracking_code=code)
        .first()
    )


def concern_by_client_token(token: str) -> Concern | None:
    """The concern a form already created (a double click, a browser resending the form)."""
    return Concern.objects.filter(client_token=token).first() if token else None


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    text: str
    kind: str  # dotted event type, for an icon


def public_timeline(concern: Concern) -> list[TimelineEntry]:
    """The resident-visible history: public audit events only, never who did it or personal data."""
    rows = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Concern), object_id=str(concern.pk), public=True
        )
        .order_by("created_at", "id")
        .values_list("created_at", "public_text", "event_type")
    )
    return [TimelineEntry(at=at, text=text, kind=kind) for at, text, kind in rows]


def photos_of(concern: Concern) -> list[ConcernPhoto]:
    """The concern's photos (those added with follow-ups included), in the order they came."""
    return list(ConcernPhoto.objects.filter(concern=concern).order_by("created_at", "id"))


def followups_of(concern: Concern) -> list[ConcernFollowUp]:
    return list(ConcernFollowUp.objects.filter(concern=concern).order_by("created_at", "id"))


def concerns_for_phone(phone: str) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(phone_hash=lookup_hash(phone))
        .exclude(phone_hash="")
        .select_related("community", "category")
        .order_by("-created_at")
    )


def followed_for_phone(phone: str) -> QuerySet[Concern]:
    """The public concerns a phone follows ("我也遇到" with that phone), newest first."""
    return (
        Concern.objects.filter(PUBLICLY_VISIBLE, followers__phone_hash=lookup_hash(phone))
        .select_related("community", "category")
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class Suggestion:
    """An earlier public concern that is likely the same problem, for "我也遇到": what the intake
    page shows of it."""

    pk: int
    public_id: str
    public_text: str
    community: str
    created_at: dt.datetime
    status: str
    supporters: int
    score: float
    shared_words: tuple[str, ...]

    @property
    def residents(self) -> int:
        return 1 + self.supporters


SIMILAR_HITS = 10
_STATUS_LABELS = {value: str(label) for value, label in ConcernStatus.choices}


def similar_public(text: str, *, community_id: int | None, limit: int = 3) -> list[Suggestion]:
    """Public, open concerns of the same community that are likely the same problem."""
    hits = text_selectors.similar(
        text=text,
        community_id=community_id,
        kinds=(DocumentKind.CONCERN,),
        limit=SIMILAR_HITS,
        scope=ANONYMOUS,
        open_only=True,
    )
    likely = [h for h in hits if h.level == "likely"]
    if not likely:
        return []
    # Which of them may be suggested (public, reviewed, still open: the index says so too, this
    # read is the record's own word), with their supporters and places.
    rows = {
        pk: (public_id, public_text, status, supporters, community)
        for pk, public_id, public_text, status, supporters, community in Concern.objects.filter(
            PUBLICLY_VISIBLE, pk__in=[h.object_id for h in likely], status__in=list(OPEN_STATUSES)
        ).values_list("id", "public_id", "public_text", "status", "supporters_count", "community__name")
    }
    shown = [(h, rows[h.object_id]) for h in likely if h.object_id in rows][:limit]
    return [
        Suggestion(
            pk=hit.object_id,
            public_id=public_id or "",
            public_text=mask_personal_text(public_text),
            community=community or "",
            created_at=hit.created_at,
            status=_STATUS_LABELS.get(status, status),
            supporters=supporters,
            score=hit.score,
            shared_words=tuple(hit.shared_words),
        )
        for hit, (public_id, public_text, status, supporters, community) in shown
    ]


# A key longer than this is not a row's (and would overflow the database's integer).
_MAX_KEY_DIGITS = 18


@dataclass(frozen=True)
class PlaceChoices:
    """The intake form's lists: streets, communities grouped by street, categories, and the grids
    of a community, as ``<option>`` elements."""

    streets: RenderedOptions
    communities: RenderedOptions
    categories: RenderedOptions

    def grids(self, community: object) -> RenderedOptions:
        """The grids of a community given as a form value (none for an empty or forged value)."""
        value = str(community or "")
        if not value.isdigit() or len(value) > _MAX_KEY_DIGITS:
            return RenderedOptions()
        return render_options(
            Region.objects.filter(level=RegionLevel.GRID, parent_id=int(value))
            .order_by("sort_order", "name")
            .values_list("pk", "name")
        )


def place_choices() -> PlaceChoices:
    streets = communities_by_street()
    return PlaceChoices(
        streets=render_options((street.pk, street.name) for street, _ in streets),
        communities=render_grouped_options(
            (street.name, [(c.pk, c.name) for c in communities]) for street, communities in streets
        ),
        categories=render_options(Category.objects.filter(active=True).values_list("pk", "name")),
    )


def communities_by_street() -> list[tuple[Region, list[Region]]]:
    """Streets with their villages/communities, for the place picker (two queries)."""
    communities = list(
        Region.objects.filter(level=RegionLevel.COMMUNITY)
        .select_related("parent")
        .order_by("parent__path", "name")
    )
    grouped: dict[int, tuple[Region, list[Region]]] = {}
    for community in communities:
        assert community.parent is not None
        grouped.setdefault(community.parent.pk, (community.parent, []))[1].append(community)
    return list(grouped.values())


def concerns_for_staff(scope: Scope) -> QuerySet[Concern]:
    """Concerns a back-office person may see (the screening desk narrows this further)."""
    qs = Concern.objects.select_related("community", "category", "region")
    if scope.is_admin:
        return qs
    if scope.has_role(Role.MEMBER):
        return qs.filter(community_id__in=scope.community_ids)
    if scope.has_role(*permissions.VIEW_ROLES):
        return scope.filter(qs)
    return qs.none()


def public_concern(public_id: str) -> Concern | None:
    """A concern anyone may read, by its public key (``PUBLICLY_VISIBLE``)."""
    if not public_id or len(public_id) > 16:
        return None
    return (
        Concern.objects.filter(PUBLICLY_VISIBLE, public_id=public_id)
        .select_related("community", "community__parent", "category")
        .first()
    )


def public_faces(ids: list[int]) -> dict[int, tuple[str, str]]:
    """What anyone may read of these concerns (the public ones only): no title, and the text staff
    confirmed when they published it, never the resident's own."""
    rows = Concern.objects.filter(PUBLICLY_VISIBLE, pk__in=ids).values_list("id", "public_text")
    return {pk: ("", mask_personal_text(text)) for pk, text in rows}
