"""Signing in with a username and password, and finding the signed-in user on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from shangliang.accounts.models import User
from shangliang.core.prepared import PreparedRead, all_columns, instance

_COLUMNS = all_columns(User)
_BY_KEY = PreparedRead(lambda pk: User._default_manager.filter(pk=pk).values_list(*_COLUMNS), pk=int)


class UserBackend(ModelBackend):
    """Django's model backend, with the per-request user read compiled once (every staff page
    reads the user before anything else)."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            key = int(user_id)
        except (TypeError, ValueError):
            return None
        row = _BY_KEY.first(pk=key)
        if row is None:
            return None
        user = instance(User, _COLUMNS, row)
        return user if self.user_can_authenticate(user) else None
