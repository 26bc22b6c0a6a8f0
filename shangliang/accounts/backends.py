"""Signing in with a username and password, and finding the signed-in user on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS

from shangliang.accounts.models import User
from shangliang.core.prepared import PreparedRead

_COLUMNS = [field.attname for field in User._meta.concrete_fields]
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
        user = User.from_db(DEFAULT_DB_ALIAS, _COLUMNS, row)
        return user if self.user_can_authenticate(user) else None
