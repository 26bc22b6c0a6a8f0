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

✓ = within the person's region (``core.scope.Scope.covers_region``; a grid worker's region is the
community their grid belongs to). "linked" = communities of the member's activity groups.
"""

from __future__ import annotations

from shangliang.concerns.models import Concern, ConcernSource
from shangliang.core.roles import Role
from shangliang.core.scope import Scope

ENTRY_ROLES = frozenset({Role.STAFF, Role.SECRETARY, Role.GRID_WORKER})
CONTACT_ROLES = ENTRY_ROLES
# Who screens concerns at the desk (``screening.permissions`` asks the same).
DESK_ROLES = ENTRY_ROLES
SOURCE_ROLES: dict[str, frozenset[str]] = {
    ConcernSource.GRID: frozenset({Role.STAFF, Role.SECRETARY, Role.GRID_WORKER}),
    ConcernSource.MEMBER: frozenset({Role.MEMBER}),
    ConcernSource.GOVERNMENT: frozenset({Role.STAFF, Role.REVIEWER}),
}


# Who sees concerns by region (a member sees those of the linked communities).
VIEW_ROLES = frozenset({Role.STAFF, Role.SECRETARY, Role.GRID_WORKER, Role.CHAIR})


def can_enter_for_resident(scope: Scope) -> bool:
    return scope.is_admin or scope.role in ENTRY_ROLES


def can_open_desk(scope: Scope) -> bool:
    return scope.is_admin or scope.has_role(*DESK_ROLES)


def can_submit_as_source(scope: Scope, source: str) -> bool:
    return scope.is_admin or scope.role in SOURCE_ROLES.get(source, frozenset())


def can_view_concern(scope: Scope, concern: Concern) -> bool:
    if scope.is_admin:
        return True
    role = scope.role
    if role in VIEW_ROLES:
        return scope.covers_region(concern.region_path)
    if role == Role.MEMBER:
        return concern.community_id in scope.community_ids
    return False


def can_view_contact(scope: Scope, concern: Concern) -> bool:
    return scope.is_admin or (scope.role in CONTACT_ROLES and scope.covers_region(concern.region_path))
