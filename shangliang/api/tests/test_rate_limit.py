"""Public endpoints count anonymous calls per client address and answer 429 in Chinese past the
limit; the schema declares it."""

from typing import Any

import pytest

from shangliang.api.public import TOO_MANY

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = ["/api/v1/stats", "/api/v1/results", "/api/v1/rooms", "/api/v1/meetings"]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_public_endpoint_answers_429_in_chinese_past_the_limit(
    client: Any, district: Any, settings: Any, path: str
) -> None:
    # given a limit of two calls a minute
    settings.SHANGLIANG = {**settings.SHANGLIANG, "RATE_LIMITS": {"api-public": (2, 60)}}
    # when one address calls three times
    answers = [client.get(path, REMOTE_ADDR="203.0.113.7") for _ in range(3)]
    # then the third is refused with the time to wait
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {"detail": TOO_MANY}
    assert 0 < int(answers[2]["Retry-After"]) <= 61
    # and another address is still served
    assert client.get(path, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_a_signed_in_caller_is_not_counted_as_anonymous(client: Any, staff: Any, settings: Any) -> None:
    settings.SHANGLIANG = {**settings.SHANGLIANG, "RATE_LIMITS": {"api-public": (1, 60)}}
    client.force_login(staff)
    codes = {client.get("/api/v1/meetings", REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)}
    assert codes == {200}


def test_the_schema_declares_429_on_every_public_operation(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    public = [
        "/api/v1/stats",
        "/api/v1/results",
        "/api/v1/results/{result_id}",
        "/api/v1/rooms",
        "/api/v1/rooms/{room_id}",
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
    ]
    assert {p: "429" in paths[p]["get"]["responses"] for p in public} == dict.fromkeys(public, True)
