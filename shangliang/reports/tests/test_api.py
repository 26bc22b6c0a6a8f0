from typing import Any

import pytest

from shangliang.concerns.models import ConcernSource
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.places.tests import factories as pf
from shangliang.reports import rollups, selectors

pytestmark = pytest.mark.django_db


def test_public_stats_give_the_pages_figures_with_their_rules(client: Any, district: Any) -> None:
    # given concerns in two streets, rolled up, and one more today
    ConcernFactory(community=district.community_a, source=ConcernSource.MEMBER)
    rollups.refresh()
    ConcernFactory(community=district.community_b)
    # when
    response = client.get("/api/v1/stats", {"since": "2021-01-01", "breakdown": "source"})
    # then the figures are the page's, with their rules
    assert response.status_code == 200
    body = response.json()
    figures = {f["name"]: f for f in body["figures"]}
    page = selectors.statistics(
        scope=None, path_prefix="", period=selectors.preset_period("since2021"), breakdown="source"
    )
    assert {name: f["value"] for name, f in figures.items()} == {f.name: f.value for f in page.figures}
    assert figures["concerns_received"]["value"] == 2
    assert {g["label"]: g["value"] for g in figures["concerns_received"]["groups"]} == {
        "委员荐题": 1,
        "群众出题": 1,
    }
    assert figures["meetings_held"]["rule"].startswith("已经召开的协商议事会数量")
    assert body["period"]["start"] == "2021-01-01"


def test_stats_filters_are_checked_with_chinese_messages(client: Any, district: Any) -> None:
    response = client.get("/api/v1/stats", {"start": "2025-05-01", "end": "2025-01-01"})
    assert response.status_code == 422
    assert response.json() == {"detail": "开始日期不能晚于结束日期。", "field": None}
    response = client.get("/api/v1/stats", {"street": 999999})
    assert response.status_code == 422
    assert response.json() == {"detail": "所选区域不存在或不在您的统计范围内。", "field": "street"}


def test_rooms_are_public_without_the_conveners_phone(client: Any, district: Any) -> None:
    # given a room with a convener's phone
    room = pf.RoomFactory(
        name="政法路社区协商议事室", region=district.community_a, convener_phone="13877901234"
    )
    # when
    listing = client.get("/api/v1/rooms")
    detail = client.get(f"/api/v1/rooms/{room.pk}")
    # then
    assert listing.json()["count"] == 1
    assert listing.json()["items"][0]["name"] == "政法路社区协商议事室"
    assert "13877901234" not in listing.content.decode() + detail.content.decode()
    assert client.get("/api/v1/rooms/999999").status_code == 404


def test_results_and_meetings_lists_are_paginated(client: Any, district: Any) -> None:
    assert client.get("/api/v1/results", {"limit": 5}).json() == {"items": [], "count": 0}
    assert client.get("/api/v1/meetings").json() == {"items": [], "count": 0}
    assert client.get("/api/v1/results/1").status_code == 404
