"""The intake in the benchmark: real ``Concern`` rows for every indexed concern, then the submit POST
(with its similarity check) and the tracking page, measured against the bare view.

The loader creates the synthetic district's regions with the ids the generator gave them, and one
concern per indexed document (same id, same text, a random tracking code), in bulk.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

BATCH = 5000


def _regions(ctx: Any) -> None:
    from shangliang.places.models import Region, RegionLevel

    district = Region.objects.create(id=1, name="基准区", level=RegionLevel.DISTRICT, path="/1/")
    streets: dict[str, Region] = {}
    for community in ctx.communities:
        street_id = int(community.path.split("/")[2])
        if community.street not in streets:
            streets[community.street] = Region.objects.create(
                id=street_id,
                name=community.street,
                level=RegionLevel.STREET,
                parent=district,
                path=f"/1/{street_id}/",
            )
        Region.objects.create(
            id=community.id,
            name=community.name,
            level=RegionLevel.COMMUNITY,
            parent=streets[community.street],
            path=community.path,
        )


def load(ctx: Any) -> dict[str, float]:
    from django.db import connection

    from shangliang.concerns.models import Concern
    from shangliang.concerns.rules import new_tracking_code
    from shangliang.text.models import SearchDocument

    began = time.perf_counter()
    if Concern.objects.exists():  # BENCH_REUSE: already loaded
        n = ctx.n or Concern.objects.order_by("-pk").values_list("pk", flat=True)[0]
        ids = ctx.rng.sample(range(1, n + 1), min(n, 400))
        ctx.tracking_codes = list(Concern.objects.filter(pk__in=ids).values_list("tracking_code", flat=True))
        return {}
    _regions(ctx)
    codes: set[str] = set()
    sample: list[str] = []
    last = 0
    while True:
        rows = list(
            SearchDocument.objects.filter(kind="concern", object_id__gt=last)
            .order_by("object_id")
            .values_list(
                "object_id", "body", "community_id", "region_path", "status", "is_public", "source_created_at"
            )[:BATCH]
        )
        if not rows:
            break
        batch = []
        for object_id, body, community_id, path, status, public, created in rows:
            code = new_tracking_code()
            while code in codes:
                code = new_tracking_code()
            codes.add(code)
            batch.append(
                Concern(
                    id=object_id,
                    tracking_code=code,
                    text=body,
                    region_id=community_id,
                    community_id=community_id,
                    region_path=path,
                    status=status,
                    is_public=public,
                    created_at=created,
                )
            )
        Concern.objects.bulk_create(batch)
        if len(sample) < 2000:
            sample.extend(c.tracking_code for c in batch[:50])
        last = rows[-1][0]
    # (created_at is set to the load time by auto_now_add; no measured page depends on it.)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('concerns_concern', 'id'), MAX(id)) FROM concerns_concern"
            )
            cursor.execute("VACUUM ANALYZE concerns_concern")
    ctx.tracking_codes = sample
    return {"rows_per_s": round(len(codes) / (time.perf_counter() - began), 1)}


def track_paths(ctx: Any) -> list[str]:
    return [f"/concerns/t/{code}/" for code in ctx.tracking_codes[:400]]


def submit_bodies(ctx: Any) -> list[str]:
    """Form bodies of new concerns (other words for the same kinds of problem); each request adds its
    own form token (a token posted again is a double submit, refused)."""
    from bench import generator

    fresh = generator.concerns(400, ctx.communities, seed=ctx.rng.randint(1, 10**6))
    return [
        urlencode(
            {
                "text": concern.text,
                "community": concern.community.id,
                "contact": "anonymous",
            }
        )
        for concern in fresh
    ]


def register() -> None:
    from bench import registry

    registry.register_loader("concerns", load)
    registry.register_endpoint(registry.Endpoint("track", track_paths))
    registry.register_endpoint(
        registry.Endpoint("submit", lambda ctx: ["/concerns/new/"], bodies=submit_bodies)
    )
