"""Generated sentences carry one mark at each seam, with empty values and with values that bring
their own punctuation ("0 天。；", "照明灯。，" never again)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings

from shangliang.core.sentences import clause, join_clauses, sentence, sentences, short_title

DOUBLED = re.compile(r"[。；，、！？：]{2}|[。；，、：]）|（）|[。；，](?=[”])")
# Values a person might type: nothing, a bare phrase, a phrase with its own end mark.
VALUES = ["", "码头加装照明灯", "码头加装照明灯。", "已由物业解决；", "  错峰充电，电满让位。 "]


def test_helpers_leave_one_mark_at_each_seam():
    assert clause("码头加装照明灯。") == "码头加装照明灯"
    assert sentence("") == ""
    assert sentence("已解决；") == "已解决。"
    assert join_clauses(["距会议只有 0 天。", "", "请补充材料。"]) == "距会议只有 0 天；请补充材料"
    assert sentences(["不属于协商范围。", "已向反映人解释说明"]) == "不属于协商范围。已向反映人解释说明。"
    assert short_title("码头加装照明灯：码头增设6盏路灯。") == "码头加装照明灯"
    assert (
        short_title("错峰充电、电满让位：小区充电设施按时段错峰使用，充满电即挪车让位")
        == "错峰充电、电满让位"
    )
    assert len(short_title("很" * 80)) == 30


@pytest.mark.parametrize("reason", VALUES)
@pytest.mark.parametrize(
    "old_new",
    [
        ("proposed", "approved"),
        ("approved", "scheduled"),
        ("scheduled", "consulted"),
        ("consulted", "implementing"),
        ("implementing", "evaluating"),
        ("evaluating", "closed"),
        ("evaluating", "reopened"),
        ("approved", "cancelled"),
        ("scheduled", "approved"),
    ],
)
@pytest.mark.parametrize("title", ["海景花园停车难", "码头照明。"])
def test_topic_messages_to_residents(old_new, reason, title):
    from shangliang.topics.services import public_text

    old, new = old_new
    text = public_text(old=old, new=new, title=title.rstrip("。"), reason=reason)
    assert DOUBLED.search(text) is None, text


@pytest.mark.parametrize("days", [0, 1, 5])
@pytest.mark.parametrize("has_materials", [False, True])
@pytest.mark.parametrize("form", ["micro", "thematic"])
def test_meeting_notice_warnings_joined(days, has_materials, form):
    from shangliang.meetings import rules

    today = dt.date(2026, 12, 7)
    warnings = rules.notice_warnings(
        form=form,
        form_label="协商",
        today=today,
        meeting_day=today + dt.timedelta(days=days),
        has_materials=has_materials,
        working_days_between=lambda a, b: (b - a).days,
    )
    text = sentence("请确认以下提醒后再安排：" + join_clauses(warnings))
    assert DOUBLED.search(text) is None, text


@pytest.mark.parametrize("residents", [(0, 0, 0), (1, 0, 9), (9, 1, 0)])
@pytest.mark.parametrize("grades", [(), ("poor",), ("good",)])
def test_evaluation_reasons_joined(residents, grades):
    from shangliang.evaluations import rules

    result = rules.outcome(
        grades=grades,
        democratic=rules.Counts(),
        invited=0,
        residents=rules.Counts(*residents),
        rules=rules.Rules.from_settings(settings.SHANGLIANG["EVALUATION"]),
    )
    text = sentence("三评未通过：" + join_clauses(result.reasons))
    assert DOUBLED.search(text) is None, text
    assert all(DOUBLED.search(note) is None for note in result.notes)


@pytest.mark.parametrize("texts", [["码头加装照明灯。"], ["错峰充电；", "增设充电点。"], ["增设充电点"]])
def test_consensus_told_to_residents(texts):
    from types import SimpleNamespace

    from shangliang.meetings.record import consensus_public_text

    meeting = SimpleNamespace(title="整治老旧小区飞线问题")
    text = consensus_public_text(meeting, [SimpleNamespace(text=t) for t in texts])  # type: ignore[arg-type]
    assert DOUBLED.search(text) is None, text


def test_rules_decimal_formatting_keeps_one_mark():
    from shangliang.evaluations import rules

    assert DOUBLED.search(f"综合得分 {rules.fmt(Decimal('0'))} 分。") is None
