"""The screening desk and topic pages in the benchmark.

Builds on the intake's loader (real ``Concern`` rows for every indexed concern): gives them the
dates, deadlines, sources, categories and duplicate hints the desk filters on, then bulk-inserts
topics (one per 200 concerns) holding accepted concerns, their lineage and timeline events, and one
action item per topic. Measured over HTTP: ``inbox`` (the desk with a mix of filters and sorts, as
an administrator: no scope narrows the rows) and ``topic`` (a staff topic page).
"""

from __future__ import annotations

import time
from typing import Any

CONCERNS_PER_TOPIC = 200
LINKS_PER_TOPIC = 4
BATCH = 5000


def _enrich_concerns() -> None:
    """One UPDATE per column family, in SQL: a million rows must not pass through Python."""
    from django.db import connection

    due = (
        "date(created_at, '+7 days')"
        if connection.vendor == "sqlite"
        else "(created_at + interval '7 days')::date"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE concerns_concern SET created_at = (SELECT d.source_created_at FROM text_searchdocument d"
            " WHERE d.kind = 'concern' AND d.object_id = concerns_concern.id)"
        )
        cursor.execute(
            "UPDATE concerns_concern SET category_id = (SELECT c.id FROM text_searchdocument d"
            " JOIN text_category c ON c.name = d.category"
            " WHERE d.kind = 'concern' AND d.object_id = concerns_concern.id)"
        )
        cursor.execute(
            f"UPDATE concerns_concern SET first_response_due = {due},"
            # (id / 5): the intake loader's statuses cycle with id % 5; sources must not follow them.
            " source = CASE (id / 5) % 10 WHEN 0 THEN 'grid' WHEN 1 THEN 'member' WHEN 2 THEN 'government'"
            " ELSE 'resident' END,"
            " likely_duplicates = CASE WHEN id % 9 = 0 THEN 1 ELSE 0 END,"
            " supporters_count = id % 7"
        )


def _topics(ctx: Any) -> list[int]:
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from shangliang.actions.models import ActionItem
    from shangliang.concerns.models import Concern
    from shangliang.core.models import AuditEvent
    from shangliang.places.models import Organisation, OrganisationKind
    from shangliang.topics.models import Topic, TopicConcern

    department = Organisation.objects.create(name="基准住建局", kind=OrganisationKind.DEPARTMENT)
    statuses = ["proposed", "approved", "scheduled", "consulted", "implementing", "evaluating", "closed"]
    count = max(1, ctx.n // CONCERNS_PER_TOPIC)
    accepted = (
        Concern.objects.filter(status="accepted")
        .order_by("id")
        .values_list("id", "community_id", "region_path")
    )
    topic_type = ContentType.objects.get_for_model(Topic)
    today = timezone.localdate()
    ids: list[int] = []
    iterator = accepted.iterator(chunk_size=BATCH)
    number = 0
    while number < count:
        group = [
            row
            for _, row in zip(
                range(LINKS_PER_TOPIC * min(BATCH // 10, count - number)), iterator, strict=False
            )
        ]
        if not group:
            break
        chunks = [group[i : i + LINKS_PER_TOPIC] for i in range(0, len(group), LINKS_PER_TOPIC)]
        topics = Topic.objects.bulk_create(
            Topic(
                title=f"基准议题{number + i}",
                description="居民反映的同一问题，合并立题协商。",
                status=statuses[(number + i) % len(statuses)],
                region_id=chunk[0][1],
                community_id=chunk[0][1],
                region_path=chunk[0][2],
            )
            for i, chunk in enumerate(chunks)
        )
        TopicConcern.objects.bulk_create(
            TopicConcern(topic=topic, concern_id=concern_id, via="created")
            for topic, chunk in zip(topics, chunks, strict=True)
            for concern_id, _, _ in chunk
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(
                event_type=f"topic.{step}",
                content_type=topic_type,
                object_id=str(topic.pk),
                actor_label="基准",
                public=True,
                public_text=f"议题“{topic.title}”{step}",
            )
            for topic in topics
            for step in ("created", "approved", "scheduled")
        )
        ActionItem.objects.bulk_create(
            ActionItem(
                title=f"{topic.title}的交办事项",
                topic=topic,
                source_type="consensus",
                department=department,
                region_id=topic.region_id,
                region_path=topic.region_path,
                accept_due=today + dt.timedelta(days=3),
                deadline=today + dt.timedelta(days=(topic.pk % 30) - 10),
            )
            for topic in topics
        )
        ids.extend(t.pk for t in topics)
        number += len(topics)
    return ids


def load(ctx: Any) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    from shangliang.topics.models import Topic

    began = time.perf_counter()
    if Topic.objects.exists():  # BENCH_REUSE: already loaded
        ctx.topic_ids = list(Topic.objects.values_list("id", flat=True))
        return {}
    # The pages are HTML in production mode: their static files are collected, as in a deployment.
    call_command("collectstatic", interactive=False, verbosity=0)
    _enrich_concerns()
    ctx.topic_ids = _topics(ctx)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE concerns_concern")
            cursor.execute("ANALYZE topics_topic")
            cursor.execute("ANALYZE topics_topicconcern")
            cursor.execute("ANALYZE core_auditevent")
    return {"topics": float(len(ctx.topic_ids)), "seconds": round(time.perf_counter() - began, 1)}


def inbox_queries(ctx: Any) -> list[str]:
    """The desk's query strings: default view, each filter, each sort, a few pages."""
    from shangliang.text.models import Category

    categories = list(Category.objects.values_list("id", flat=True))
    streets = sorted({int(c.path.split("/")[2]) for c in ctx.communities})
    queries = []
    for i in range(200):
        community = ctx.communities[i % len(ctx.communities)]
        queries += [
            "",
            f"?community={community.id}",
            f"?street={streets[i % len(streets)]}&sort=due",
            "?source=grid",
            "?dup=1&sort=support",
            "?due=overdue&sort=due",
            f"?category={categories[i % len(categories)]}",
            f"?status=decided&community={community.id}",
            f"?page={1 + i % 3}",
            f"?date_from=2025-01-01&date_to=2025-12-31&source=member&community={community.id}",
        ]
    return queries[:400]


def inbox_paths(ctx: Any) -> list[str]:
    return [f"/screening/{q}" for q in inbox_queries(ctx)]


def topic_paths(ctx: Any) -> list[str]:
    ids = ctx.topic_ids
    return [f"/topics/staff/{ids[ctx.rng.randrange(len(ids))]}/" for _ in range(400)]


def register() -> None:
    """Register after ``intake.register()``: the desk needs the intake's concern rows."""
    from bench import registry

    registry.register_loader("screening", load)
    registry.register_endpoint(registry.Endpoint("inbox", inbox_paths, authenticated=True))
    registry.register_endpoint(registry.Endpoint("topic", topic_paths, authenticated=True))
