"""Who manages integration tokens: the platform's administrators."""

from __future__ import annotations

from shangliang.core.scope import Scope


def can_manage_tokens(scope: Scope) -> bool:
    return scope.is_admin
