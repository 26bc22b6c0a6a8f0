"""Who may see the staff statistics and exports, and over which regions: predicates of the person's
``Scope`` (resolved once at the view or API edge)."""

from __future__ import annotations

from shangliang.core.roles import Role
from shangliang.core.scope import Scope

# The back office that reads figures of its own region (departments see their own items instead).
STATISTICS_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.CHAIR, Role.SECRETARY, Role.REVIEWER, Role.MEMBER})
# Who may export records with residents' contact data unmasked (each such export is logged).
FULL_EXPORT_ROLES = frozenset({Role.ADMIN, Role.STAFF})


def statistics_path(scope: Scope) -> str | None:
    """The region path prefix a person's statistics cover: "" for everything, None for no access."""
    if scope.is_admin:
        return ""
    if not scope.has_role(*STATISTICS_ROLES):
        return None
    return scope.region_path or None


def can_view_statistics(scope: Scope) -> bool:
    return statistics_path(scope) is not None


def can_export_personal(scope: Scope) -> bool:
    return scope.is_admin or scope.has_role(*FULL_EXPORT_ROLES)
