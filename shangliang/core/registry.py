"""What each app contributes to the shared layouts: navigation entries and the staff home's to-do list.

Apps register in their ``AppConfig.ready``; core never imports them, so the import order stays one-way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class TodoItem:
    """One line of the staff home: something the person should look at, with how many and where."""

    title: str
    url: str
    count: int | None = None
    detail: str = ""
    severity: str = "info"  # info | warning | danger
    order: int = 100


TodoProvider = Callable[[Any], Iterable[TodoItem]]

_nav: list[NavEntry] = []
_todo_providers: list[TodoProvider] = []


def register_nav(label: str, url_name: str, roles: Iterable[str], order: int = 100) -> None:
    entry = NavEntry(label=label, url_name=url_name, roles=frozenset(roles), order=order)
    if entry not in _nav:
        _nav.append(entry)


def register_todo(provider: TodoProvider) -> None:
    if provider not in _todo_providers:
        _todo_providers.append(provider)


def nav_for(user: Any) -> list[NavEntry]:
    role = "admin" if getattr(user, "is_superuser", False) else getattr(user, "role", "")
    return sorted((e for e in _nav if role in e.roles), key=lambda e: (e.order, e.label))


def todo_for(user: Any) -> list[TodoItem]:
    items: list[TodoItem] = [item for provider in _todo_providers for item in provider(user)]
    return sorted(items, key=lambda i: (i.order, i.title))
