"""Reads of integration tokens for the administrators' page."""

from __future__ import annotations

from django.db.models import QuerySet

from shangliang.api.models import ApiToken
from shangliang.api.permissions import can_manage_tokens
from shangliang.core.scope import Scope


def tokens_for(scope: Scope) -> QuerySet[ApiToken]:
    """Every token, live first, newest first (administrators); nothing for anyone else."""
    if not can_manage_tokens(scope):
        return ApiToken.objects.none()
    return ApiToken.objects.select_related("organisation", "user", "created_by").order_by(
        "revoked_at", "-created_at", "-pk"
    )
