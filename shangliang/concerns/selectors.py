"""Reads of the intake: by tracking code, by phone, similar public concerns, timelines."""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import time
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet

from shangliang.concerns import permissions
from shangliang.concerns.models import OPEN_STATUSES, Concern, ConcernFollowUp, ConcernPhoto, ConcernStatus
from shangliang.concerns.rules import clean_tracking_code, mask_personal_text
from shangliang.core import prepared
from shangliang.core.models import AuditEvent
from shangliang.core.options import RenderedOptions, render_grouped_options, render_options
from shangliang.core.personal import lookup_hash
from shangliang.places.models import Region, RegionLevel
from shangliang.places.permissions import is_admin
from shangliang.places.selectors import PLACE_COLUMNS
from shangliang.text import selectors as text_selectors
from shangliang.text.models import Category, DocumentKind

_BY_CODE = prepared.PreparedModelRead(
    Concern,
    lambda code: {"tracking_code": code},
    related={
        "region": PLACE_COLUMNS,
        "community": PLACE_COLUMNS,
        "community__parent": PLACE_COLUMNS,
        "category": ["name"],
    },
    code=str,
)


def concern_by_code(raw_code: str) -> Concern | None:
    """The concern with a tracking code, its places and category attached (one prepared read: the
    tracking page is the one residents reload most)."""
    code = clean_tracking_code(raw_code)
    return _BY_CODE.first(code=code) if code else None


def tracking_code_for_client_token(token: str) -> str | None:
    """The tracking code of the concern a form already created, if any (one indexed lookup)."""
    if not token:
        return None
    row = _CODE_OF_TOKEN.first(token=token)
    return row[0] if row else None


_CODE_OF_TOKEN = prepared.PreparedRead(
    lambda token: Concern.objects.filter(client_token=token).values_list("tracking_code"), token=str
)


def concern_by_client_token(token: str) -> Concern | None:
    """The concern a form already created (a double click, a browser resending the form)."""
    return Concern.objects.filter(client_token=token).first() if token else None


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    text: str
    kind: str  # dotted event type, for an icon


_PUBLIC_EVENTS = prepared.PreparedRead(
    lambda content_type, object_id: (
        AuditEvent.objects.filter(content_type_id=content_type, object_id=object_id, public=True)
        .order_by("created_at", "id")
        .values_list("created_at", "public_text", "event_type")
    ),
    content_type=int,
    object_id=str,
)


def public_timeline(concern: Concern) -> list[TimelineEntry]:
    """The resident-visible history: public audit events only, never who did it or personal data."""
    rows = _PUBLIC_EVENTS.rows(
        content_type=ContentType.objects.get_for_model(Concern).pk, object_id=str(concern.pk)
    )
    return [TimelineEntry(at=at, text=text, kind=kind) for at, text, kind in rows]


_PHOTO = prepared.all_columns(ConcernPhoto)
_PHOTOS = prepared.PreparedRead(
    lambda concern: (
        ConcernPhoto.objects.filter(concern_id=concern).order_by("created_at", "id").values_list(*_PHOTO)
    ),
    concern=int,
)
_FOLLOWUP = prepared.all_columns(ConcernFollowUp)
_FOLLOWUPS = prepared.PreparedRead(
    lambda concern: (
        ConcernFollowUp.objects.filter(concern_id=concern)
        .order_by("created_at", "id")
        .values_list(*_FOLLOWUP)
    ),
    concern=int,
)


def photos_of(concern: Concern) -> list[ConcernPhoto]:
    """The concern's photos (those added with follow-ups included), in the order they came."""
    return [prepared.instance(ConcernPhoto, _PHOTO, row) for row in _PHOTOS.rows(concern=concern.pk)]


def followups_of(concern: Concern) -> list[ConcernFollowUp]:
    return [prepared.instance(ConcernFollowUp, _FOLLOWUP, row) for row in _FOLLOWUPS.rows(concern=concern.pk)]


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
        Concern.objects.filter(followers__phone_hash=lookup_hash(phone), is_public=True, needs_review=False)
        .select_related("community", "category")
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class Suggestion:
    """An earlier public concern that is likely the same problem, for "我也遇到": what the intake
    page shows of it (plain values, so a page showing it can be kept, ADR 58)."""

    pk: int
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
# Which of the likely concerns may be suggested (public, reviewed, still open: the index says so
# too, this read is the record's own word) and their supporters, read a few at a time, best first,
# until enough are found (usually the first few). The text, date and place come with the index
# row the lookup already read.
SUGGESTIONS_READ = 3
_SUGGESTED = prepared.PreparedRead(
    lambda ids: Concern.objects.filter(
        pk__in=ids, is_public=True, needs_review=False, status__in=list(OPEN_STATUSES)
    ).values_list("id", "status", "supporters_count"),
    ids=(int, SUGGESTIONS_READ),
)
_STATUS_LABELS = {value: str(label) for value, label in ConcernStatus.choices}


def similar_public(text: str, *, community_id: int | None, limit: int = 3) -> list[Suggestion]:
    """Public, open concerns of the same community that are likely the same problem."""
    hits = text_selectors.similar(
        text=text,
        community_id=community_id,
        kinds=(DocumentKind.CONCERN,),
        limit=SIMILAR_HITS,
        user=None,
        open_only=True,
    )
    likely = [h for h in hits if h.level == "likely"]
    if not likely:
        return []
    rows: dict[int, tuple[str, int]] = {}
    for start in range(0, len(likely), SUGGESTIONS_READ):
        batch = [h.object_id for h in likely[start : start + SUGGESTIONS_READ]]
        rows.update((pk, (status, supporters)) for pk, status, supporters in _SUGGESTED.rows(ids=batch))
        if len(rows) >= limit:
            break
    shown = [(h, rows[h.object_id]) for h in likely if h.object_id in rows][:limit]
    place = place_choices()
    return [
        Suggestion(
            pk=hit.object_id,
            public_text=mask_personal_text(hit.text),
            community=place.community_name(hit.community_id),
            created_at=hit.created_at,
            status=_STATUS_LABELS.get(status, status),
            supporters=supporters,
            score=hit.score,
            shared_words=tuple(hit.shared_words),
        )
        for hit, (status, supporters) in shown
    ]


PLACE_CHOICES_KEY = "concerns:place-choices-version"
PLACE_CHOICES_SECONDS = 300
PLACE_CHOICES_KEPT = 4


@dataclass(frozen=True)
class PlaceChoices:
    """The intake form's lists (streets, communities grouped by street, grids per community,
    categories) rendered as ``<option>`` elements. They are the same for everyone and read on every
    view of the form: each process keeps them, under ``version`` (a digest of their content); the
    shared cache holds only the current version, so that editing a region or a category (which
    forgets it) reaches every process, and a kept page fragment digests the version, not the lists."""

    streets: RenderedOptions
    communities: RenderedOptions
    grids_of: dict[int, RenderedOptions]
    categories: RenderedOptions
    # Every village/community by id: the values of its row's columns (``_REGION_COLUMNS``), so
    # that a posted choice is checked here and a suggestion shows its place's name.
    community_rows: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    version: str = ""

    def grids(self, community: object) -> RenderedOptions:
        """The grids of a community given as a form value (none for an empty or forged value)."""
        value = str(community or "")
        return self.grids_of.get(int(value), RenderedOptions()) if value.isdigit() else RenderedOptions()

    def community(self, pk: int) -> Region | None:
        """The village/community with this key, as a region of its own (None for any other key)."""
        row = self.community_rows.get(pk)
        return None if row is None else Region.from_db(DEFAULT_DB_ALIAS, _REGION_COLUMNS, row)

    def community_name(self, pk: int | None) -> str:
        """The name of the village/community with this key ("" for any other key)."""
        row = self.community_rows.get(pk or 0)
        return "" if row is None else str(row[_REGION_NAME])


_REGION_COLUMNS = [f.attname for f in Region._meta.concrete_fields]
_REGION_NAME = _REGION_COLUMNS.index("name")


def _load_place_choices() -> PlaceChoices:
    grids: dict[int, list[tuple[int, str]]] = {}
    for pk, name, parent in (
        Region.objects.filter(level=RegionLevel.GRID)
        .order_by("sort_order", "name")
        .values_list("pk", "name", "parent_id")
    ):
        grids.setdefault(parent, []).append((pk, name))
    streets = communities_by_street()
    lists = (
        render_options((street.pk, street.name) for street, _ in streets),
        render_grouped_options(
            (street.name, [(c.pk, c.name) for c in communities]) for street, communities in streets
        ),
        {community: render_options(pairs) for community, pairs in grids.items()},
        render_options(Category.objects.filter(active=True).values_list("pk", "name")),
        {
            c.pk: tuple(getattr(c, name) for name in _REGION_COLUMNS)
            for _, communities in streets
            for c in communities
        },
    )
    version = hashlib.blake2b(
        pickle.dumps(lists, protocol=pickle.HIGHEST_PROTOCOL), digest_size=12
    ).hexdigest()
    return PlaceChoices(*lists, version=version)


_kept_place_choices: dict[str, PlaceChoices] = {}
# The shared version is read at most this often (seconds): an intake post uses the choices three
# times. A change made in this process is seen at once (``forget_place_choices``), one made in
# another process within this time.
PLACE_CHOICES_CHECK_SECONDS = 1.0
_checked: list[tuple[float, str]] = [(-PLACE_CHOICES_CHECK_SECONDS, "")]


def place_choices() -> PlaceChoices:
    checked_at, current = _checked[0]
    now = time.monotonic()
    if now - checked_at < PLACE_CHOICES_CHECK_SECONDS and (kept := _kept_place_choices.get(current)):
        return kept
    version = cache.get(PLACE_CHOICES_KEY)
    found = _kept_place_choices.get(version) if isinstance(version, str) else None
    if found is None:
        found = _load_place_choices()
        if len(_kept_place_choices) >= PLACE_CHOICES_KEPT:
            _kept_place_choices.clear()
        _kept_place_choices[found.version] = found
        if version != found.version:
            cache.set(PLACE_CHOICES_KEY, found.version, PLACE_CHOICES_SECONDS)
    _checked[0] = (now, found.version)
    return found


def forget_place_choices(**_: object) -> None:
    """Signal receiver: a region or category changed (every process reads them again)."""
    cache.delete(PLACE_CHOICES_KEY)
    _kept_place_choices.clear()
    _checked[0] = (-PLACE_CHOICES_CHECK_SECONDS, "")


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


def concerns_for_staff(user: object) -> QuerySet[Concern]:
    """Concerns a back-office person may see (the screening desk narrows this further)."""
    qs = Concern.objects.select_related("community", "category", "region")
    if is_admin(user):
        return qs
    scope = permissions.scope_region(user)
    role = getattr(user, "role", "")
    if role == "member":
        return qs.filter(community_id__in=permissions.linked_community_ids(user))
    if scope is None or not scope.path or role not in ("staff", "secretary", "grid_worker", "chair"):
        return qs.none()
    return qs.filter(region_path__startswith=scope.path)
