"""Nothing a person without an account can reach shows a resident's phone, identity number or name.

Every page of the URLconf and every GET operation of the API schema is requested anonymously, with
path parameters filled from a concern that carries all three (and from the topic it joined), and
query parameters that search for them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from shangliang.concerns import services
from shangliang.concerns.models import Concern
from shangliang.notifications.models import OutboxMessage
from shangliang.topics.models import TopicStatus
from shangliang.topics.tests.factories import topic_with

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
TYPED_PHONE = "13987654321"
ID_NUMBER = "450502199001011234"
NAME = "覃秀英"
PLAIN = "政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险"
TEXT = f"{PLAIN}，请联系我{TYPED_PHONE}，身份证{ID_NUMBER}"
SECRETS = (PHONE, TYPED_PHONE, ID_NUMBER, NAME, "19900101")


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) != "admin/":
                found += _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append(prefix + str(pattern.pattern))
    return found


def _fill(route: str, values: dict[str, list[str]]) -> list[str]:
    """Each way of filling a route's parameters from ``values`` (by converter or name)."""
    urls = ["/" + route.lstrip("^").rstrip("$")]
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>|\{(\w+)\}|\(\?P<(\w+)>[^)]*\)", route):
        converter = match.group(1) or "str"
        name = match.group(2) or match.group(3) or match.group(4)
        options = values.get(name) or values.get(converter) or ["1"]
        urls = [url.replace(match.group(0), option, 1) for url in urls for option in options]
    return urls


@pytest.fixture
def exposed(district: Any) -> dict[str, Any]:
    concern, _ = services.concern_submit(
        data=services.ConcernInput(
            text=TEXT,
            region_id=district.community_a.pk,
            place_description="政法路5栋",
            phone=PHONE,
            name=NAME,
            consent=True,
            anonymous=False,
        ),
        ip="203.0.113.5",
    )
    topic = topic_with(district.community_a, [concern], status=TopicStatus.PROPOSED, description=TEXT)
    concern = Concern.objects.get(pk=concern.pk)
    return {"concern": concern, "topic": topic}


def _assert_masked(url: str, body: str) -> None:
    """None of the secrets, except one the request itself searched for (a search box shows its query)."""
    for secret in SECRETS:
        if secret not in url:
            assert secret not in body, f"{url} shows {secret}"


def test_no_anonymous_page_shows_personal_data(client, exposed):
    concern, topic = exposed["concern"], exposed["topic"]
    ints = sorted({str(concern.pk), str(topic.pk), str(concern.community_id)})
    values = {"int": ints, "code": [concern.tracking_code], "str": [concern.tracking_code], "path": ["x"]}
    queries = ["", f"?q={TYPED_PHONE}", f"?q={ID_NUMBER}", "?q=电动车充电", f"?text={PLAIN}"]
    seen = 0
    for route in _routes(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue  # below, from the schema
        for url in _fill(route, values):
            for query in queries:
                response = client.get(url + query, REMOTE_ADDR="203.0.113.5")
                if response.status_code == 200:
                    seen += 1
                body = b"".join(response) if response.streaming else response.content
                _assert_masked(url + query, body.decode(errors="replace"))
    # the concern's public page, its tracking page and the topic were among the pages shown
    assert seen > 20


def test_no_anonymous_api_answer_shows_personal_data(client, exposed):
    concern = exposed["concern"]
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["paths"]
    answered = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        url = "/api/v1" + path.removeprefix("/api/v1") if not path.startswith("/api/v1") else path
        url = url.replace("{code}", concern.tracking_code)
        names = {p["name"] for p in operations["get"].get("parameters", []) if p.get("in") == "query"}
        queries: list[dict[str, str]] = [{}]
        if "text" in names:
            queries.append({"text": PLAIN})
        if "q" in names:
            queries += [{"q": TYPED_PHONE}, {"q": ID_NUMBER}, {"q": "电动车充电"}]
        for query in queries:
            response = client.get(url, query, REMOTE_ADDR="203.0.113.5")
            if response.status_code == 200:
                answered.append(path)
            _assert_masked(f"{url}?{'&'.join(query.values())}", response.content.decode())
    # the similar-concern lookup found the concern, and the tracking lookup answered
    assert any("similar" in path for path in answered)
    assert any("{code}" in path for path in answered)


def test_the_sms_texts_carry_no_personal_data(exposed):
    # the texts written for the resident (the number they go to is stored encrypted beside them)
    bodies = list(OutboxMessage.objects.values_list("body", flat=True))
    assert len(bodies) == 1
    for body in bodies:
        _assert_masked("sms", body)
    assert OutboxMessage.objects.get().phone_masked == "138****5678"
