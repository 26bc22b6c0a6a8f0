"""Who may see and change places, people and rooms: pure predicates of role, region scope and state.

Scope (``core.scope.Scope``): a person's region is the root of what they may see; an object is
*in scope* when its region's path starts with that region's path. The administrator role and
superusers have no scope limit. A back-office user without a region sees nothing that is scoped.
Every predicate takes a ``Scope`` (a user is resolved to theirs once per request).

Role matrix (✓ = within scope; "wide" = a scope at district level or above):

============================  =====  =============  ===========  ==========================
action                        admin  staff          secretary    others (back office)
============================  =====  =============  ===========  ==========================
view region tree / region     all    ✓ + ancestors  ✓ + anc.     ✓ + ancestors
create / change region        all    strictly below —            —
                                     own region
view room (staff pages)       all    ✓              ✓            ✓
create / change room          all    ✓              ✓ own        —
                                                    community,
                                                    active rooms
view organisations, members   all    ✓ (any scope)  ✓            ✓
manage organisations          all    wide scope     —            —
manage members                all    wide scope     —            —
see a member's full phone     all    ✓ (audited)    —            —
manage activity groups        all    ✓ community    —            —
view coverage                 all    ✓              —            —
public room page              anyone, for active rooms; no personal data
============================  =====  =============  ===========  ==========================

Residents (and anonymous visitors) see the public room pages only. State: an inactive (停用)
room is hidden from the public and only the administrator and staff may change it.
"""

from __future__ import annotations

from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.places.models import Organisation, Region, RegionLevel, Room

WIDE_LEVELS = frozenset({RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT})


def in_scope(scope: Scope, region: Region | None) -> bool:
    return scope.is_admin or (region is not None and scope.covers_region(region))


def has_wide_scope(scope: Scope) -> bool:
    return scope.is_admin or scope.region_level in WIDE_LEVELS


# --- Regions ------------------------------------------------------------------------------------


def can_view_region(scope: Scope, region: Region) -> bool:
    """Within scope, and the ancestors of one's own region (to show where it sits)."""
    if in_scope(scope, region):
        return True
    prefix = scope.region_path
    return bool(prefix) and region.path != "" and str(prefix).startswith(region.path)


def can_change_region(scope: Scope, region: Region) -> bool:
    """Change (rename, move, add children to) ``region``: staff only strictly below their own region."""
    if scope.is_admin:
        return True
    return scope.has_role(Role.STAFF) and in_scope(scope, region) and region.pk != scope.region_id


def can_create_region(scope: Scope, parent: Region | None) -> bool:
    if parent is None:
        return scope.is_admin
    return scope.is_admin or (scope.has_role(Role.STAFF) and in_scope(scope, parent))


# --- Rooms --------------------------------------------------------------------------------------


def can_view_room(scope: Scope, room: Room) -> bool:
    return scope.is_back_office and in_scope(scope, room.region)


def can_view_room_public(room: Room) -> bool:
    return room.active


def can_create_room(scope: Scope, region: Region) -> bool:
    if scope.is_admin:
        return True
    if scope.has_role(Role.STAFF):
        return in_scope(scope, region)
    return scope.has_role(Role.SECRETARY) and in_scope(scope, region)


def can_change_room(scope: Scope, room: Room) -> bool:
    if scope.is_admin:
        return True
    if scope.has_role(Role.STAFF):
        return in_scope(scope, room.region)
    return scope.has_role(Role.SECRETARY) and room.active and in_scope(scope, room.region)


def can_view_evidence(scope: Scope, room: Room) -> bool:
    return can_view_room(scope, room)


# --- Organisations, members, activity groups -------------------------------------------------------


def can_view_directory(scope: Scope) -> bool:
    """Organisations and the member list (with phone numbers masked)."""
    return scope.is_back_office


def can_manage_organisation(scope: Scope, organisation: Organisation | None = None) -> bool:
    if scope.is_admin:
        return True
    if not scope.has_role(Role.STAFF):
        return False
    if organisation is not None and organisation.region is not None:
        return in_scope(scope, organisation.region)
    return has_wide_scope(scope)


def can_manage_members(scope: Scope) -> bool:
    return scope.is_admin or (scope.has_role(Role.STAFF) and has_wide_scope(scope))


def can_view_full_phone(scope: Scope) -> bool:
    return scope.is_admin or scope.has_role(Role.STAFF)


def can_manage_activity_group(scope: Scope, community: Region) -> bool:
    return scope.is_admin or (scope.has_role(Role.STAFF) and in_scope(scope, community))


def can_view_coverage(scope: Scope) -> bool:
    return scope.is_admin or (scope.has_role(Role.STAFF) and bool(scope.region_path))
