"""Who may see the staff statistics and exports, and over which regions."""

from __future__ import annotations

from typing import Any

from shangliang.concerns.permissions import scope_region
from shangliang.core.roles import Role
from shangliang.places.permissions import is_admin

# The back office that reads figures of its own region (departments see their own items instead).
STATISTICS_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.CHAIR, Role.SECRETARY, Role.REVIEWER, Role.MEMBER})
# Who may export records with residents' contact data unmasked (each such export is logged).
FULL_EXPORT_ROLES = frozenset({Role.ADMIN, Role.STAFF})


def statistics_path(user: Any) -> str | None:
    """The region path prefix a person's statistics cover: "" for everything, None for no access."""
    if is_admin(user):
        return ""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", "") not in STATISTICS_ROLES:
        return None
    region = scope_region(user)
    if region is None or not region.path:
        return None
    return str(region.path)


def can_view_statistics(user: Any) -> bool:
    return statistics_path(user) is not None


def can_export_personal(user: Any) -> bool:
    return is_admin(user) or getattr(user, "role", "") in FULL_EXPORT_ROLES
