"""Who may screen and decide concerns: pure predicates of role, region scope and state.

=================================  =====  =====  =========  ===========  ======  ========  =======
action                             admin  staff  secretary  grid worker  member  reviewer  officer
=================================  =====  =====  =========  ===========  ======  ========  =======
use the screening desk             all    ✓      ✓          ✓            —       —         —
merge duplicates, split (undo)     all    ✓      ✓          ✓            —       —         —
立题 (propose a topic / join one)   all    ✓      ✓ (1)      ✓            —       —         —
直接交办 · 转介 · 转提案/转社情民意   all    ✓ (2)  ✓ (1)      —            —       —         —
· 不予立题
=================================  =====  =====  =========  ===========  ======  ========  =======

✓ = the concern's place is inside the person's scope (``core.scope.Scope.covers_region``).
Decisions and merges apply to concerns still waiting for a decision (已受理 / 研判中); split applies
to a merged concern or one that joined a topic.
(1) With ``SHANGLIANG["SECRETARY_FIRST_LEVEL"]`` on, a secretary's decision is the community's
first-level opinion (社区初审) and (2) the office decides only after it.
"""

from __future__ import annotations

from django.conf import settings

from shangliang.concerns import permissions as concern_permissions
from shangliang.concerns.models import AWAITING_DECISION, Concern, ConcernStatus
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.screening.models import DecisionKind

DESK_ROLES = concern_permissions.DESK_ROLES
DECIDE_ROLES = frozenset({Role.STAFF, Role.SECRETARY})


def first_level_required() -> bool:
    return bool(settings.SHANGLIANG.get("SECRETARY_FIRST_LEVEL", False))


def can_use_desk(scope: Scope) -> bool:
    return concern_permissions.can_open_desk(scope)


def can_screen(scope: Scope, concern: Concern) -> bool:
    return scope.is_admin or (scope.role in DESK_ROLES and scope.covers_region(concern.region))


def can_merge(scope: Scope, concern: Concern) -> bool:
    return can_screen(scope, concern) and concern.status in AWAITING_DECISION


def can_split(scope: Scope, concern: Concern) -> bool:
    return can_screen(scope, concern) and concern.status in (ConcernStatus.MERGED, ConcernStatus.ACCEPTED)


def can_decide(scope: Scope, concern: Concern, kind: str) -> bool:
    if concern.status not in AWAITING_DECISION or not can_screen(scope, concern):
        return False
    if scope.is_admin:
        return True
    if kind == DecisionKind.TOPIC:
        return True
    return scope.role in DECIDE_ROLES


def gives_first_level_opinion(scope: Scope) -> bool:
    """A secretary's decision is only the community's opinion when the district requires one."""
    return first_level_required() and scope.role == Role.SECRETARY
