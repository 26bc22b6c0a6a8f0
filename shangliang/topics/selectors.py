"""Reads of topics: lists for staff and the public, a topic with its concerns, supporters and timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from shangliang.concerns.models import Concern
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.privacy.personal import mask_text
from shangliang.topics import permissions
from shangliang.topics.models import JoinedVia, Topic, TopicConcern, TopicDocument, TopicSource


def topics_for_staff(scope: Scope) -> QuerySet[Topic]:
    qs = Topic.objects.select_related("community", "category", "committee", "region")
    if scope.is_admin:
        return qs
    if scope.has_role(Role.MEMBER):
        return qs.filter(Q(community_id__in=scope.community_ids) | Q(created_by_id=scope.user_id))
    if scope.has_role(Role.REVIEWER):
        return scope.filter(qs.filter(source=TopicSource.GOVERNMENT))
    if scope.has_role(Role.OFFICER):
        # The topics behind the department's action items.
        if scope.organisation_id is None:
            return qs.none()
        return qs.filter(
            pk__in=_action_item_model()
            ._default_manager.filter(department_id=scope.organisation_id)
            .values("topic_id")
        )
    if scope.has_role(*permissions.VIEW_ROLES):
        return scope.filter(qs)
    return qs.none()


def _action_item_model() -> Any:
    """The action items' model (the actions app comes later in the import order)."""
    return Topic._meta.get_field("action_items").related_model


def topic_get_for_user(scope: Scope, pk: int) -> Topic | None:
    """The topic if ``scope`` may see it (``can_view_topic`` is the same rule as the scope of
    ``topics_for_staff``), read with its places and owners."""
    topic = (
        Topic.objects.select_related("region", "community", "category", "committee", "activity_group")
        .filter(pk=pk)
        .first()
    )
    return topic if topic is not None and permissions.can_view_topic(scope, topic) else None


def public_topics() -> QuerySet[Topic]:
    return (
        Topic.objects.filter(is_public=True)
        .exclude(status__in=permissions.PUBLIC_HIDDEN)
        .select_related("community", "category")
    )


def public_faces(ids: list[int]) -> dict[int, tuple[str, str]]:
    """What anyone may read of these topics (the public ones only): what their public page shows."""
    rows = public_topics().filter(pk__in=ids).values_list("id", "title", "description")
    return {pk: (mask_text(title), mask_text(description)) for pk, title, description in rows}


def links_of(topic: Topic, *, include_removed: bool = True) -> QuerySet[TopicConcern]:
    qs = topic.links.select_related("concern", "concern__community", "joined_by", "removed_by")
    return qs if include_removed else qs.filter(removed_at__isnull=True)


@dataclass(frozen=True)
class Supporters:
    concerns: int  # concerns in the topic, duplicates merged into them included
    residents: int  # each concern's submitter plus its "我也遇到" supporters


@dataclass(frozen=True)
class LinkRow:
    """One concern of a topic as the staff page lists it: plain values, no model instances."""

    concern_id: int
    tracking_code: str
    text: str
    source: str
    via: str
    joined_at: dt.datetime
    joined_by: str
    removed_at: dt.datetime | None
    supporters_count: int

    @property
    def via_label(self) -> str:
        return JOINED_VIA_LABELS.get(self.via, self.via)


JOINED_VIA_LABELS = dict(JoinedVia.choices)


def link_rows(topic: Topic) -> list[LinkRow]:
    """The topic's concerns (split-off ones included) in the order they joined, in one query."""
    return [
        LinkRow(
            concern_id=concern_id,
            tracking_code=code,
            text=text,
            source=source,
            via=via,
            joined_at=joined_at,
            joined_by=display_name or username or "",
            removed_at=removed_at,
            supporters_count=supporters_count,
        )
        for (
            concern_id,
            code,
            text,
            source,
            via,
            joined_at,
            display_name,
            username,
            removed_at,
            supporters_count,
        ) in TopicConcern.objects.filter(topic=topic)
        .order_by("joined_at", "id")
        .values_list(
            "concern_id",
            "concern__tracking_code",
            "concern__text",
            "concern__source",
            "via",
            "joined_at",
            "joined_by__display_name",
            "joined_by__username",
            "removed_at",
            "concern__supporters_count",
        )
    ]


def supporters(topic: Topic, *, rows: list[LinkRow] | None = None) -> Supporters:
    """Derived from the topic's concerns and the concerns merged into them: one indexed lookup per
    level of merging (the first level's counts come with ``rows`` from ``link_rows`` when given)."""
    if rows is None:
        counts = dict(
            TopicConcern.objects.filter(topic=topic, removed_at__isnull=True).values_list(
                "concern_id", "concern__supporters_count"
            )
        )
    else:
        counts = {row.concern_id: row.supporters_count for row in rows if row.removed_at is None}
    frontier = set(counts)
    while frontier:
        # Two steps: the ids alone come from the covering index on merged_into (asked for another
        # column, SQLite's planner scans the table, most rows having no merged_into).
        found = set(
            Concern.objects.filter(merged_into_id__in=frontier).order_by().values_list("pk", flat=True)
        )
        frontier = found - counts.keys()
        if frontier:
            counts.update(
                Concern.objects.filter(pk__in=frontier).order_by().values_list("pk", "supporters_count")
            )
    return Supporters(concerns=len(counts), residents=len(counts) + sum(counts.values()))


def sources_of(topic: Topic, *, rows: list[LinkRow] | None = None) -> list[str]:
    """The topic's own source and those of the concerns it holds, as labels (``rows`` from
    ``link_rows`` saves the query)."""
    held = (
        links_of(topic, include_removed=False).values_list("concern__source", flat=True)
        if rows is None
        else [row.source for row in rows if row.removed_at is None]
    )
    values = {topic.source, *held}
    return [label for value, label in TopicSource.choices if value in values]


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    text: str
    actor: str
    kind: str
    reason: str


def timeline(topic: Topic, *, public: bool) -> list[TimelineEntry]:
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Topic), object_id=str(topic.pk)
    )
    if public:
        events = events.filter(public=True)
    rows = events.order_by("created_at", "id").values_list(
        "created_at", "public_text", "actor_label", "event_type", "reason"
    )
    return [
        TimelineEntry(
            at=at,
            text=text,
            actor="" if public else actor,
            kind=kind,
            reason="" if public else reason,
        )
        for at, text, actor, kind, reason in rows
    ]


@dataclass(frozen=True)
class DocumentRow:
    pk: int
    name: str
    note: str
    uploaded_by: str
    created_at: dt.datetime


def documents_of(topic: Topic) -> list[DocumentRow]:
    """The topic's material for its staff page, as plain values in one query."""
    return [
        DocumentRow(
            pk=pk, name=name, note=note, uploaded_by=display_name or username or "", created_at=created_at
        )
        for pk, name, note, display_name, username, created_at in TopicDocument.objects.filter(topic=topic)
        .order_by("created_at", "id")
        .values_list("pk", "name", "note", "uploaded_by__display_name", "uploaded_by__username", "created_at")
    ]


@dataclass(frozen=True)
class ActionItemRow:
    pk: int
    title: str
    department_name: str
    status_label: str
    department_id: int | None = None


def action_items_of(topic: Topic) -> list[ActionItemRow]:
    """The action items made from the topic (the actions app comes later in the import order, so
    they are read through the reverse relation and labelled from the model's own choices)."""
    model = Topic._meta.get_field("action_items").related_model
    labels = dict(model._meta.get_field("status").choices or ())  # type: ignore[union-attr]
    return [
        ActionItemRow(
            pk=pk,
            title=title,
            department_name=department or "",
            status_label=str(labels.get(status, status)),
            department_id=department_id,
        )
        for pk, title, department, status, department_id in model._default_manager.filter(topic=topic)
        .order_by("deadline", "id")
        .values_list("pk", "title", "department__name", "status", "department_id")
    ]


def followed_for_phone(phone: str) -> QuerySet[Topic]:
    """The public topics a phone follows, newest first."""
    from shangliang.privacy.personal import lookup_hash

    return public_topics().filter(followers__phone_hash=lookup_hash(phone)).order_by("-created_at")


def public_concerns_of(topic: Topic) -> list[Concern]:
    """The topic's concerns that anyone may read (public, screened), oldest first."""
    return list(
        Concern.objects.filter(
            topic_links__topic=topic, topic_links__removed_at__isnull=True, is_public=True, needs_review=False
        )
        .select_related("community")
        .order_by("created_at", "pk")
    )
