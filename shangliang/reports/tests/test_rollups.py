import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from shangliang.concerns.models import Concern
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.scope import EVERYTHING
from shangliang.evaluations.selectors import problems_solved_count
from shangliang.meetings.models import HELD_STATUSES, Meeting
from shangliang.meetings.selectors import meetings_held_count
from shangliang.outputs.selectors import recommendations_sent_count
from shangliang.reports import rollups, selectors
from shangliang.reports.figures import BREAKDOWNS, REGISTRY
from shangliang.reports.models import Grain, Rollup, RollupState
from shangliang.reports.tests.data import generate

pytestmark = pytest.mark.django_db


def _all(path: str, period: selectors.Period, breakdown: str = "") -> dict[str, Any]:
    stats = selectors.statistics(scope=EVERYTHING, path_prefix=path, period=period, breakdown=breakdown)
    return {f.name: (f.value, f.parts, f.groups, f.months) for f in stats.figures}


def _periods(today: dt.date) -> list[selectors.Period]:
    return [
        selectors.preset_period("year", today),
        selectors.preset_period("since2021", today),
        selectors.Period(today - dt.timedelta(days=200), today - dt.timedelta(days=17)),
        selectors.Period(today, today),
    ]


def test_rollup_figures_equal_the_live_count_for_every_figure_period_region_and_breakdown(
    district: Any,
) -> None:
    # given generated records and their live figures (no rollup yet)
    generate(district)
    today = timezone.localdate()
    paths = ["", district.street_a.path]
    cases = [(p, period, b) for p in paths for period in _periods(today) for b in ["", *BREAKDOWNS]]
    live = [_all(*case) for case in cases]
    # when the rollups are refreshed
    rollups.refresh()
    # then every figure reads the same from rollups plus today's live rows
    assert Rollup.objects.filter(grain=Grain.MONTH).exists()
    assert [_all(*case) for case in cases] == live


def test_rollup_figures_equal_a_direct_count(district: Any) -> None:
    # given generated records, rolled up
    generate(district)
    rollups.refresh()
    today = timezone.localdate()
    period = selectors.Period(today - dt.timedelta(days=300), today)
    # when the figures are read
    stats = selectors.statistics(
        scope=EVERYTHING, path_prefix=district.street_a.path, period=period, breakdown="source"
    )
    # then they equal counts made straight on the records
    in_street = Concern.objects.filter(
        region_path__startswith=district.street_a.path,
        created_at__gte=timezone.make_aware(dt.datetime.combine(period.start, dt.time.min)),
    )
    received = stats.figure("concerns_received")
    assert received.value == in_street.count()
    assert {g.key: g.value for g in received.groups} == {
        s: in_street.filter(source=s).count() for s in in_street.values_list("source", flat=True).distinct()
    }
    held = Meeting.objects.filter(
        status__in=HELD_STATUSES,
        region_path__startswith=district.street_a.path,
        starts_at__date__gte=period.start,
    )
    assert stats.figure("meetings_held").value == held.count()


def test_home_figures_agree_with_the_statistics_and_the_counting_rules_of_each_app(district: Any) -> None:
    # given generated records, rolled up, and more records today
    generate(district)
    rollups.refresh()
    for _ in range(5):
        ConcernFactory(community=district.community_b)
    # when the home figures and the all-time statistics are read
    home = {f.name: f.value for f in selectors.home_figures()}
    stats = selectors.statistics(scope=EVERYTHING, path_prefix="", period=selectors.all_time())
    # then they agree with each other and with each app's own count
    assert home == {name: stats.figure(name).value for name in home}
    assert home["concerns_received"] == Concern.objects.count()
    assert home["meetings_held"] == meetings_held_count()
    assert home["problems_solved"] == problems_solved_count()
    assert home["recommendations_sent"] == recommendations_sent_count()


def test_refresh_is_idempotent_and_the_command_records_the_day_covered(district: Any) -> None:
    # given generated records
    generate(district, concerns=30)
    # when the rollups are refreshed twice, the second time by the command
    rollups.refresh()
    first = sorted(Rollup.objects.values_list("figure", "grain", "period_start", "key", "dimension", "value"))
    call_command("refresh_rollups", stdout=None)
    # then the rows are the same and cover up to yesterday
    second = sorted(
        Rollup.objects.values_list("figure", "grain", "period_start", "key", "dimension", "value")
    )
    assert second == first
    assert RollupState.objects.get().refreshed_through == timezone.localdate() - dt.timedelta(days=1)


def test_days_after_the_last_refresh_are_counted_live(district: Any) -> None:
    # given rollups made three days ago
    generate(district, concerns=40)
    three_days_ago = timezone.localdate() - dt.timedelta(days=3)
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(three_days_ago, dt.time(2, 0)))):
        rollups.refresh()
    # when a year's figures are read today
    period = selectors.preset_period("since2021")
    stats = selectors.statistics(scope=EVERYTHING, path_prefix="", period=period)
    # then records of the days since count too
    assert stats.figure("concerns_received").value == Concern.objects.count()


def test_every_figure_has_a_label_and_a_rule() -> None:
    # given / when / then
    assert [f.name for f in REGISTRY.values() if not (f.label and f.rule.endswith(("。", "）")))] == []


def test_trainings_count_sessions_and_person_times_for_the_whole_district_only(district: Any) -> None:
    # given a held session with two members checked in and a cancelled one
    from shangliang.accounts.tests.factories import UserFactory
    from shangliang.duty.models import TrainingAttendee, TrainingKind, TrainingSession, TrainingStatus
    from shangliang.places.tests import factories as pf

    today = timezone.localdate()
    creator = UserFactory(username="trainer")
    held = TrainingSession.objects.create(
        kind=TrainingKind.INVITED,
        subject="协商能力",
        held_on=today,
        place="区政协",
        organiser="区政协",
        status=TrainingStatus.HELD,
        created_by=creator,
    )
    TrainingSession.objects.create(
        kind=TrainingKind.OUTBOUND,
        subject="外出学习",
        held_on=today,
        place="南宁",
        organiser="区政协",
        status=TrainingStatus.CANCELLED,
        cancel_reason="天气",
        created_by=creator,
    )
    for name in ("甲", "乙"):
        TrainingAttendee.objects.create(
            session=held, member=pf.MemberFactory(name=name), checked_in_at=timezone.now()
        )
    period = selectors.preset_period("year")
    # when / then
    trainings = selectors.statistics(scope=EVERYTHING, path_prefix="", period=period).figure("trainings")
    assert (trainings.value, [(p.label, p.value) for p in trainings.parts]) == (1, [("期数", 1), ("人次", 2)])
    in_street = selectors.statistics(
        scope=EVERYTHING, path_prefix=district.street_a.path, period=period
    ).figure("trainings")
    assert in_street.value == 0


def test_a_read_is_reused_within_the_live_window_and_a_refresh_is_read_at_once(
    district: Any, settings: Any
) -> None:
    # given a site that reuses the live count for a minute, and a figure read once
    settings.SHANGLIANG = {**settings.SHANGLIANG, "STATISTICS_LIVE_SECONDS": 60}
    period = selectors.preset_period("year")
    ConcernFactory(community=district.community_a)
    assert (
        selectors.statistics(scope=EVERYTHING, path_prefix="", period=period)
        .figure("concerns_received")
        .value
        == 1
    )
    # when a concern arrives within the minute, then the rollups are refreshed, then a minute passes
    ConcernFactory(community=district.community_a)
    within_the_minute = (
        selectors.statistics(scope=EVERYTHING, path_prefix="", period=period)
        .figure("concerns_received")
        .value
    )
    ConcernFactory(community=district.community_a)
    rollups.refresh()
    after_refresh = (
        selectors.statistics(scope=EVERYTHING, path_prefix="", period=period)
        .figure("concerns_received")
        .value
    )
    ConcernFactory(community=district.community_a)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        a_minute_later = (
            selectors.statistics(scope=EVERYTHING, path_prefix="", period=period)
            .figure("concerns_received")
            .value
        )
    # then
    assert (within_the_minute, after_refresh, a_minute_later) == (1, 3, 4)
