"""A fragment is rendered once per distinct data, never shown stale, and keeps each response's token."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.template import engines
from django.test import RequestFactory

from shangliang.core import fragments
from shangliang.places.models import Region

pytestmark = pytest.mark.django_db

TEMPLATE = (
    '<h1>{{ title }}</h1><form method="post">{% csrf_token %}</form>'
    "{% for region in regions %}<p>{{ region.name }}</p>{% endfor %}"
)


@pytest.fixture
def template(monkeypatch: Any) -> list[str]:
    """The fragment's template, counting how often it is rendered."""
    rendered: list[str] = []
    compiled = engines["django"].from_string(TEMPLATE)

    class Counting:
        def render(self, context: dict[str, Any]) -> str:
            rendered.append(context["title"])
            return compiled.render(context)

    monkeypatch.setattr(fragments, "get_template", lambda name: Counting())
    return rendered


def _request() -> Any:
    return RequestFactory().get("/")


def test_the_same_data_is_rendered_once_and_each_response_has_its_own_token(
    template: list[str], district: Any
) -> None:
    regions = list(Region.objects.filter(pk__in=[district.street_a.pk, district.street_b.pk]).order_by("pk"))
    first, second = _request(), _request()

    a = fragments.render_fragment("x.html", {"title": "议题", "regions": regions}, request=first)
    b = fragments.render_fragment("x.html", {"title": "议题", "regions": regions}, request=second)

    assert template == ["议题"]
    assert "<p>中街街道</p><p>高德街道</p>" in a
    assert fragments.CSRF_MARK not in a
    assert first.META["CSRF_COOKIE"]
    assert first.META["CSRF_COOKIE"] != second.META["CSRF_COOKIE"]
    assert a.replace(_token(a), "") == b.replace(_token(b), "")


def _token(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def test_changed_data_is_rendered_again_never_stale(template: list[str], district: Any) -> None:
    region = Region.objects.get(pk=district.street_a.pk)
    before = fragments.render_fragment("x.html", {"title": "t", "regions": [region]}, request=_request())
    Region.objects.filter(pk=region.pk).update(name="新街道")

    after = fragments.render_fragment(
        "x.html", {"title": "t", "regions": [Region.objects.get(pk=region.pk)]}, request=_request()
    )

    assert "中街街道" in before
    assert "新街道" in after
    assert len(template) == 2


def test_a_versioned_value_counts_by_its_version(template: list[str], district: Any) -> None:
    # given a value rendered under a version
    street = Region.objects.get(pk=district.street_a.pk)
    other = Region.objects.get(pk=district.street_b.pk)

    def render(regions: list[Region], version: str) -> str:
        data = {"title": version, "regions": fragments.Versioned(regions, version)}
        return fragments.render_fragment("x.html", data, request=_request())

    first = render([street], "v1")
    # when the same version comes again, and then a new one
    again = render([street], "v1")
    changed = render([other], "v2")
    # then the value was rendered (not its wrapper) and only a new version renders anew
    assert "<p>中街街道</p>" in first
    assert again.replace(_token(again), "") == first.replace(_token(first), "")
    assert "<p>高德街道</p>" in changed
    assert template == ["v1", "v2"]


def test_a_fragment_that_reads_the_database_is_not_kept(template: list[str], district: Any) -> None:
    for _ in range(2):
        lazy = list(
            Region.objects.only("id").filter(pk=district.street_a.pk)
        )  # the name loads while rendering
        html = fragments.render_fragment("x.html", {"title": "t", "regions": lazy}, request=_request())

    assert "中街街道" in html
    assert len(template) == 2
    assert not any(":fragment:" in str(key) for key in getattr(cache, "_cache", {}))


def test_without_keeping_nothing_is_cached(template: list[str]) -> None:
    for _ in range(2):
        html = fragments.render_fragment(
            "x.html", {"title": "t", "regions": []}, request=_request(), keep=False
        )

    assert len(template) == 2
    assert fragments.CSRF_MARK not in html


def test_a_page_layout_rendered_as_a_fragment_is_the_layout_render_gives(staff: Any) -> None:
    # given: a signed-in person with a message waiting, on a page with a query string
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.shortcuts import render

    def request() -> Any:
        made = RequestFactory().get("/screening/?community=3&sort=due")
        made.user = staff
        made.session = {}
        made._messages = FallbackStorage(made)
        messages.success(made, "已保存 <草稿>")
        return made

    body = fragments.mark_safe("<h1>正文</h1>")
    cache.clear()
    fragments.forget_kept()

    # when: the page is rendered through the layout fragment (twice: rendered, then kept) and by render
    first = fragments.render_page(request(), "screening/inbox.html", body).content.decode()
    kept_request = request()
    kept = fragments.render_page(kept_request, "screening/inbox.html", body).content.decode()
    plain = render(request(), "screening/inbox.html", {"body": body}).content.decode()

    # then: the same HTML but for each response's own CSRF token, the body and the path in place
    assert _tokens(first) == _tokens(plain) == _tokens(kept)
    assert "<h1>正文</h1>" in kept
    assert 'name="next" value="/screening/?community=3&amp;sort=due"' in kept
    assert "已保存 &lt;草稿&gt;" in kept
    assert f"{staff}（{staff.role_label}）" in kept
    assert kept_request._messages.used is True  # shown: not kept for the next page


def _tokens(html: str) -> str:
    """``html`` with its CSRF tokens (which every response masks anew) taken out."""
    import re

    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'name="csrf-token" content="[^"]+"', "", html)


def test_the_masked_token_is_djangos_format_with_a_new_mask_each_time():
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token

    # given a request carrying a CSRF secret
    request = RequestFactory().get("/")
    secret = "a" * 16 + "Z9" * 8
    request.META["CSRF_COOKIE"] = secret
    # when
    tokens = {fragments.masked_token(request) for _ in range(50)}
    # then each unmasks to the secret, the masks differ, and the cookie's expiry is renewed
    assert len(tokens) == 50
    for token in tokens:
        assert len(token) == 64
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_request_without_a_secret_gets_one_from_django():
    from django.middleware.csrf import _unmask_cipher_token

    request = RequestFactory().get("/")
    token = fragments.masked_token(request)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert len(request.META["CSRF_COOKIE"]) == 32


def test_a_form_rendered_as_a_fragment_posts_past_the_csrf_check():
    import re

    from django.test import Client
    from django.urls import reverse

    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("concerns:lookup")).content.decode()
    client.get(reverse("concerns:submit"))
    html = client.get(reverse("concerns:submit")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None, page[:200]
    refused = client.post(reverse("concerns:submit"), {"text": ""})
    accepted = client.post(reverse("concerns:submit"), {"text": "", "csrfmiddlewaretoken": token.group(1)})
    assert refused.status_code == 403
    assert accepted.status_code == 400  # past the check: the form's own errors


def test_a_process_keeps_what_it_rendered_in_front_of_the_shared_cache(
    template: list[str], district: Any, monkeypatch: Any
) -> None:
    # given: a fragment rendered once, its shared cache entry then read nowhere
    regions = [Region.objects.get(pk=district.street_a.pk)]
    first = fragments.render_fragment("x.html", {"title": "t", "regions": regions}, request=_request())
    monkeypatch.setattr(fragments.cache, "get", lambda *a, **kw: pytest.fail("read the shared cache"))

    # when: the same data is rendered again in this process
    again = fragments.render_fragment("x.html", {"title": "t", "regions": regions}, request=_request())

    # then: it comes from the process's own memory, with its own token
    assert template == ["t"]
    assert again.replace(_token(again), "") == first.replace(_token(first), "")


def test_what_a_process_keeps_is_bounded_oldest_out_first(monkeypatch: Any) -> None:
    monkeypatch.setattr(fragments, "KEPT_CHARACTERS", 100)
    fragments.forget_kept()
    for n in range(12):
        fragments._keep(f"k{n}", "x" * 10)
    fragments._keep("huge", "y" * 50)  # larger than an eighth of the room: never kept

    assert list(fragments._kept) == [f"k{n}" for n in range(2, 12)]
    assert fragments._kept_size[0] == 100
    fragments.forget_kept()
