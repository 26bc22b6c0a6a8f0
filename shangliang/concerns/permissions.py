"""Who may do what with concerns: pure predicates of role, region scope and state.

============================  =====  =====  =========  ===========  ======  ========  =======
action                        admin  staff  secretary  grid worker  member  reviewer  officer
============================  =====  =====  =========  ===========  ======  ========  =======
submit as a resident          anyone, no account needed
enter for a resident (代录)    all    ✓      ✓          ✓ community  —       —         —
submit as 网格筛题             all    ✓      ✓          ✓            —       —         —
submit as 委员荐题             all    —      —          —            ✓       —         —
submit as 党委政府点题          all    ✓      —          —            —       ✓         —
view a concern (staff pages)  all    ✓      ✓          ✓ community  ✓ linked —        —
see full name and phone       all    ✓      ✓          ✓ community  —       —         —
============================  =====  =====  =========  ===========  ======  ========  =======

✓ = within the person's region scope (``places.permissions.in_scope``). A grid worker's scope for
concerns is the community their grid belongs to: residents do not know grid boundaries, and the
grid worker is the one who calls them back. "linked" = communities of the member's activity groups.
"""

from __future__ import annotations

from typing import Any

from shangliang.concerns.models import Concern, ConcernSource
from shangliang.core.roles import Role
from shangliang.places.models import Region, RegionLevel
from shangliang.places.permissions import is_admin

ENTRY_ROLES = frozenset({Role.STAFF, Role.SECRETARY, Role.GRID_WORKER})
CONTACT_ROLES = ENTRY_ROLES
SOURCE_ROLES: dict[str, frozenset[str]] = {
    ConcernSource.GRID: frozenset({Role.STAFF, Role.SECRETARY, Role.GRID_WORKER}),
    ConcernSource.MEMBER: frozenset({Role.MEMBER}),
    ConcernSource.GOVERNMENT: frozenset({Role.STAFF, Role.REVIEWER}),
}


def _role(user: Any) -> str:
    return str(getattr(user, "role", "")) if getattr(user, "is_authenticated", False) else ""


def scope_region(user: Any) -> Region | None:
    """The region a person works in for concerns (a grid worker: their grid's community)."""
    region: Region | None = getattr(user, "region", None)
    if region is not None and _role(user) == Role.GRID_WORKER and region.level == RegionLevel.GRID:
        return region.parent
    return region


def can_act_in_region(user: Any, region: Region) -> bool:
    if is_admin(user):
        return True
    scope = scope_region(user)
    return scope is not None and bool(scope.path) and region.path.startswith(scope.path)


def can_enter_for_resident(user: Any) -> bool:
    return is_admin(user) or _role(user) in ENTRY_ROLES


def can_submit_as_source(user: Any, source: str) -> bool:
    return is_admin(user) or _role(user) in SOURCE_ROLES.get(source, frozenset())


def linked_community_ids(user: Any) -> set[int]:
    member = getattr(user, "member", None)
    if member is None:
        return set()
    return set(member.activity_groups.values_list("community_id", flat=True))


def can_view_concern(user: Any, concern: Concern) -> bool:
    if is_admin(user):
        return True
    role = _role(user)
    if role in (Role.STAFF, Role.SECRETARY, Role.GRID_WORKER, Role.CHAIR):
        return can_act_in_region(user, concern.region)
    if role == Role.MEMBER:
        return concern.community_id in linked_community_ids(user)
    return False


def can_view_contact(user: Any, concern: Concern) -> bool:
    return is_admin(user) or (_role(user) in CONTACT_ROLES and can_act_in_region(user, concern.region))
