"""Helpers to index records in tests (there is no Concern model in this app)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from shangliang.text import services
from shangliang.text.models import SearchDocument

_ids = itertools.count(1)
BASE_TIME = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def index(text: str, *, region: Any = None, kind: str = "concern", **extra: Any) -> SearchDocument:
    community_id = extra.pop("community_id", region.pk if region is not None else None)
    created_at = extra.pop("created_at", BASE_TIME)
    return services.index_document(
        kind=kind,
        object_id=extra.pop("object_id", next(_ids)),
        text=text,
        created_at=created_at,
        region=region,
        community_id=community_id,
        **extra,
    )


def concern_record(object_id: int, community: Any) -> Any:
    """The concern a document of kind "concern" stands for: the back office sees a document when it
    sees its record (``text.selectors.common.visible_to``)."""
    from shangliang.concerns.tests.factories import ConcernFactory

    return ConcernFactory(id=object_id, community=community, region=community)


def now() -> dt.datetime:
    return timezone.now()
