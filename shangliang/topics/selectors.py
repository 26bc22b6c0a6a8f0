"""Reads of topics: lists for staff and the public, a topic with its concerns, supporters and timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet, Sum

from shangliang.concerns import permissions as concern_permissions
from shangliang.concerns.models import Concern
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.places.permissions import is_admin
from shangliang.topics import permissions
from shangliang.topics.models import Topic, TopicConcern, TopicSource


def topics_for_staff(user: Any) -> QuerySet[Topic]:
    qs = Topic.objects.select_related("community", "category", "committee", "region")
    if is_admin(user):
        return qs
    role = permissions.role_of(user)
    if role == Role.MEMBER:
        return qs.filter(
            Q(community_id__in=concern_permissions.linked_community_ids(user)) | Q(created_by=user)
        )
    scope = concern_permissions.scope_region(user)
    if scope is None or not scope.path:
        return qs.none()
    if role == Role.REVIEWER:
        return qs.filter(source=TopicSource.GOVERNMENT, region_path__startswith=scope.path)
    if role not in permissions.VIEW_ROLES:
        return qs.none()
    return qs.filter(region_path__startswith=scope.path)


def topic_get_for_user(user: Any, pk: int) -> Topic | None:
    topic = topics_for_staff(user).filter(pk=pk).first()
    return topic if topic is not None and permissions.can_view_topic(user, topic) else None


def public_topics() -> QuerySet[Topic]:
    return (
        Topic.objects.filter(is_public=True)
        .exclude(status__in=permissions.PUBLIC_HIDDEN)
        .select_related("community", "category")
    )


def links_of(topic: Topic, *, include_removed: bool = True) -> QuerySet[TopicConcern]:
    qs = topic.links.select_related("concern", "concern__community", "joined_by", "removed_by")
    return qs if include_removed else qs.filter(removed_at__isnull=True)


@dataclass(frozen=True)
class Supporters:
    concerns: int  # concerns in the topic, duplicates merged into them included
    residents: int  # each concern's submitter plus its "我也遇到" supporters


def supporters(topic: Topic) -> Supporters:
    """Derived from the topic's concerns and the concerns merged into them: indexed lookups, one per
    level of merging, then one aggregate."""
    ids = set(
        TopicConcern.objects.filter(topic=topic, removed_at__isnull=True).values_list("concern_id", flat=True)
    )
    frontier = set(ids)
    while frontier:
        frontier = (
            set(Concern.objects.filter(merged_into_id__in=frontier).order_by().values_list("pk", flat=True))
            - ids
        )
        ids |= frontier
    if not ids:
        return Supporters(concerns=0, residents=0)
    extra = Concern.objects.filter(pk__in=ids).order_by().aggregate(s=Sum("supporters_count"))["s"] or 0
    return Supporters(concerns=len(ids), residents=len(ids) + extra)


def sources_of(topic: Topic) -> list[str]:
    """The topic's own source and those of the concerns it holds, as labels."""
    values = {topic.source, *links_of(topic, include_removed=False).values_list("concern__source", flat=True)}
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
    ).order_by("created_at", "id")
    if public:
        events = events.filter(public=True)
    return [
        TimelineEntry(
            at=e.created_at,
            text=e.public_text,
            actor="" if public else e.actor_label,
            kind=e.event_type,
            reason="" if public else e.reason,
        )
        for e in events
    ]
