"""Who may do what with action items: pure predicates of role, organisation, region and state.

==========================  =====  ===========  ==========  ==============  =======
action                      admin  staff        secretary   grid worker     officer
==========================  =====  ===========  ==========  ==============  =======
view                        all    ✓            ✓           ✓               own department
assign (直接交办)             all    ✓            ✓           —               —
accept / ask to return      all    —            —           —               own department, 待签收
report progress, extension  all    —            —           —               own department, 办理中
complete with evidence      all    —            —           —               own department, 办理中
reassign, refuse return     all    ✓            —           —               —
decide extension, verify,   all    ✓            —           —               —
close, reopen
==========================  =====  ===========  ==========  ==============  =======

✓ = the item's region is inside the person's scope. "own department" = the officer's
organisation is the item's department: an officer never acts on another department's item.
"""

from __future__ import annotations

from typing import Any

from shangliang.actions.models import AWAITING_ACCEPTANCE, WORKING_STATUSES, ActionItem, ActionStatus
from shangliang.core.roles import Role
from shangliang.core.scope import Scope

SUPERVISE_ROLES = frozenset({Role.STAFF})
ASSIGN_ROLES = frozenset({Role.STAFF, Role.SECRETARY})
VIEW_ROLES = frozenset({Role.STAFF, Role.SECRETARY, Role.GRID_WORKER, Role.CHAIR})


def is_department_officer(scope: Scope, item: ActionItem) -> bool:
    return (
        scope.role == Role.OFFICER
        and scope.organisation_id is not None
        and scope.organisation_id == item.department_id
    )


def can_view_item(scope: Scope, item: ActionItem) -> bool:
    if scope.is_admin or is_department_officer(scope, item):
        return True
    return scope.role in VIEW_ROLES and scope.covers_region(item.region)


def can_assign_in(scope: Scope, region: Any) -> bool:
    return scope.is_admin or (scope.role in ASSIGN_ROLES and scope.covers_region(region))


def can_supervise(scope: Scope, item: ActionItem) -> bool:
    return scope.is_admin or (scope.role in SUPERVISE_ROLES and scope.covers_region(item.region))


# What each transition needs, beyond the transitions table.
DEPARTMENT_STEPS = frozenset(
    {
        ActionStatus.ACCEPTED,
        ActionStatus.RETURN_REQUESTED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.EXTENSION_REQUESTED,
        ActionStatus.DONE,
    }
)


def can_transition_item(scope: Scope, item: ActionItem, new: str) -> bool:
    if new in DEPARTMENT_STEPS and item.status in (AWAITING_ACCEPTANCE | WORKING_STATUSES):
        # The department works the item; the office may send a verified item back to work.
        return scope.is_admin or is_department_officer(scope, item)
    return can_supervise(scope, item)


def can_report_progress(scope: Scope, item: ActionItem) -> bool:
    return (scope.is_admin or is_department_officer(scope, item)) and item.status in (
        WORKING_STATUSES | {ActionStatus.EXTENSION_REQUESTED}
    )
