"""Who may use the staff text tools."""

from __future__ import annotations

from typing import Any

from shangliang.core.roles import Role
from shangliang.core.scope import scope_of


def can_search_documents(user: Any) -> bool:
    return scope_of(user).is_back_office


def can_manage_models(user: Any) -> bool:
    """Administrators and CPPCC office staff see the learned models and switch between them."""
    scope = scope_of(user)
    return scope.is_admin or scope.has_role(Role.STAFF)
