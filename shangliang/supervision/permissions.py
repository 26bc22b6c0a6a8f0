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

from shangliang.actions import permissions as action_permissions
from shangliang.actions.models import ActionItem, ActionStatus
from shangliang.core.roles import Role
from shangliang.core.scope import Scope

BOARD_ROLES = frozenset({Role.STAFF, Role.REVIEWER, Role.CHAIR})
VISIT_ROLES = frozenset({Role.STAFF, Role.GRID_WORKER})


def can_view_board(scope: Scope) -> bool:
    return scope.is_admin or (scope.role in BOARD_ROLES and scope.region_id is not None)


def can_view_item(scope: Scope, item: ActionItem) -> bool:
    if scope.is_admin:
        return True
    if scope.role in BOARD_ROLES | VISIT_ROLES:
        return scope.covers_region(item.region)
    return False


def can_add_record(scope: Scope, item: ActionItem) -> bool:
    return item.is_open and action_permissions.can_supervise(scope, item)


def can_decide_extension(scope: Scope, item: ActionItem) -> bool:
    return item.status == ActionStatus.EXTENSION_REQUESTED and action_permissions.can_supervise(scope, item)


def can_verify(scope: Scope) -> bool:
    """回访核实 at all (for an item in the person's region: ``can_record_visit``)."""
    return scope.is_admin or scope.has_role(*VISIT_ROLES)


def can_record_visit(scope: Scope, item: ActionItem) -> bool:
    if item.status != ActionStatus.DONE:
        return False
    return scope.is_admin or (scope.role in VISIT_ROLES and scope.covers_region(item.region))


def can_apply_visit(scope: Scope, item: ActionItem) -> bool:
    return item.status == ActionStatus.DONE and action_permissions.can_transition_item(
        scope, item, ActionStatus.VERIFIED
    )
