"""Who may supervise and verify action items: pure predicates of role, region scope and state.

=======================  =====  =====  ==========  ===========  ========  =====  =======
action                   admin  staff  secretary   grid worker  reviewer  chair  officer
=======================  =====  =====  ==========  ===========  ========  =====  =======
see the board            all    ✓      —           —            ✓         ✓      —
督办 record (open item)   all    ✓      —           —            —         —      —
decide an extension      all    ✓      —           —            —         —      —
回访核实 (item done)       all    ✓      —           ✓            —         —      —
apply a visit's finding  all    ✓      —           —            —         —      —
=======================  =====  =====  ==========  ===========  ========  =====  =======

✓ = the item's region is inside the person's scope. Applying a finding moves the item through
``actions.services.action_verify``, whose own predicate decides; a staff member's visit is applied
at once.
"""

from __future__ import annotations

from typing import Any

from shangliang.actions import permissions as action_permissions
from shangliang.actions.models import ActionItem, ActionStatus
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.places.permissions import is_admin

BOARD_ROLES = frozenset({Role.STAFF, Role.REVIEWER, Role.CHAIR})
VISIT_ROLES = frozenset({Role.STAFF, Role.GRID_WORKER})


def role_of(user: Any) -> str:
    scope = scope_of(user)
    return scope.role if scope.is_authenticated else ""


def can_view_board(user: Any) -> bool:
    return is_admin(user) or (role_of(user) in BOARD_ROLES and getattr(user, "region_id", None) is not None)


def can_view_item(user: Any, item: ActionItem) -> bool:
    if is_admin(user):
        return True
    if role_of(user) in BOARD_ROLES | VISIT_ROLES:
        return scope_of(user).covers_region(item.region)
    return False


def can_add_record(user: Any, item: ActionItem) -> bool:
    return item.is_open and action_permissions.can_supervise(user, item)


def can_decide_extension(user: Any, item: ActionItem) -> bool:
    return item.status == ActionStatus.EXTENSION_REQUESTED and action_permissions.can_supervise(user, item)


def can_record_visit(user: Any, item: ActionItem) -> bool:
    if item.status != ActionStatus.DONE:
        return False
    return is_admin(user) or (role_of(user) in VISIT_ROLES and scope_of(user).covers_region(item.region))


def can_apply_visit(user: Any, item: ActionItem) -> bool:
    return item.status == ActionStatus.DONE and action_permissions.can_transition_item(
        user, item, ActionStatus.VERIFIED
    )
