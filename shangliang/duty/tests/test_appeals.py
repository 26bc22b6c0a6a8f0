"""Appeals against a published assessment: an upheld (or partly upheld) appeal adjusts the year's
points through its own ledger entry, so total, grade and ranks follow; a dismissed one changes
nothing and the member reads why. Figures from the scripted year (``test_scripted_year``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shangliang.core.errors import ApplicationError
from shangliang.core.models import AuditEvent
from shangliang.core.scope import scope_of
from shangliang.duty import ledger, selectors, services
from shangliang.duty.models import Appeal, AppealStatus, DutyEntry
from shangliang.duty.tests.test_scripted_year import YEAR, build_year
from shangliang.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def standings(*members: Any) -> list[tuple[int, str, int]]:
    table = {r.member.pk: r for r in selectors.assessment_table(YEAR)}
    return [(table[m.pk].total, table[m.pk].grade, table[m.pk].rank) for m in members]


@pytest.fixture
def published(district: Any, staff: Any) -> dict[str, Any]:
    """The scripted year published: A 72 合格 2nd, B 93 优秀 1st, C −5 不合格 3rd (August's
    以会代训 still counting for A and B)."""
    people = build_year(district, staff)
    services.assessment_publish(year=YEAR, scope=scope_of(staff), actor=staff)
    from shangliang.accounts.models import User

    people["users"] = {k: User.objects.get(member=people[k]) for k in ("a", "b", "c")}
    return people


def file_appeal(user: Any, reason: str) -> Appeal:
    return services.appeal_file(year=YEAR, reason=reason, scope=scope_of(user), actor=user)


def test_a_partly_upheld_appeal_adds_its_adjustment_and_the_grade_and_ranks_follow(
    published: dict[str, Any], staff: Any
) -> None:
    # given
    a, b, c = published["a"], published["b"], published["c"]
    assert standings(a, b, c) == [(72, "合格", 2), (93, "优秀", 1), (-5, "不合格", 3)]
    appeal = file_appeal(published["users"]["a"], "本人参加的农村人居环境专题调研和两次界别视察未计入。")

    # when the office upholds it in part: +25 for the research, the visits not proven
    services.appeal_decide(
        appeal_id=appeal.pk,
        outcome=AppealStatus.PARTLY_UPHELD,
        adjustment=25,
        decision="专题调研属实，补计 25 分；界别视察无佐证，不予补计。",
        scope=scope_of(staff),
        actor=staff,
    )

    # then A: 72 + 25 = 97 → 优秀 and first, ahead of B's 93
    assert standings(a, b, c) == [(97, "优秀", 1), (93, "优秀", 2), (-5, "不合格", 3)]
    entry = DutyEntry.objects.get(source_model="duty.appeal")
    assert (
        entry.member_id,
        entry.source_id,
        entry.rule.code,
        entry.occurred_on,
        entry.points,
        entry.counted,
    ) == (
        a.pk,
        appeal.pk,
        "appeal_adjustment",
        dt.date(YEAR, 12, 31),
        25,
        25,
    )
    assert entry.label == "申诉部分采纳：专题调研属实，补计 25 分；界别视察无佐证，不予补计。"
    adjusted = AuditEvent.objects.get(event_type="duty.appeal_adjusted")
    assert (adjusted.actor_id, adjusted.new_value, adjusted.object_id) == (
        staff.pk,
        {"year": YEAR, "adjustment": 25},
        str(appeal.pk),
    )
    assert OutboxMessage.objects.filter(
        body=f"您对{YEAR}年度履职考核的申诉已处理（部分采纳，{YEAR}年度记分+25分）："
        "专题调研属实，补计 25 分；界别视察无佐证，不予补计。"
    ).exists()

    # and recomputing (the hourly job, the office's button) keeps one entry for the appeal
    ledger.recompute(YEAR)
    services.ledger_recompute(year=YEAR, scope=scope_of(staff), actor=staff)
    assert DutyEntry.objects.filter(source_model="duty.appeal").count() == 1
    assert standings(a, b) == [(97, "优秀", 1), (93, "优秀", 2)]


def test_an_upheld_appeal_can_take_points_away_and_outranks_by_exact_figures(
    published: dict[str, Any], staff: Any
) -> None:
    # given A reports a training counted in error (August's 以会代训, a meeting A had left) and C
    # an absence they had excused
    a, b, c = published["a"], published["b"], published["c"]
    appeal_a = file_appeal(published["users"]["a"], "八月以会代训本人实际未参加，请更正。")
    appeal_c = file_appeal(published["users"]["c"], "五月缺席已口头请假。")

    # when
    services.appeal_decide(
        appeal_id=appeal_a.pk,
        outcome=AppealStatus.UPHELD,
        adjustment=-2,
        decision="属实，扣回八月以会代训 2 分。",
        scope=scope_of(staff),
        actor=staff,
    )
    services.appeal_decide(
        appeal_id=appeal_c.pk,
        outcome=AppealStatus.UPHELD,
        adjustment=5,
        decision="经核实已向召集人请假，撤销缺席扣分。",
        scope=scope_of(staff),
        actor=staff,
    )

    # then A 72 − 2 = 70 合格; C −5 + 5 = 0 不合格; ranks unchanged
    assert standings(a, b, c) == [(70, "合格", 2), (93, "优秀", 1), (0, "不合格", 3)]
    assert sorted(
        DutyEntry.objects.filter(source_model="duty.appeal").values_list("source_id", "counted")
    ) == [
        (appeal_a.pk, -2),
        (appeal_c.pk, 5),
    ]


def test_a_dismissed_appeal_changes_nothing_and_the_member_reads_why(
    published: dict[str, Any], staff: Any, client: Any
) -> None:
    # given
    a, b, c = published["a"], published["b"], published["c"]
    user = published["users"]["c"]
    appeal = file_appeal(user, "五月缺席是因为临时出差。")
    before = list(DutyEntry.objects.order_by("pk").values_list("pk", "member_id", "counted"))

    # when a dismissal with an adjustment is refused, then the dismissal is given
    with pytest.raises(ApplicationError) as refused:
        services.appeal_decide(
            appeal_id=appeal.pk,
            outcome=AppealStatus.DISMISSED,
            adjustment=5,
            decision="维持",
            scope=scope_of(staff),
            actor=staff,
        )
    services.appeal_decide(
        appeal_id=appeal.pk,
        outcome=AppealStatus.DISMISSED,
        decision="出差未按规定事先请假，维持原评定。",
        scope=scope_of(staff),
        actor=staff,
    )

    # then
    assert refused.value.message == "维持原评定时不能调整分值。"
    assert list(DutyEntry.objects.order_by("pk").values_list("pk", "member_id", "counted")) == before
    assert standings(a, b, c) == [(72, "合格", 2), (93, "优秀", 1), (-5, "不合格", 3)]
    assert not AuditEvent.objects.filter(event_type="duty.appeal_adjusted").exists()
    client.force_login(user)
    page = client.get(f"/duty/mine/?year={YEAR}").content.decode()
    assert "维持原评定</strong>：出差未按规定事先请假，维持原评定。" in page


def test_the_decision_form_keeps_what_was_typed_when_the_adjustment_is_out_of_range(
    published: dict[str, Any], staff: Any, client: Any
) -> None:
    # given
    appeal = file_appeal(published["users"]["a"], "调研未计入。")
    client.force_login(staff)
    prefix = f"appeal-{appeal.pk}"

    # when
    response = client.post(
        f"/duty/appeals/{appeal.pk}/decide/",
        {f"{prefix}-outcome": "upheld", f"{prefix}-adjustment": "45", f"{prefix}-decision": "补计调研"},
    )

    # then
    body = response.content.decode()
    assert response.status_code == 400
    assert "调整分值不能大于 30。" in body
    assert "补计调研</textarea>" in body
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.PENDING
    assert not DutyEntry.objects.filter(source_model="duty.appeal").exists()

    # and a valid decision with the page's version lands once
    response = client.post(
        f"/duty/appeals/{appeal.pk}/decide/",
        {
            f"{prefix}-outcome": "upheld",
            f"{prefix}-adjustment": "3",
            f"{prefix}-decision": "补计调研",
            "version": str(appeal.version),
        },
    )
    again = client.post(
        f"/duty/appeals/{appeal.pk}/decide/",
        {
            f"{prefix}-outcome": "upheld",
            f"{prefix}-adjustment": "3",
            f"{prefix}-decision": "补计调研",
            "version": str(appeal.version),
        },
    )
    assert (response.status_code, again.status_code) == (302, 400)
    assert list(DutyEntry.objects.filter(source_model="duty.appeal").values_list("counted", flat=True)) == [3]
