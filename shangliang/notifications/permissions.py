from __future__ import annotations

from shangliang.core.scope import Scope


def can_use_inbox(scope: Scope) -> bool:
    """Every back-office person has an inbox; residents are told by SMS instead."""
    if not scope.is_authenticated:
        return False
    return scope.is_back_office
