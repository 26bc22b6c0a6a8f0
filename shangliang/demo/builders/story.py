"""The demo's dates told in order. The builders run today, so what they record is dated today,
while the article's meetings were held in 2021–2022: for each topic with a meeting already held,
its concerns are dated before it, and what happened to them before the meeting (submitted,
screened, the topic approved and scheduled) is spread over the six weeks before it, in the order it
was recorded. What came after the meeting (actions, evaluations) keeps its later dates. Idempotent:
nothing dated before its meeting moves again."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, Q
from django.utils import timezone

from shangliang.concerns import services as concern_services
from shangliang.concerns.models import Concern
from shangliang.core.models import AuditEvent
from shangliang.meetings.models import MeetingStatus
from shangliang.topics.models import Topic

BEFORE = dt.timedelta(days=42)
# The first step of a topic's story that belongs to its meeting: everything recorded earlier
# happened before the meeting.
MEETING_STEPS = ("topic.scheduled", "concern.topic_scheduled", "concern.meeting_notified")
HELD = (MeetingStatus.HELD, MeetingStatus.MINUTES_CONFIRMED, MeetingStatus.PUBLISHED)


def build() -> int:
    """Date each held topic's earlier story before its first meeting. Returns the topics dated."""
    dated = 0
    concern_type = ContentType.objects.get_for_model(Concern)
    topic_type = ContentType.objects.get_for_model(Topic)
    topics = Topic.objects.filter(meetings__status__in=HELD).annotate(first=Min("meetings__starts_at"))
    for topic in topics.distinct():
        held_at = topic.first
        if held_at is None or held_at > timezone.now():
            continue
        concerns = concern_services.with_merged(
            Concern.objects.filter(topic_links__topic=topic, topic_links__removed_at__isnull=True)
        )
        ids = [str(c.pk) for c in concerns]
        events = list(
            AuditEvent.objects.filter(
                Q(content_type=concern_type, object_id__in=ids)
                | Q(content_type=topic_type, object_id=str(topic.pk))
            ).order_by("created_at", "pk")
        )
        cut = next((i for i, e in enumerate(events) if e.event_type in MEETING_STEPS), len(events))
        earlier = [e for e in events[:cut] if e.created_at > held_at]
        if not earlier and all(c.created_at < held_at for c in concerns):
            continue
        start = held_at - BEFORE
        step = (BEFORE - dt.timedelta(days=2)) / max(len(earlier), 1)
        for index, event in enumerate(earlier):
            AuditEvent.objects.filter(pk=event.pk).update(created_at=start + step * index)
        for concern in concerns:
            if concern.created_at > start:
                Concern.objects.filter(pk=concern.pk).update(created_at=start - dt.timedelta(hours=2))
                concern_services.index_concern(Concern.objects.get(pk=concern.pk))
        if topic.created_at > start:
            Topic.objects.filter(pk=topic.pk).update(created_at=start + dt.timedelta(days=7))
        dated += 1
    return dated
