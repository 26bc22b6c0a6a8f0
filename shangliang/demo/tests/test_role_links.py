"""Every link a demo role is shown opens for that role: from each role's home, every same-origin
GET link is followed (bounded: a few pages per kind of page, no calendar paging) and none answers
403 or 404."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from html import unescape
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import Resolver404, resolve, reverse

from shangliang.accounts.models import User
from shangliang.demo.logins import DEMO_LOGINS

HREF = re.compile(r"""<a\b[^>]*\bhref=["']([^"'#][^"']*)["']""")
# Pages of one kind visited per role: enough to meet each state's links, few enough to stay quick.
PER_KIND = 4
PER_ROLE = 260
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/api/", "/accounts/logout")
# Calendars page through months and weeks without end.
SKIP_QUERY = re.compile(r"(^|&)(month|week|year|date|start)=")


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory: Any) -> Any:
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo_district(django_db_setup: Any, django_db_blocker: Any, demo_media: Any) -> Iterator[None]:
    """The demo district, built once for the module inside a transaction that is rolled back
    afterwards (each test's own transaction nests inside it), so later tests see the database
    as the migrations left it."""
    with override_settings(MEDIA_ROOT=demo_media), django_db_blocker.unblock(), transaction.atomic():
        # What the seed leaves for after commit (photo files written) runs at once.
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", "--quiet-logins", verbosity=0)
        yield
        transaction.set_rollback(True)


def _links(html: str) -> list[str]:
    found = []
    for raw in HREF.findall(html):
        url = urldefrag(unescape(raw)).url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIP_PREFIXES) or SKIP_QUERY.search(parts.query):
            continue
        found.append(url)
    return found


def _kind(url: str) -> str:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return url
    return f"{match.view_name}?{bool(urlsplit(url).query)}"


def crawl(client: Any, start: str) -> dict[str, tuple[int, str]]:
    """url → (status, the page that showed the link) for every followed link."""
    seen: dict[str, tuple[int, str]] = {}
    per_kind: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque([(start, "")])
    while queue and len(seen) < PER_ROLE:
        url, source = queue.popleft()
        if url in seen:
            continue
        kind = _kind(url)
        if per_kind[kind] >= PER_KIND:
            continue
        per_kind[kind] += 1
        response = client.get(url)
        seen[url] = (response.status_code, source)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            queue.extend((link, url) for link in _links(response.content.decode()))
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("login", [d.username for d in DEMO_LOGINS])
def test_every_link_shown_to_a_role_opens(
    demo_district: None, demo_media: Any, settings: Any, client: Any, login: str
) -> None:
    # given the demo district's photos where it stored them, and a demo role signed in
    settings.MEDIA_ROOT = demo_media
    client.force_login(User.objects.get(username=login))
    # when every link reachable from its home is followed
    visited = crawl(client, reverse("core:staff-home"))
    # then none is refused or missing, and the crawl reached past the home page
    broken = sorted(
        f"{status} {url} ← {source}" for url, (status, source) in visited.items() if status in (403, 404)
    )
    assert "\n".join(broken) == ""
    assert len(visited) > 10
    assert all(status < 500 for status, _ in visited.values())
