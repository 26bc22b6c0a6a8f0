"""What every text read shares: input limits, the similarity thresholds and row visibility."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from shangliang.core.roles import BACK_OFFICE_ROLES, Role
from shangliang.text import similarity

MAX_QUERY_CHARS = 200
MAX_SIMILAR_CHARS = 10_000
MAX_QUERY_TERMS = 8

LIST_FIELDS = (
    "id",
    "kind",
    "object_id",
    "title",
    "body",
    "terms",
    "community_id",
    "region_path",
    "category",
    "status",
    "is_public",
    "source_created_at",
)


def thresholds(default: similarity.SimilarityThresholds | None = None) -> similarity.SimilarityThresholds:
    """The pair-model probability thresholds: ``default`` (the model's own calibration) unless the
    settings override them."""
    conf = getattr(settings, "SHANGLIANG_TEXT", {})
    default = default or similarity.SimilarityThresholds()
    return similarity.SimilarityThresholds(
        likely_same=float(conf.get("LIKELY_SAME", default.likely_same)),
        possibly_related=float(conf.get("POSSIBLY_RELATED", default.possibly_related)),
    )


def visible_to(user: Any) -> Q:
    """The rows ``user`` may see: everything for admins, their region for back-office roles,
    public rows for residents and anonymous visitors."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(is_public=True)
    role = getattr(user, "role", "")
    if user.is_superuser or role == Role.ADMIN:
        return Q()
    region = getattr(user, "region", None)
    if role in BACK_OFFICE_ROLES and region is not None and region.path:
        return Q(region_path__startswith=region.path)
    return Q(is_public=True)
