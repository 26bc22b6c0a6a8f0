"""Page fragments rendered once for the data they show.

A busy page's body (the topic page's) costs more to render with the Django template language
than its reads cost together. ``render_fragment`` renders a template with exactly the values it
is given (no request, no context processors, so the output can depend on nothing else) and
keeps the result in the cache under a digest of those values: the same data gives the same
HTML, and changed data gives another key, so nothing is ever stale and nothing needs to be
forgotten. A fragment whose rendering reads the database (a value that was not given) is not
kept, since the digest would not cover it. Forms keep their CSRF token: the fragment is
rendered with a marker where the token goes, and each response puts its own token there.

``render_page`` does the same for the layout around such a body (``base.html`` and
``staff_base.html``): it is rendered with the values it shows of the request (the person's name
and role, the current page's path, the text size, the messages) and the body put in afterwards.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from shangliang.core.context_processors import site

# What the rendered fragment holds where a form's CSRF token goes.
CSRF_MARK = "csrf-token-of-this-response"
# What a rendered layout holds where the page's body and the page's full path go.
BODY_MARK = "\ue000body-of-this-page\ue000"
PATH_MARK = "\ue000full-path-of-this-request\ue000"
TTL_SECONDS = 24 * 3600
# The masked CSRF token of a request: one per response, as the template engine gives one per page.
_TOKEN_ATTRIBUTE = "_fragments_csrf_token"
_SETTING_ATTRIBUTE = "_fragments_setting"


_CHAR_COUNT = len(CSRF_ALLOWED_CHARS)
_CHAR_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
# The largest multiple of the alphabet's size in a byte: random bytes below it map evenly onto it.
_EVEN_BYTES = 256 // _CHAR_COUNT * _CHAR_COUNT


def masked_token(request: HttpRequest) -> str:
    """``django.middleware.csrf.get_token``: the request's CSRF secret under a new random mask, in
    Django's format (mask + cipher, checked by its middleware), with the mask drawn from one read
    of the system's random source instead of one per character. A request without a well-formed
    secret gets one from Django."""
    secret = request.META.get("CSRF_COOKIE")
    if not isinstance(secret, str) or len(secret) != CSRF_SECRET_LENGTH or secret.strip(CSRF_ALLOWED_CHARS):
        return str(get_token(request))
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie's expiry is renewed
    mask: list[int] = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask.extend(b % _CHAR_COUNT for b in os.urandom(2 * CSRF_SECRET_LENGTH) if b < _EVEN_BYTES)
    mask = mask[:CSRF_SECRET_LENGTH]
    chars = CSRF_ALLOWED_CHARS
    index = _CHAR_INDEX
    return "".join([chars[m] for m in mask]) + "".join(
        [chars[(index[c] + m) % _CHAR_COUNT] for c, m in zip(secret, mask, strict=True)]
    )


def _setting(request: HttpRequest) -> tuple[str, str, str]:
    """What else a rendering depends on: the language of labels, the time zone of dates, the URL
    prefix. A request is answered in one of each, so they are read once per request."""
    found = request.__dict__.get(_SETTING_ATTRIBUTE)
    if found is None:
        found = (translation.get_language(), timezone.get_current_timezone_name(), get_script_prefix())
        request.__dict__[_SETTING_ATTRIBUTE] = found
    return found


def _token(request: HttpRequest) -> str:
    token = request.__dict__.get(_TOKEN_ATTRIBUTE)
    if token is None:
        token = request.__dict__[_TOKEN_ATTRIBUTE] = masked_token(request)
    return str(token)


@dataclass(frozen=True)
class Versioned:
    """A value given to ``render_fragment`` with a version that changes whenever it does (a digest
    of it, kept with it): the fragment's digest covers the version instead of the whole value."""

    value: Any
    version: str


def _digested(value: Any) -> Any:
    return (Versioned, value.version) if isinstance(value, Versioned) else value


def _rendered(value: Any) -> Any:
    return value.value if isinstance(value, Versioned) else value


# Each process also keeps the fragments it fetched or rendered last in its own memory, in front of the shared
# cache (a round trip to Redis in production, a copy out of the local cache in development): the
# HTML under a digest never changes, so nothing kept here is ever stale. Bounded by characters.
KEPT_CHARACTERS = 8_000_000
_kept: OrderedDict[str, str] = OrderedDict()
_kept_size = [0]


def _keep(key: str, html: str) -> None:
    if len(html) > KEPT_CHARACTERS // 8:
        return
    _kept[key] = html
    _kept_size[0] += len(html)
    while _kept_size[0] > KEPT_CHARACTERS:
        _, dropped = _kept.popitem(last=False)
        _kept_size[0] -= len(dropped)


def forget_kept() -> None:
    """Empty this process's fragments (tests that change templates or their settings)."""
    _kept.clear()
    _kept_size[0] = 0


@contextmanager
def _counting_reads() -> Iterator[list[int]]:
    count = [0]

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connections["default"].execute_wrapper(counter):
        yield count


def render_fragment(
    template_name: str, data: dict[str, Any], *, request: HttpRequest, keep: bool = True
) -> SafeString:
    """``template_name`` rendered with ``data`` (plus ``csrf_token``), from the cache when the same
    data was rendered before (a ``Versioned`` value counts by its version). ``keep=False`` renders
    without the cache (data that holds what a person typed, or that cannot be pickled)."""
    context = {name: _rendered(value) for name, value in data.items()}
    if not keep:
        html = get_template(template_name).render({**context, "csrf_token": _token(request)})
        return mark_safe(html)  # rendered by the template engine, which escaped every value
    setting = _setting(request)
    digested = {name: _digested(value) for name, value in data.items()}
    digest = hashlib.blake2b(
        pickle.dumps((setting, digested), protocol=pickle.HIGHEST_PROTOCOL), digest_size=20
    ).hexdigest()
    key = f"fragment:{template_name}:{digest}"
    html = _kept.get(key) or _shared(key, template_name, context)
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, _token(request))
    return mark_safe(html)  # rendered by the template engine, which escaped every value


def _shared(key: str, template_name: str, context: dict[str, Any]) -> str:
    """The fragment under ``key`` from the shared cache, or rendered (and kept there unless the
    rendering read the database); kept in this process's memory either way it was kept."""
    html = cache.get(key)
    if html is None:
        with _counting_reads() as reads:
            html = get_template(template_name).render({**context, "csrf_token": CSRF_MARK})
        if reads[0]:
            return str(html)
        cache.set(key, html, TTL_SECONDS)
    _keep(key, html)
    return str(html)


@dataclass(frozen=True)
class LayoutUser:
    """What the layouts read of the signed-in person (``staff_base.html``, ``{% staff_nav_links %}``)."""

    label: str
    role: str
    role_label: str
    is_superuser: bool
    is_staff: bool
    is_admin_role: bool
    is_authenticated: bool

    def __str__(self) -> str:
        return self.label

    @classmethod
    def of(cls, user: Any) -> LayoutUser:
        authenticated = bool(getattr(user, "is_authenticated", False))
        return cls(
            label=str(user) if authenticated else "",
            role=str(getattr(user, "role", "")),
            role_label=str(getattr(user, "role_label", "")) if authenticated else "",
            is_superuser=bool(getattr(user, "is_superuser", False)),
            is_staff=bool(getattr(user, "is_staff", False)),
            is_admin_role=bool(getattr(user, "is_admin_role", False)),
            is_authenticated=authenticated,
        )


@dataclass(frozen=True)
class LayoutRequest:
    """What the layouts read of the request: the path (the current navigation entry) and the full
    path (where the text-size switch returns), the latter put in after rendering."""

    path: str

    def get_full_path(self) -> str:
        return PATH_MARK


@dataclass(frozen=True)
class Notice:
    """A message shown once (``django.contrib.messages``) as the layout shows it."""

    tags: str
    text: str

    def __str__(self) -> str:
        return self.text


def render_page(
    request: HttpRequest,
    template_name: str,
    body: SafeString,
    data: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """The response of a page template that extends the layouts and shows ``{{ body }}`` (a
    rendered fragment). The layout is a fragment too: rendered with ``data`` (the page's own
    values, its title's) and what the layouts read of the request, instead of the context
    processors; the body, the full path and the CSRF token are put in for each response. The
    messages are read (and so marked as shown) as the template would read them."""
    notices = tuple(Notice(m.tags, str(m)) for m in messages.get_messages(request))
    layout = render_fragment(
        template_name,
        {
            **site(request),
            **(data or {}),
            "user": LayoutUser.of(request.user),
            "request": LayoutRequest(request.path),
            "messages": notices,
            "body": BODY_MARK,
        },
        request=request,
    )
    head, _, tail = layout.partition(BODY_MARK)
    path = escape(request.get_full_path())
    html = f"{head.replace(PATH_MARK, path)}{body}{tail.replace(PATH_MARK, path)}"
    return HttpResponse(html, status=status)
