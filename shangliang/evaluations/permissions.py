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

from typing import Any

from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.evaluations.models import Evaluation
from shangliang.places.models import Region
from shangliang.places.permissions import is_admin

VIEW_ROLES = frozenset({Role.STAFF, Role.GRID_WORKER, Role.REVIEWER, Role.CHAIR, Role.SECRETARY})


def role_of(user: Any) -> str:
    scope = scope_of(user)
    return scope.role if scope.is_authenticated else ""


def can_manage_in(user: Any, region: Region) -> bool:
    return is_admin(user) or (role_of(user) == Role.STAFF and scope_of(user).covers_region(region))


def can_manage(user: Any, evaluation: Evaluation) -> bool:
    return can_manage_in(user, evaluation.region)


def is_invited(user: Any, evaluation: Evaluation) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and evaluation.invitees.filter(user=user).exists()


def can_view(user: Any, evaluation: Evaluation) -> bool:
    if is_admin(user):
        return True
    if role_of(user) in VIEW_ROLES and scope_of(user).covers_region(evaluation.region):
        return True
    return is_invited(user, evaluation)


def can_review(user: Any, evaluation: Evaluation) -> bool:
    return evaluation.is_open and (
        is_admin(user) or (role_of(user) == Role.REVIEWER and scope_of(user).covers_region(evaluation.region))
    )


def can_ballot(user: Any, evaluation: Evaluation) -> bool:
    return evaluation.is_open and is_invited(user, evaluation)


def can_enter_paper(user: Any, evaluation: Evaluation) -> bool:
    return evaluation.is_open and can_manage(user, evaluation)


def can_enter_resident_vote(user: Any, evaluation: Evaluation) -> bool:
    return evaluation.is_open and (
        is_admin(user)
        or (
            role_of(user) in (Role.STAFF, Role.GRID_WORKER)
            and scope_of(user).covers_region(evaluation.region)
        )
    )
