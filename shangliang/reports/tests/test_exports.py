import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.models import AuditEvent
from shangliang.core.scope import EVERYTHING
from shangliang.privacy import personal
from shangliang.reports import selectors, summary

pytestmark = pytest.mark.django_db

PHONE = "13877901234"


def _rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def _concern(community: Any, text: str) -> Any:
    return ConcernFactory(
        community=community,
        text=text,
        phone_encrypted=personal.encrypt(PHONE),
        phone_masked=personal.mask_phone(PHONE),
        anonymous=False,
    )


def test_a_concerns_csv_is_scoped_masked_and_streamed(client: Any, district: Any, street_staff: Any) -> None:
    # given a concern in the staff's street (with the resident's number in its text) and one outside
    _concern(district.community_a, f"楼道飞线充电，请打{PHONE}联系")
    _concern(district.community_b, "村道破损")
    client.force_login(street_staff)
    # when the concerns are exported as CSV
    response = client.get(reverse("reports:export-records", args=["concerns", "csv"]))
    # then only the street's concern comes, its number masked everywhere, and nothing is logged
    rows = _rows(response)
    assert rows[0][-1] == "联系电话"
    assert len(rows) == 2
    assert PHONE not in "".join(rows[1])
    assert rows[1][-1] == "138****1234"
    assert not AuditEvent.objects.filter(event_type="concern.contact_viewed").exists()


def test_a_full_export_shows_numbers_and_logs_each_one(client: Any, district: Any, staff: Any) -> None:
    # given two concerns with phone numbers
    first = _concern(district.community_a, "飞线充电")
    second = _concern(district.community_b, "村道破损")
    client.force_login(staff)
    # when staff ask for the contacts in full
    rows = _rows(client.get(reverse("reports:export-records", args=["concerns", "csv"]), {"full": "1"}))
    # then the numbers are in clear and each view is logged
    assert [r[-1] for r in rows[1:]] == [PHONE, PHONE]
    logged = AuditEvent.objects.filter(event_type="concern.contact_viewed", actor=staff, reason="导出")
    assert sorted(int(e.object_id) for e in logged) == sorted([first.pk, second.pk])


def test_a_reviewer_asking_for_full_contacts_gets_them_masked(
    client: Any, district: Any, reviewer: Any
) -> None:
    _concern(district.community_a, "飞线充电")
    client.force_login(reviewer)
    response = client.get(reverse("reports:export-records", args=["concerns", "csv"]), {"full": "1"})
    assert all(r[-1] != PHONE for r in _rows(response)[1:])


def test_topics_export_as_a_workbook(client: Any, district: Any, staff: Any) -> None:
    from shangliang.topics.tests.factories import TopicFactory

    TopicFactory(community=district.community_a, title="整治老旧小区飞线充电")
    client.force_login(staff)
    response = client.get(reverse("reports:export-records", args=["topics", "xlsx"]), {"period": "year"})
    sheet = load_workbook(io.BytesIO(response.content))["协商议题"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("编号", "议题名称")
    assert [r[1] for r in rows[1:]] == ["整治老旧小区飞线充电"]


def test_the_annual_summary_is_written_from_the_figures(client: Any, district: Any, staff: Any) -> None:
    # given a concern this year
    ConcernFactory(community=district.community_a)
    client.force_login(staff)
    # when the summary is downloaded
    response = client.get(reverse("reports:summary"), {"period": "since2021"})
    # then its first paragraph is the article's sentence with the figures
    text = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    stats = selectors.statistics(
        scope=EVERYTHING, path_prefix="", period=selectors.preset_period("since2021")
    )
    assert text[1] == summary.paragraphs(stats)[0]
    assert text[1].startswith(
        "据统计，2021年以来，政协海城区委员会共开展协商议事0次，解决0个问题，向党委政府报送0个建议。"
    )
    assert "收到群众反映1件" in text[2]
