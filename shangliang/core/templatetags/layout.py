"""The shared layouts' pieces that every staff page renders: built in Python, URLs reversed once."""

from __future__ import annotations

import functools
from html import escape
from typing import Any

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe

from shangliang.core import event_labels, registry

register = template.Library()


@functools.lru_cache(maxsize=256)
def _nav_links(
    role: str, with_admin: bool, urlconf: Any, prefix: str, registered: tuple[int, int]
) -> tuple[tuple[str, str], ...]:
    """(url, ``<a>`` element) of each link a role sees, remembered per URLconf and script prefix."""
    entries = [(registry.reverse_cached("core:staff-home"), "工作台")]
    entries += [(entry.url, str(entry.label)) for entry in registry.nav_for_role(role)]
    if with_admin:
        entries.append((registry.reverse_cached("admin:index"), "管理后台"))
    return tuple((url, f'<a href="{escape(url)}">{escape(label)}</a>') for url, label in entries)


@register.simple_tag(takes_context=True)
def staff_nav_links(context: Any) -> SafeString:
    """The staff navigation's links for the signed-in person, the current page marked."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return mark_safe("")
    links = _nav_links(
        registry.role_of(user),
        bool(getattr(user, "is_admin_role", False) or getattr(user, "is_staff", False)),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        registry.nav_generation(),
    )
    current = context["request"].path
    return mark_safe(
        "\n".join(
            link.replace("<a ", '<a aria-current="page" ', 1) if url == current else link
            for url, link in links
        )
    )


@register.simple_tag
def layout_url(url_name: str) -> str:
    """``{% url %}`` for the layouts' argument-less links, reversed once (core.registry)."""
    return registry.reverse_cached(url_name)


@functools.lru_cache(maxsize=64)
def _static(path: str, static_url: str, storage: str) -> str:
    from django.templatetags.static import static

    return static(path)


@register.simple_tag
def layout_static(path: str) -> str:
    """``{% static %}`` for the layouts' assets, looked up once per process and storage."""
    return _static(path, settings.STATIC_URL, repr(settings.STORAGES.get("staticfiles")))


@register.filter
def event_label(kind: str) -> str:
    """An audit event kind in words (``core.event_labels``), for every timeline and 操作记录."""
    return event_labels.event_label(str(kind))
