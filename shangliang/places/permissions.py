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

from typing import Any

from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.places.models import Organisation, Region, RegionLevel, Room

WIDE_LEVELS = frozenset({RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT})


def is_admin(user: Any) -> bool:
    return scope_of(user).is_admin


def is_back_office(user: Any) -> bool:
    return scope_of(user).is_back_office


def _has_role(user: Any, *roles: str) -> bool:
    return scope_of(user).has_role(*roles)


def in_scope(user: Any, region: Region | None) -> bool:
    scope = scope_of(user)
    return scope.is_admin or (region is not None and scope.covers_region(region))


def has_wide_scope(user: Any) -> bool:
    scope = scope_of(user)
    return scope.is_admin or scope.region_level in WIDE_LEVELS


# --- Regions ------------------------------------------------------------------------------------


def can_view_region(user: Any, region: Region) -> bool:
    """Within scope, and the ancestors of one's own region (to show where it sits)."""
    if in_scope(user, region):
        return True
    prefix = scope_of(user).region_path
    return bool(prefix) and region.path != "" and str(prefix).startswith(region.path)


def can_change_region(user: Any, region: Region) -> bool:
    """Change (rename, move, add children to) ``region``: staff only strictly below their own region."""
    if is_admin(user):
        return True
    return _has_role(user, Role.STAFF) and in_scope(user, region) and region.pk != scope_of(user).region_id


def can_create_region(user: Any, parent: Region | None) -> bool:
    if parent is None:
        return is_admin(user)
    return is_admin(user) or (_has_role(user, Role.STAFF) and in_scope(user, parent))


# --- Rooms --------------------------------------------------------------------------------------


def can_view_room(user: Any, room: Room) -> bool:
    return is_back_office(user) and in_scope(user, room.region)


def can_view_room_public(room: Room) -> bool:
    return room.active


def can_create_room(user: Any, region: Region) -> bool:
    if is_admin(user):
        return True
    if _has_role(user, Role.STAFF):
        return in_scope(user, region)
    return _has_role(user, Role.SECRETARY) and in_scope(user, region)


def can_change_room(user: Any, room: Room) -> bool:
    if is_admin(user):
        return True
    if _has_role(user, Role.STAFF):
        return in_scope(user, room.region)
    return _has_role(user, Role.SECRETARY) and room.active and in_scope(user, room.region)


def can_view_evidence(user: Any, room: Room) -> bool:
    return can_view_room(user, room)


# --- Organisations, members, activity groups -------------------------------------------------------


def can_view_directory(user: Any) -> bool:
    """Organisations and the member list (with phone numbers masked)."""
    return is_back_office(user)


def can_manage_organisation(user: Any, organisation: Organisation | None = None) -> bool:
    if is_admin(user):
        return True
    if not _has_role(user, Role.STAFF):
        return False
    if organisation is not None and organisation.region is not None:
        return in_scope(user, organisation.region)
    return has_wide_scope(user)


def can_manage_members(user: Any) -> bool:
    return is_admin(user) or (_has_role(user, Role.STAFF) and has_wide_scope(user))


def can_view_full_phone(user: Any) -> bool:
    return is_admin(user) or _has_role(user, Role.STAFF)


def can_manage_activity_group(user: Any, community: Region) -> bool:
    return is_admin(user) or (_has_role(user, Role.STAFF) and in_scope(user, community))


def can_view_coverage(user: Any) -> bool:
    return is_admin(user) or (_has_role(user, Role.STAFF) and bool(scope_of(user).region_path))
