from __future__ import annotations

from typing import Any

from shangliang.core.roles import BACK_OFFICE_ROLES


def can_use_inbox(user: Any) -> bool:
    """Every back-office person has an inbox; residents are told by SMS instead."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role in BACK_OFFICE_ROLES)
