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
from shangliang.core.scope import scope_of

register = template.Library()


def _link(url: str, label: str) -> str:
    return f'<a href="{escape(url)}">{escape(label)}</a>'


@functools.lru_cache(maxsize=256)
def _nav_parts(
    role: str, with_admin: bool, urlconf: Any, prefix: str, registered: tuple[int, int]
) -> tuple[tuple[tuple[tuple[str, str], ...], str], ...]:
    """The role's navigation as (links, group label) parts, remembered per
    URLconf and script prefix: a lone link, or a group whose links open from its label."""
    home = registry.reverse_cached("core:staff-home")
    parts: list[tuple[tuple[tuple[str, str], ...], str]] = [(((home, _link(home, "工作台")),), "")]
    for group in registry.nav_groups_for_role(role):
        links = tuple((e.url, _link(e.url, str(e.label))) for e in group.entries)
        parts.append((links, group.label))
    if with_admin:
        url = registry.reverse_cached("admin:index")
        parts.append((((url, _link(url, "管理后台")),), ""))
    return tuple(parts)


def _mark(links: tuple[tuple[str, str], ...], current: str) -> tuple[str, bool]:
    html, here = [], False
    for url, link in links:
        if url == current:
            here = True
            link = link.replace("<a ", '<a aria-current="page" ', 1)
        html.append(link)
    return "".join(html), here


@register.simple_tag(takes_context=True)
def staff_nav_links(context: Any) -> SafeString:
    """The staff navigation for the signed-in person, grouped by their work (``core.registry``):
    a group opens as a list under its label (``<details>``, no script), the current page marked."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return mark_safe("")
    parts = _nav_parts(
        registry.nav_role(scope_of(user)),
        bool(getattr(user, "is_admin_role", False) or getattr(user, "is_staff", False)),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        registry.nav_generation(),
    )
    current = context["request"].path
    html = []
    for links, label in parts:
        inner, here = _mark(links, current)
        if not label:
            html.append(inner)
            continue
        marker = ' class="nav-group current"' if here else ' class="nav-group"'
        html.append(
            f'<details{marker}><summary>{escape(label)}</summary><div class="nav-menu">{inner}</div></details>'
        )
    return mark_safe("\n".join(html))


@register.simple_tag(takes_context=True)
def staff_personal_links(context: Any) -> SafeString:
    """The entries beside the person's name (通知)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return mark_safe("")
    current = context["request"].path
    links = tuple(
        (e.url, _link(e.url, str(e.label)))
        for e in registry.personal_nav_for_role(registry.nav_role(scope_of(user)))
    )
    return mark_safe(_mark(links, current)[0])


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
