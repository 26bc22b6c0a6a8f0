"""Who may use the staff text tools."""

from __future__ import annotations

from typing import Any

from shangliang.core.roles import BACK_OFFICE_ROLES


def can_search_documents(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or getattr(user, "role", "") in BACK_OFFICE_ROLES
    )
