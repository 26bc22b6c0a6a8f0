"""The demo sign-ins of ``shangliang.demo.logins``, one per back-office role."""

from __future__ import annotations

from typing import Any

from shangliang.accounts.models import User
from shangliang.demo.logins import DEMO_LOGINS
from shangliang.places.models import Member, Organisation, Region


def build(regions: dict[str, Region], organisations: dict[str, Organisation]) -> list[Any]:
    users = []
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User(
                username=login.username,
                display_name=login.display_name,
                role=login.role,
                region=regions[login.scope] if login.scope else None,
                organisation=organisations[login.organisation] if login.organisation else None,
                member=Member.objects.filter(name=login.member).first() if login.member else None,
                is_staff=login.superuser,
                is_superuser=login.superuser,
            )
            user.set_password(login.password)
            user.save()
        users.append(user)
    return users
