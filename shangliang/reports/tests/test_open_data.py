import csv
import io
import json
from typing import Any

import pytest
from django.urls import reverse

from shangliang.places.tests import factories as pf

pytestmark = pytest.mark.django_db


def test_the_open_data_page_lists_every_dataset_with_its_fields_and_licence(
    client: Any, district: Any
) -> None:
    response = client.get(reverse("reports:open-data"))
    html = response.content.decode()
    assert response.status_code == 200
    assert [
        h for h in ("成果公示", "协商议事室及固定议事日", "公开协商议事会", "议事成效统计") if h not in html
    ] == []
    assert "CC BY 4.0" in html
    assert "<code>open_days</code>" in html


def test_rooms_as_json_and_csv_carry_the_fields_described_and_no_phone(client: Any, district: Any) -> None:
    # given a room with its convener's phone
    pf.RoomFactory(name="政法路社区协商议事室", region=district.community_a, convener_phone="13877901234")
    # when both formats are downloaded
    body = json.loads(client.get(reverse("reports:open-dataset", args=["rooms", "json"])).content)
    text = (
        client.get(reverse("reports:open-dataset", args=["rooms", "csv"])).content.decode().lstrip("\ufeff")
    )
    # then
    names = [f["name"] for f in body["fields"]]
    assert [set(row) for row in body["rows"]] == [set(names)]
    assert body["rows"][0]["name"] == "政法路社区协商议事室"
    assert body["licence"]["name"].startswith("知识共享署名 4.0")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == names
    assert "13877901234" not in text + json.dumps(body)


def test_public_statistics_dataset_has_this_year_and_since_2021(client: Any, district: Any) -> None:
    body = json.loads(client.get(reverse("reports:open-dataset", args=["statistics", "json"])).content)
    assert {row["period"] for row in body["rows"]} == {"本年", "2021年以来"}
    assert client.get("/statistics/open-data/nothing.json").status_code == 404
