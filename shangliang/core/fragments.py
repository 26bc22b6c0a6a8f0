"""Page fragments rendered once for the data they show.

A busy page's body (the topic page's) costs more to render with the Django template language
than its reads cost together. ``render_fragment`` renders a template with exactly the values it
is given (no request, no context processors, so the output can depend on nothing else) and
keeps the result in the cache under a digest of those values: the same data gives the same
HTML, and changed data gives another key, so nothing is ever stale and nothing needs to be
forgotten. A fragment whose rendering reads the database (a value that was not given) is not
kept, since the digest would not cover it. Forms keep their CSRF token: the fragment is
rendered with a marker where the token goes, and each response puts its own token there.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

# What the rendered fragment holds where a form's CSRF token goes.
CSRF_MARK = "csrf-token-of-this-response"
TTL_SECONDS = 24 * 3600


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
    data was rendered before. ``keep=False`` renders without the cache (data that holds what a
    person typed, or that cannot be pickled)."""
    if not keep:
        html = get_template(template_name).render({**data, "csrf_token": get_token(request)})
        return mark_safe(html)  # rendered by the template engine, which escaped every value
    # What else a rendering depends on: the language of labels, the time zone of dates, the URL prefix.
    setting = (translation.get_language(), timezone.get_current_timezone_name(), get_script_prefix())
    digest = hashlib.blake2b(
        pickle.dumps((setting, data), protocol=pickle.HIGHEST_PROTOCOL), digest_size=20
    ).hexdigest()
    key = f"fragment:{template_name}:{digest}"
    html = cache.get(key)
    if html is None:
        with _counting_reads() as reads:
            html = get_template(template_name).render({**data, "csrf_token": CSRF_MARK})
        if reads[0] == 0:
            cache.set(key, html, TTL_SECONDS)
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    return mark_safe(html)  # rendered by the template engine, which escaped every value
