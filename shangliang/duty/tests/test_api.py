"""The duty API: signed-in back-office users only, scoped like the pages, in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shangliang.accounts.tests.factories import UserFactory
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.duty import ledger, services
from shangliang.duty.tests.factories import held_meeting, member_user
from shangliang.places.models import OrganisationKind
from shangliang.places.tests import factories as pf

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def world(district: Any, staff: Any) -> Any:
    committee = pf.OrganisationFactory(name="社会和法制委员会", kind=OrganisationKind.SPECIAL_COMMITTEE)
    a = member_user("邵响亮", district.district, committee=committee)
    b = member_user("梁国栋", district.district)
    room = pf.RoomFactory(region=district.community_a)
    held_meeting(
        room=room,
        host=staff,
        recorder=staff,
        form="thematic",
        day=dt.date(YEAR, 3, 1),
        present=[a.member, b.member],
        oral=[a.member],
        title="议医保、解民忧",
    )
    services.plan_save(
        committee_id=committee.pk,
        year=YEAR,
        items=[services.PlannedItem("医保参保", "thematic", 6)],
        note="",
        scope=scope_of(staff),
        actor=staff,
    )
    ledger.recompute(YEAR)
    return {"a": a, "b": b, "committee": committee}


def test_without_signing_in_every_duty_endpoint_answers_401(client: Any, world: Any) -> None:
    # when
    codes = [
        client.get(url).status_code
        for url in (
            "/api/v1/duty/rules",
            f"/api/v1/duty/members/{world['a'].member_id}?year={YEAR}",
            f"/api/v1/duty/ranking?year={YEAR}",
            f"/api/v1/trainings?year={YEAR}",
            f"/api/v1/committees/plans?year={YEAR}",
        )
    ]

    # then
    assert codes == [401, 401, 401, 401, 401]


def test_member_ledger_and_totals(client: Any, world: Any, staff: Any) -> None:
    # given
    client.force_login(staff)

    # when
    body = client.get(f"/api/v1/duty/members/{world['a'].member_id}?year={YEAR}").json()

    # then
    assert body["totals"] == {
        "total": 8,
        "key_total": 8,
        "grade": "不合格",
        "rank": 1,
        "sector_rank": 0,
        "committee_rank": 1,
    }
    assert [(e["rule"], e["points"], e["counted"], e["label"]) for e in body["entries"]] == [
        ("attend_key", 5, 5, "议医保、解民忧"),
        ("speech_oral_key", 3, 3, "议医保、解民忧"),
    ]


def test_scope_a_member_sees_own_record_only_and_no_ranking(client: Any, world: Any) -> None:
    # given
    client.force_login(world["b"])

    # when / then
    assert client.get(f"/api/v1/duty/members/{world['b'].member_id}?year={YEAR}").status_code == 200
    assert client.get(f"/api/v1/duty/members/{world['a'].member_id}?year={YEAR}").status_code == 404
    assert client.get(f"/api/v1/duty/ranking?year={YEAR}").status_code == 403
    assert client.get(f"/api/v1/trainings?year={YEAR}").status_code == 403


def test_a_chairs_ranking_and_plans_are_their_committees(client: Any, world: Any) -> None:
    # given
    client.force_login(UserFactory(role=Role.CHAIR, organisation=world["committee"], username="chair"))

    # when
    ranking = client.get(f"/api/v1/duty/ranking?year={YEAR}").json()
    plans = client.get(f"/api/v1/committees/plans?year={YEAR}").json()

    # then
    assert [(r["name"], r["total"], r["rank"]) for r in ranking["rows"]] == [("邵响亮", 8, 1)]
    assert [(c["committee"], c["planned"], c["none_held"]) for c in plans["committees"]] == [
        ("社会和法制委员会", [{"subject": "医保参保", "form": "thematic", "month": 6}], True)
    ]


def test_rules_list_the_default_table(client: Any, world: Any, staff: Any) -> None:
    # given
    client.force_login(staff)

    # when
    rules = {r["code"]: r for r in client.get("/api/v1/duty/rules").json()}

    # then
    assert (
        rules["attend_key"]["points"],
        rules["attend_key"]["annual_cap"],
        rules["attend_key"]["key_item"],
    ) == (5, 30, True)
    assert (rules["absence"]["points"], rules["absence"]["annual_cap"]) == (-5, None)
    # an upheld appeal's adjustment has its own rule; its points are each decision's
    assert (rules["appeal_adjustment"]["points"], rules["appeal_adjustment"]["annual_cap"]) == (0, None)
    assert len(rules) == 21


def test_the_endpoints_are_in_the_schema_with_session_auth(client: Any) -> None:
    # when
    schema = client.get("/api/v1/openapi.json").json()

    # then
    for path in (
        "/api/v1/duty/rules",
        "/api/v1/duty/members/{member_id}",
        "/api/v1/duty/ranking",
        "/api/v1/trainings",
        "/api/v1/committees/plans",
    ):
        assert schema["paths"][path]["get"]["security"] == [{"SessionAuth": []}]
