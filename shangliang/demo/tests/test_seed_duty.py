"""The demo's members' work in the article's year, read through the API as a dashboard would."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from shangliang.accounts.models import User
from shangliang.core.scope import scope_of
from shangliang.demo.builders.duty import DEMO_YEAR
from shangliang.duty import selectors

pytestmark = pytest.mark.django_db


def test_the_demo_year_has_ten_trainings_500_person_times_plans_visits_and_every_grade_once(
    client: Any,
) -> None:
    # given
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    staff = User.objects.get(username="demo_staff")
    client.force_login(staff)

    # when
    trainings = client.get(f"/api/v1/trainings?year={DEMO_YEAR}").json()
    ranking = client.get(f"/api/v1/duty/ranking?year={DEMO_YEAR}").json()
    plans = client.get(f"/api/v1/committees/plans?year={DEMO_YEAR}").json()

    # then
    assert (trainings["sessions"], trainings["person_times"]) == (10, 500)
    assert {i["kind"] for i in trainings["items"]} == {"outbound", "invited", "meeting"}
    assert set(Counter(r["grade"] for r in ranking["rows"])) == {"优秀", "合格", "不合格"}
    assert ranking["published"] is True
    assert all(c["has_plan"] for c in plans["committees"])
    assert [c["committee"] for c in plans["committees"] if c["behind"]] == ["农业和农村委员会"]
    coverage = selectors.coverage(scope_of(staff), DEMO_YEAR)
    assert sum(1 for row in coverage if row.visited) > len(coverage) * 3 // 4
    assert selectors.reports_pending_for(scope_of(staff)).count() == 6

    # and seeding again builds no second year
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    figures = selectors.training_figures(scope_of(staff), year=DEMO_YEAR)
    assert (figures.sessions, figures.person_times) == (10, 500)
