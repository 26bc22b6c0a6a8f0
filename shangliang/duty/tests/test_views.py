"""The pages: who may open them, what they show, the exports and the forms' errors."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from shangliang.accounts.tests.factories import UserFactory
from shangliang.core.roles import Role
from shangliang.duty import ledger
from shangliang.duty.models import DutyRule, ReportStatus, SelfReport
from shangliang.duty.tests.factories import held_meeting, member_user
from shangliang.places.models import OrganisationKind
from shangliang.places.tests import factories as pf

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def scored(district: Any, staff: Any) -> Any:
    """Two members of one committee; A attended a 专题协商 and spoke (8 points), B attended a 微协商 (3)."""
    committee = pf.OrganisationFactory(name="社会和法制委员会", kind=OrganisationKind.SPECIAL_COMMITTEE)
    sector = pf.OrganisationFactory(name="特邀人士界", kind=OrganisationKind.SECTOR)
    a = member_user("邵响亮", district.district, committee=committee, sector=sector)
    b = member_user("梁国栋", district.district, committee=committee)
    room = pf.RoomFactory(region=district.community_a)
    held_meeting(
        room=room,
        host=staff,
        recorder=staff,
        form="thematic",
        day=dt.date(YEAR, 3, 1),
        present=[a.member],
        oral=[a.member],
        title="议医保、解民忧",
    )
    held_meeting(
        room=room, host=staff, recorder=staff, form="micro", day=dt.date(YEAR, 4, 1), present=[b.member]
    )
    ledger.recompute(YEAR)
    return {"a": a, "b": b, "committee": committee}


@pytest.mark.parametrize(
    ("who", "status"), [("staff", 200), ("chair", 200), ("member", 403), ("grid_worker", 403)]
)
def test_ranking_is_for_the_office_and_chairs(
    client: Any, scored: Any, staff: Any, grid_worker: Any, who: str, status: int
) -> None:
    # given
    users = {
        "staff": staff,
        "chair": UserFactory(role=Role.CHAIR, organisation=scored["committee"], username="chair"),
        "member": scored["a"],
        "grid_worker": grid_worker,
    }
    client.force_login(users[who])

    # when
    response = client.get(reverse("duty:ranking") + f"?year={YEAR}")

    # then
    assert response.status_code == status


def test_ranking_xlsx_lists_members_with_ranks_and_grades(client: Any, scored: Any, staff: Any) -> None:
    # given
    client.force_login(staff)

    # when
    response = client.get(reverse("duty:ranking-xlsx") + f"?year={YEAR}&committee={scored['committee'].pk}")

    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["全区排名", "姓名", "委员层级"]
    assert [(r[0], r[1], r[4], r[6], r[7], r[8], r[9]) for r in rows[1:]] == [
        (1, "邵响亮", 1, 1, 8, 8, "不合格"),
        (2, "梁国栋", None, 2, 3, 0, "不合格"),
    ]


def test_member_record_docx_and_print_carry_the_entries(client: Any, scored: Any, staff: Any) -> None:
    # given
    client.force_login(staff)
    member = scored["a"].member

    # when
    docx = client.get(reverse("duty:member-record-docx", args=[member.pk]) + f"?year={YEAR}")
    printable = client.get(reverse("duty:member-record-print", args=[member.pk]) + f"?year={YEAR}")

    # then
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(docx.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "邵响亮" in text
    assert "议医保、解民忧" in text
    assert "口头发言" in text
    assert printable.status_code == 200
    assert "政协委员履职档案（2025年度）" in printable.content.decode()


def test_a_chair_sees_only_their_committee_members_record(client: Any, scored: Any, district: Any) -> None:
    # given
    other = member_user("黄玉春", district.district)
    chair = UserFactory(role=Role.CHAIR, organisation=scored["committee"], username="chair")
    client.force_login(chair)

    # when / then
    assert client.get(reverse("duty:member-record", args=[scored["a"].member.pk])).status_code == 200
    assert client.get(reverse("duty:member-record", args=[other.member.pk])).status_code == 404


def test_my_duty_shows_entries_total_and_rank(client: Any, scored: Any) -> None:
    # given
    client.force_login(scored["a"])

    # when
    page = client.get(reverse("duty:mine") + f"?year={YEAR}").content.decode()

    # then
    assert '<dd data-testid="duty-total"><strong>8</strong> 分</dd>' in page
    assert "第 1 名" in page
    assert "议医保、解民忧" in page


def test_a_bad_self_report_keeps_what_was_typed_and_says_why(client: Any, scored: Any) -> None:
    # given
    client.force_login(scored["a"])
    rule = DutyRule.objects.get(code="research")

    # when
    response = client.post(
        reverse("duty:report-submit"),
        {"rule": rule.pk, "occurred_on": "2999-01-01", "title": "专题调研", "client_token": "t1"},
    )

    # then
    assert response.status_code == 400
    page = response.content.decode()
    assert "活动日期不能晚于今天。" in page
    assert 'value="专题调研"' in page
    assert SelfReport.objects.count() == 0


def test_double_submit_of_a_self_report_files_one(client: Any, scored: Any) -> None:
    # given
    client.force_login(scored["a"])
    rule = DutyRule.objects.get(code="research")
    data = {"rule": rule.pk, "occurred_on": f"{YEAR}-05-01", "title": "专题调研", "client_token": "same"}

    # when
    client.post(reverse("duty:report-submit"), data)
    client.post(reverse("duty:report-submit"), data)

    # then
    assert SelfReport.objects.count() == 1


def test_a_member_cannot_verify_their_own_report(client: Any, scored: Any) -> None:
    # given
    client.force_login(scored["a"])
    rule = DutyRule.objects.get(code="research")
    client.post(
        reverse("duty:report-submit"), {"rule": rule.pk, "occurred_on": f"{YEAR}-05-01", "title": "调研"}
    )
    report = SelfReport.objects.get()

    # when
    client.post(reverse("duty:report-verify", args=[report.pk]))

    # then
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING


def test_staff_home_lists_training_figures_and_pending_reports(client: Any, scored: Any, staff: Any) -> None:
    # given
    SelfReport.objects.create(
        member=scored["a"].member,
        rule=DutyRule.objects.get(code="research"),
        occurred_on=dt.date(YEAR, 5, 1),
        title="调研",
    )
    client.force_login(staff)

    # when
    page = client.get("/staff/").content.decode()

    # then
    assert "待核实的履职自报" in page
    assert "年履职培训：0 期，0 人次" in page
