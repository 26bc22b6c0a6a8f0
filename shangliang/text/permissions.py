"""Who may use the staff text tools."""

from __future__ import annotations

from shangliang.core.roles import Role
from shangliang.core.scope import Scope


def can_search_documents(scope: Scope) -> bool:
    return scope.is_back_office


def can_manage_models(scope: Scope) -> bool:
    """Administrators and CPPCC office staff see the learned models and switch between them."""
    return scope.is_admin or scope.has_role(Role.STAFF)
