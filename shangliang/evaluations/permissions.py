"""Who may do what in 三评: pure predicates of role, region scope, invitation and state.

========================  =====  =====  ===========  ========  ======  =========
action                    admin  staff  grid worker  reviewer  member  anyone
========================  =====  =====  ===========  ========  ======  =========
open / close, indicators  all    ✓      —            —         —       —
paper 民主评议 counts       all    ✓      —            —         —       —
党政点评                    all    —      —            ✓         —       —
online 民主评议 ballot      —      invited only: any role with an account
群众评价 after a visit      all    ✓      ✓            —         —       —
群众评价 by QR / SMS link   the public page, with a verified phone, while open
view (staff page)         all    ✓      ✓            ✓         invited —
========================  =====  =====  ===========  ========  ======  =========

✓ = the subject's region is inside the person's scope. Every write also needs the evaluation open.
"""

from __future__ import annotations

from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.evaluations.models import Evaluation
from shangliang.places.models import Region

VIEW_ROLES = frozenset({Role.STAFF, Role.GRID_WORKER, Role.REVIEWER, Role.CHAIR, Role.SECRETARY})


def can_manage_in(scope: Scope, region: Region) -> bool:
    return scope.is_admin or (scope.role == Role.STAFF and scope.covers_region(region))


def can_manage(scope: Scope, evaluation: Evaluation) -> bool:
    return can_manage_in(scope, evaluation.region)


def is_invited(scope: Scope, evaluation: Evaluation) -> bool:
    return scope.user_id is not None and evaluation.invitees.filter(user_id=scope.user_id).exists()


def can_view(scope: Scope, evaluation: Evaluation) -> bool:
    if scope.is_admin:
        return True
    if scope.role in VIEW_ROLES and scope.covers_region(evaluation.region):
        return True
    return is_invited(scope, evaluation)


def can_review(scope: Scope, evaluation: Evaluation) -> bool:
    return evaluation.is_open and (
        scope.is_admin or (scope.role == Role.REVIEWER and scope.covers_region(evaluation.region))
    )


def can_ballot(scope: Scope, evaluation: Evaluation) -> bool:
    return evaluation.is_open and is_invited(scope, evaluation)


def can_enter_paper(scope: Scope, evaluation: Evaluation) -> bool:
    return evaluation.is_open and can_manage(scope, evaluation)


def can_enter_resident_vote(scope: Scope, evaluation: Evaluation) -> bool:
    return evaluation.is_open and (
        scope.is_admin
        or (scope.role in (Role.STAFF, Role.GRID_WORKER) and scope.covers_region(evaluation.region))
    )
