"""Who may see the staff statistics and exports, and over which regions."""

from __future__ import annotations

from typing import Any

from shangliang.core.roles import Role
from shangliang.core.scope import scope_of

# The back office that reads figures of its own region (departments see their own items instead).
STATISTICS_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.CHAIR, Role.SECRETARY, Role.REVIEWER, Role.MEMBER})
# Who may export records with residents' contact data unmasked (each such export is logged).
FULL_EXPORT_ROLES = frozenset({Role.ADMIN, Role.STAFF})


def statistics_path(user: Any) -> str | None:
    """The region path prefix a person's statistics cover: "" for everything, None for no access."""
    scope = scope_of(user)
    if scope.is_admin:
        return ""
    if not scope.has_role(*STATISTICS_ROLES):
        return None
    return scope.region_path or None


def can_view_statistics(user: Any) -> bool:
    return statistics_path(user) is not None


def can_export_personal(user: Any) -> bool:
    scope = scope_of(user)
    return scope.is_admin or scope.has_role(*FULL_EXPORT_ROLES)
