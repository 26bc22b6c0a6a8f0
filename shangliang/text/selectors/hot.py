"""Hot issues: recent unassigned records of an area grouped into problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from shangliang.core.errors import ApplicationError
from shangliang.core.scope import ANONYMOUS, Scope
from shangliang.text import clusters
from shangliang.text.models import DocumentKind, SearchDocument
from shangliang.text.selectors.common import LIST_FIELDS, visible_to

UNASSIGNED_STATUSES = ("submitted", "screening")
# Single-link grouping chains records together, so it needs a stricter bar than a pairwise hint.
DEFAULT_CLUSTER_THRESHOLD = 0.3


def _cluster_threshold() -> float:
    return float(getattr(settings, "SHANGLIANG_TEXT", {}).get("CLUSTER_THRESHOLD", DEFAULT_CLUSTER_THRESHOLD))


@dataclass(frozen=True)
class HotCluster:
    label: str
    size: int
    document_ids: list[int]
    object_ids: list[int]
    community_ids: list[int]
    first_at: dt.datetime
    last_at: dt.datetime
    samples: list[str] = field(default_factory=list)


def hot_clusters(
    *,
    region_path: str = "",
    days: int = 30,
    statuses: Sequence[str] = UNASSIGNED_STATUSES,
    kinds: Sequence[str] = (DocumentKind.CONCERN,),
    min_size: int = 2,
    limit: int = 20,
    now: dt.datetime | None = None,
    scope: Scope = ANONYMOUS,
    max_documents: int = 3000,
) -> list[HotCluster]:
    """The unassigned records of an area over the last ``days`` days grouped into problems,
    biggest first (the newest ``max_documents`` records are considered)."""
    if days < 1 or days > 366:
        raise ApplicationError("统计天数应在1到366之间。", field="days")
    now = now or timezone.now()
    filters = visible_to(scope) & Q(
        kind__in=list(kinds), status__in=list(statuses), source_created_at__gte=now - dt.timedelta(days=days)
    )
    if region_path:
        filters &= Q(region_path__startswith=region_path)
    rows = list(
        SearchDocument.objects.filter(filters)
        .only(*LIST_FIELDS)
        .order_by("-source_created_at")[:max_documents]
    )
    items = [clusters.Item(key=row.pk, words=row.terms.split(" "), group=row.community_id) for row in rows]
    by_id = {row.pk: row for row in rows}
    result: list[HotCluster] = []
    for group in clusters.cluster(items, threshold=_cluster_threshold()):
        if len(group.keys) < min_size:
            continue
        members = [by_id[int(k)] for k in group.keys]  # type: ignore[call-overload]
        times = [m.source_created_at for m in members]
        result.append(
            HotCluster(
                label="、".join(group.label_words),
                size=len(members),
                document_ids=[m.pk for m in members],
                object_ids=[m.object_id for m in members],
                community_ids=sorted({m.community_id for m in members if m.community_id is not None}),
                first_at=min(times),
                last_at=max(times),
                samples=[m.body[:60] for m in members[:3]],
            )
        )
    result.sort(key=lambda c: (-c.size, -c.last_at.timestamp()))
    return result[:limit]
