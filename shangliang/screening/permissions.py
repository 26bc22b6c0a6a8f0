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

from typing import Any

from django.conf import settings

from shangliang.concerns.models import AWAITING_DECISION, Concern, ConcernStatus
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.places.permissions import is_admin
from shangliang.screening.models import DecisionKind

DESK_ROLES = frozenset({Role.STAFF, Role.SECRETARY, Role.GRID_WORKER})
DECIDE_ROLES = frozenset({Role.STAFF, Role.SECRETARY})


def _role(user: Any) -> str:
    scope = scope_of(user)
    return scope.role if scope.is_authenticated else ""


def first_level_required() -> bool:
    return bool(settings.SHANGLIANG.get("SECRETARY_FIRST_LEVEL", False))


def can_use_desk(user: Any) -> bool:
    return is_admin(user) or _role(user) in DESK_ROLES


def can_screen(user: Any, concern: Concern) -> bool:
    return is_admin(user) or (_role(user) in DESK_ROLES and scope_of(user).covers_region(concern.region))


def can_merge(user: Any, concern: Concern) -> bool:
    return can_screen(user, concern) and concern.status in AWAITING_DECISION


def can_split(user: Any, concern: Concern) -> bool:
    return can_screen(user, concern) and concern.status in (ConcernStatus.MERGED, ConcernStatus.ACCEPTED)


def can_decide(user: Any, concern: Concern, kind: str) -> bool:
    if concern.status not in AWAITING_DECISION or not can_screen(user, concern):
        return False
    if is_admin(user):
        return True
    if kind == DecisionKind.TOPIC:
        return True
    return _role(user) in DECIDE_ROLES


def gives_first_level_opinion(user: Any) -> bool:
    """A secretary's decision is only the community's opinion when the district requires one."""
    return first_level_required() and _role(user) == Role.SECRETARY
