"""Who may use the staff text tools."""

from __future__ import annotations

from typing import Any

from shangliang.core.roles import BACK_OFFICE_ROLES, Role


def can_search_documents(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or getattr(user, "role", "") in BACK_OFFICE_ROLES
    )


def can_manage_models(user: Any) -> bool:
    """Administrators and CPPCC office staff see the learned models and switch between them."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or getattr(user, "role", "") in (Role.ADMIN, Role.STAFF)
    )
