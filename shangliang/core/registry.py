"""What each app contributes to the shared layouts: navigation entries and the staff home's to-do list.

Apps register in their ``AppConfig.ready``; core never imports them, so the import order stays one-way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from shangliang.core.roles import Role
from shangliang.core.scope import Scope


@functools.lru_cache(maxsize=512)
def _reverse(url_name: str, urlconf: Any, prefix: str) -> str:
    return reverse(url_name, urlconf=urlconf)


def reverse_cached(url_name: str) -> str:
    """``reverse`` of a URL without arguments, remembered per URLconf and script prefix: the shared
    layouts reverse the same dozen names on every page, and each reversal costs tens of microseconds."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(url_name, urlconf, get_script_prefix())


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100

    @property
    def url(self) -> str:
        return reverse_cached(self.url_name)


@dataclass(frozen=True)
class TodoItem:
    """One line of the staff home: something the person should look at, with how many and where."""

    title: str
    url: str
    count: int | None = None
    detail: str = ""
    severity: str = "info"  # info | warning | danger
    order: int = 100


TodoProvider = Callable[[Scope], Iterable[TodoItem]]

_nav: list[NavEntry] = []
_todo_providers: list[TodoProvider] = []


def register_nav(label: str, url_name: str, roles: Iterable[str], order: int = 100) -> None:
    entry = NavEntry(label=label, url_name=url_name, roles=frozenset(roles), order=order)
    if entry not in _nav:
        _nav.append(entry)


def register_todo(provider: TodoProvider) -> None:
    if provider not in _todo_providers:
        _todo_providers.append(provider)


def nav_generation() -> tuple[int, int]:
    """Changes when entries are registered (or the list replaced), for caches of rendered navigation."""
    return (id(_nav), len(_nav))


def nav_role(scope: Scope) -> str:
    """The role whose entries the person sees (an administrator sees the administrator's)."""
    return Role.ADMIN if scope.is_admin else scope.role


def nav_for(scope: Scope) -> list[NavEntry]:
    return nav_for_role(nav_role(scope))


def nav_for_role(role: str) -> list[NavEntry]:
    return sorted((e for e in _nav if role in e.roles), key=lambda e: (e.order, e.label))


# The staff navigation groups entries by the work they serve, by their ``order``: an entry below
# the first bound stands alone, as does one in a group the role has no other entry of; entries
# from ``PERSONAL_ORDER`` on (通知) sit beside the person's name.
NAV_GROUPS: tuple[tuple[int, str], ...] = (
    (10, ""),
    (14, "诉求研判"),
    (30, "议题协商"),
    (34, "交办督办"),
    (40, "评价成果"),
    (50, "委员履职"),
    (90, "资料统计"),
)
PERSONAL_ORDER = 90


def group_of(entry: NavEntry) -> str:
    for bound, label in NAV_GROUPS:
        if entry.order < bound:
            return label
    return ""


@dataclass(frozen=True)
class NavGroup:
    label: str  # "" for an entry that stands alone
    entries: tuple[NavEntry, ...]


def nav_groups_for_role(role: str) -> list[NavGroup]:
    """The role's entries (before ``PERSONAL_ORDER``) in their groups, in order."""
    groups: list[NavGroup] = []
    for entry in nav_for_role(role):
        if entry.order >= PERSONAL_ORDER:
            continue
        label = group_of(entry)
        if label and groups and groups[-1].label == label:
            groups[-1] = NavGroup(label, (*groups[-1].entries, entry))
        else:
            groups.append(NavGroup(label, (entry,)))
    return [g if len(g.entries) > 1 else NavGroup("", g.entries) for g in groups]


def personal_nav_for_role(role: str) -> list[NavEntry]:
    return [e for e in nav_for_role(role) if e.order >= PERSONAL_ORDER]


def todo_for(scope: Scope) -> list[TodoItem]:
    items: list[TodoItem] = [item for provider in _todo_providers for item in provider(scope)]
    return sorted(items, key=lambda i: (i.order, i.title))
