"""A whole year of three members' work, scored, against a hand computation (DOMAIN §4 defaults)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from shangliang.accounts.tests.factories import UserFactory
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.duty import ledger, selectors, services
from shangliang.duty.models import DutyEntry, DutyRule, TrainingKind, Visit
from shangliang.duty.tests.factories import at, group_of, held_meeting, member_user
from shangliang.evaluations.models import Evaluation, EvaluationStatus
from shangliang.meetings import record as meeting_record
from shangliang.meetings import services as meeting_services
from shangliang.meetings.models import Attendance, Meeting, MeetingStatus
from shangliang.meetings.tests.factories import invite, meeting_in
from shangliang.places.tests import factories as pf
from shangliang.topics import services as topic_services
from shangliang.topics.models import TopicSource, TopicStatus
from shangliang.topics.tests.factories import TopicFactory

YEAR = 2025
D = dt.date


def _on(day: dt.date) -> Any:
    return time_machine.travel(at(day, 10), tick=False)


def build_year(district: Any, staff: Any) -> dict[str, Any]:
    a_user = member_user("邵响亮", district.district)
    b_user = member_user("梁国栋", district.district)
    c_user = member_user("黄玉春", district.district)
    a, b, c = a_user.member, b_user.member, c_user.member
    room = pf.RoomFactory(region=district.community_a)
    kw = {"room": room, "recorder": staff}

    # Key meetings (专题协商): five attended by A and B, with speeches.
    m1 = held_meeting(**kw, host=staff, form="thematic", day=D(YEAR, 3, 1), present=[a, b], oral=[a, b])
    held_meeting(**kw, host=staff, form="thematic", day=D(YEAR, 4, 1), present=[a, b], written=[a], oral=[b])
    held_meeting(**kw, host=staff, form="thematic", day=D(YEAR, 5, 1), present=[a, b], oral=[b])
    held_meeting(**kw, host=staff, form="counterpart", day=D(YEAR, 6, 1), present=[a, b])
    held_meeting(**kw, host=staff, form="sector", day=D(YEAR, 7, 1), present=[a, b])
    # Grassroots meetings (微协商): A convenes one; an unexcused absence each for A and C.
    held_meeting(**kw, host=a_user, form="micro", day=D(YEAR, 3, 10), present=[a, b])
    held_meeting(**kw, host=staff, form="micro", day=D(YEAR, 4, 10), present=[a, b])
    held_meeting(**kw, host=staff, form="micro", day=D(YEAR, 5, 10), absent=[a, c])
    august = august_meeting(room, staff, [a_user, b_user])
    # A meeting of the next year does not count in this one.
    held_meeting(**kw, host=staff, form="micro", day=D(YEAR + 1, 1, 10), present=[a])

    # Visits: A on 3, B on 11 (B's cap of 20 is reached at the 10th).
    group = group_of(district.community_a, [a, b])
    for n in range(11):
        with _on(D(YEAR, 1, 5) + dt.timedelta(days=7 * n)):
            services.visit_record(
                data=services.VisitInput(
                    group_id=group.pk,
                    visited_on=D(YEAR, 1, 5) + dt.timedelta(days=7 * n),
                    member_ids=[a.pk, b.pk] if n < 3 else [b.pk],
                    heard="居民反映楼道照明不足",
                ),
                scope=scope_of(staff),
                actor=staff,
            )

    # Training: one session with check-in, one 以会代训 at the first key meeting.
    with _on(D(YEAR, 5, 20)):
        session = services.training_create(
            data=services.TrainingInput(
                kind=TrainingKind.INVITED,
                subject="政协协商与基层协商有效衔接",
                held_on=D(YEAR, 5, 20),
                place="区政协会议室",
                organiser="区政协办公室",
            ),
            scope=scope_of(staff),
            actor=staff,
        )
        for m in (a, b):
            services.training_check_in(
                session_id=session.pk, member_id=m.pk, scope=scope_of(staff), actor=staff
            )
        services.training_mark_held(session_id=session.pk, scope=scope_of(staff), actor=staff)
    with _on(D(YEAR, 3, 2)):
        by_meeting = services.training_create(
            data=services.TrainingInput(
                kind=TrainingKind.MEETING,
                subject="以会代训：专题协商",
                held_on=None,
                place="议事室",
                organiser="区政协办公室",
                meeting_id=m1.pk,
            ),
            scope=scope_of(staff),
            actor=staff,
        )
        services.training_mark_held(session_id=by_meeting.pk, scope=scope_of(staff), actor=staff)

    # 社情民意: A's two adopted at district and city level; B's one national, one not adopted.
    def opinion(user: Any, title: str, day: dt.date, decided: dt.date, level: str | None) -> None:
        with _on(day):
            w = services.writing_save(
                kind="social_opinion",
                title=title,
                body="情况、原因分析、建议。",
                scope=scope_of(user),
                actor=user,
            )
            services.writing_submit(writing_id=w.pk, scope=scope_of(user), actor=user)
        with _on(decided):
            services.writing_decide(
                writing_id=w.pk,
                adopted=level is not None,
                level=level or "",
                note="",
                scope=scope_of(staff),
                actor=staff,
            )

    opinion(a_user, "关于老旧小区飞线充电整治的建议", D(YEAR, 6, 5), D(YEAR, 6, 20), "district")
    opinion(a_user, "关于农村医保参保的建议", D(YEAR, 9, 5), D(YEAR, 10, 8), "city")
    opinion(b_user, "关于三无小区树木修剪的建议", D(YEAR, 4, 5), D(YEAR, 4, 25), "national")
    opinion(b_user, "关于南珠市场下水道疏通的建议", D(YEAR, 11, 5), D(YEAR, 11, 20), None)

    # A recommended topic (委员荐题) resolved in September.
    topic = TopicFactory(
        community=district.community_a,
        source=TopicSource.MEMBER,
        created_by=a_user,
        status=TopicStatus.EVALUATING,
    )
    with _on(D(YEAR, 9, 15)):
        # A topic is closed by its passing 三评 (topics refuse the state without one).
        Evaluation.objects.create(
            topic=topic,
            title=topic.title,
            region=topic.region,
            region_path=topic.region_path,
            status=EvaluationStatus.CLOSED,
            passed=True,
            closed_at=timezone.now(),
        )
        topic_services.topic_transition(topic_id=topic.pk, new=TopicStatus.CLOSED, actor=staff)

    # Self-reports: A's research verified and one rejected; B's six research reports verified (cap 15).
    research = DutyRule.objects.get(code="research")

    def report(user: Any, title: str, day: dt.date, verify: bool) -> None:
        with _on(day):
            r, _ = services.self_report_submit(
                data=services.ReportInput(rule_id=research.pk, occurred_on=day, title=title),
                scope=scope_of(user),
                actor=user,
            )
            if verify:
                services.self_report_verify(report_id=r.pk, scope=scope_of(staff), actor=staff)
            else:
                services.self_report_reject(
                    report_id=r.pk, reason="佐证材料不足", scope=scope_of(staff), actor=staff
                )

    report(a_user, "电动车飞线充电专题调研", D(YEAR, 7, 20), True)
    report(a_user, "参加街道座谈", D(YEAR, 7, 25), False)
    for n in range(6):
        report(b_user, f"视察{n + 1}", D(YEAR, 8, 1 + n), True)

    # August's grassroots meeting is still being recorded: see ``correct_august``.
    return {"a": a, "b": b, "c": c, "august": august}


def august_meeting(room: Any, staff: Any, users: list[Any]) -> Meeting:
    """A grassroots meeting on the 10th of August, run through the meetings services: opened, A and B
    check themselves in with the meeting's code, and a 以会代训 session held at it earns them
    training points while the meeting is on."""
    recorder = UserFactory(role=Role.STAFF, region=staff.region, username="recorder-august")
    meeting = meeting_in(
        MeetingStatus.NOTIFIED,
        room=room,
        host=staff,
        recorder=recorder,
        form="micro",
        title="八月微协商",
        starts_at=at(D(YEAR, 8, 10)),
        ends_at=at(D(YEAR, 8, 10), 17),
    )
    for user in users:
        invite(meeting, member=user.member, user=user)
    with time_machine.travel(at(D(YEAR, 8, 10), 15), tick=False):
        meeting_services.meeting_open(meeting_id=meeting.pk, actor=staff)
        for user in users:
            meeting_services.check_in_self(checkin_token=meeting.checkin_token, actor=user)
        session = services.training_create(
            data=services.TrainingInput(
                kind=TrainingKind.MEETING,
                subject="以会代训：微协商现场",
                held_on=None,
                place="议事室",
                organiser="区政协办公室",
                meeting_id=meeting.pk,
            ),
            scope=scope_of(staff),
            actor=staff,
        )
        services.training_mark_held(session_id=session.pk, scope=scope_of(staff), actor=staff)
    return meeting


def correct_august(meeting: Meeting) -> None:
    """A and B checked in but left at once on other duty: the office closes the meeting, corrects
    their attendance to 请假 while the minutes are drafted, and the host and the recorder confirm
    the minutes (the meetings services; a confirmed meeting cannot be withdrawn afterwards)."""
    host, recorder = meeting.host, meeting.recorder
    with time_machine.travel(at(D(YEAR, 8, 10), 18), tick=False):
        meeting_services.meeting_close(meeting_id=meeting.pk, actor=host)
        for participant in meeting.participants.filter(member__isnull=False):
            meeting_services.attendance_set(
                participant_id=participant.pk,
                attendance=Attendance.LEAVE,
                reason="签到后即因公务离会",
                actor=host,
            )
        meeting_record.unresolved_add(meeting_id=meeting.pk, text="下次议事再议", actor=host)
        meeting_record.minutes_confirm(meeting_id=meeting.pk, actor=host)
        meeting_record.minutes_confirm(meeting_id=meeting.pk, actor=recorder)


def ledger_of(member: Any) -> list[tuple[str, dt.date, int, int]]:
    return [
        (e.rule.code, e.occurred_on, e.points, e.counted)
        for e in DutyEntry.objects.filter(member=member, year=YEAR)
        .select_related("rule")
        .order_by("occurred_on", "rule__code", "source_id")
    ]


@pytest.mark.django_db
def test_scripted_year_gives_the_hand_computed_ledger_totals_grades_and_ranks(
    district: Any, staff: Any
) -> None:
    # given
    people = build_year(district, staff)
    a, b, c = people["a"], people["b"], people["c"]
    ledger.recompute(YEAR)
    august_training = ("training", D(YEAR, 8, 10), 2, 2)
    assert (august_training in ledger_of(a), august_training in ledger_of(b)) == (True, True)

    # when the August attendance is corrected and the office recomputes (重新计算)
    correct_august(people["august"])
    result = services.ledger_recompute(year=YEAR, scope=scope_of(staff), actor=staff)

    # then the August 以会代训 entries of A and B are withdrawn, and nothing else changes
    assert (result.created, result.updated, result.deleted) == (0, 0, 2)
    # A's ledger line by line (points, then what counts under the caps)
    assert ledger_of(a) == [
        ("visit", D(YEAR, 1, 5), 2, 2),
        ("visit", D(YEAR, 1, 12), 2, 2),
        ("visit", D(YEAR, 1, 19), 2, 2),
        ("attend_key", D(YEAR, 3, 1), 5, 5),
        ("speech_oral_key", D(YEAR, 3, 1), 3, 3),
        ("training", D(YEAR, 3, 1), 2, 2),  # 以会代训 at the first key meeting
        ("attend_grassroots", D(YEAR, 3, 10), 3, 3),
        ("convene_grassroots", D(YEAR, 3, 10), 2, 2),
        ("attend_key", D(YEAR, 4, 1), 5, 5),
        ("speech_written_key", D(YEAR, 4, 1), 5, 5),
        ("attend_grassroots", D(YEAR, 4, 10), 3, 3),
        ("attend_key", D(YEAR, 5, 1), 5, 5),
        ("absence", D(YEAR, 5, 10), -5, -5),
        ("training", D(YEAR, 5, 20), 2, 2),
        ("attend_key", D(YEAR, 6, 1), 5, 5),
        ("opinion_submitted", D(YEAR, 6, 5), 3, 3),
        ("opinion_adopted_district", D(YEAR, 6, 20), 5, 5),
        ("attend_key", D(YEAR, 7, 1), 5, 2),  # key item capped at 30
        ("research", D(YEAR, 7, 20), 3, 3),
        ("opinion_submitted", D(YEAR, 9, 5), 3, 3),
        ("topic_resolved", D(YEAR, 9, 15), 5, 5),
        ("opinion_adopted_city", D(YEAR, 10, 8), 8, 8),
    ]
    # Hand computation:
    #   A: key 5+3+5+5+5+5+5 = 33 → cap 30; grassroots 3+2+3 = 8 (August: 请假, nothing);
    #      absence −5; visits 3×2 = 6; training 2+2 = 4 (August's 以会代训 withdrawn); 社情民意 3+5+3+8 = 19; topic 5;
    #      research 3 (the rejected report 0) → 30+8−5+6+4+19+5+3 = 70 → 合格; key subtotal 30.
    #   B: key 5×5 + oral 3×3 = 34 → 30; grassroots 3+3 = 6; visits 11×2 = 22 → 20; training 4;
    #      社情民意 3+10 + 3 (not adopted) = 16; research 6×3 = 18 → 15 → 91 → 优秀; key 30.
    #   C: absence −5 → −5 → 不合格.
    table = {r.member.pk: r for r in selectors.assessment_table(YEAR)}
    assert [
        (table[m.pk].total, table[m.pk].key_total, table[m.pk].grade, table[m.pk].rank) for m in (a, b, c)
    ] == [
        (70, 30, "合格", 2),
        (91, 30, "优秀", 1),
        (-5, 0, "不合格", 3),
    ]
    assert sum(e.counted for e in DutyEntry.objects.filter(member=b, year=YEAR, rule__code="visit")) == 20
    assert sum(e.counted for e in DutyEntry.objects.filter(member=b, year=YEAR, rule__code="research")) == 15


@pytest.mark.django_db
def test_recomputing_twice_changes_nothing(district: Any, staff: Any) -> None:
    # given
    build_year(district, staff)
    ledger.recompute(YEAR)
    before = list(
        DutyEntry.objects.order_by("pk").values_list("pk", "member_id", "rule_id", "source_id", "counted")
    )

    # when
    first = ledger.recompute(YEAR)
    second = ledger.recompute(YEAR)

    # then
    assert (first.changed, second.changed) == (False, False)
    assert (
        list(
            DutyEntry.objects.order_by("pk").values_list("pk", "member_id", "rule_id", "source_id", "counted")
        )
        == before
    )


@pytest.mark.django_db
def test_a_withdrawn_visit_loses_its_entries_and_the_cap_moves_up_the_next(district: Any, staff: Any) -> None:
    # given: B's visits reach the cap of 20 at the 10th; the 11th (16 March) counts 0
    people = build_year(district, staff)
    a, b = people["a"], people["b"]
    ledger.recompute(YEAR)
    assert [r for r in ledger_of(b) if r[0] == "visit"][-1] == ("visit", D(YEAR, 3, 16), 2, 0)
    first = Visit.objects.get(visited_on=D(YEAR, 1, 5))

    # when the first visit (A and B) is withdrawn
    services.visit_withdraw(visit_id=first.pk, reason="日期登记错误", scope=scope_of(staff), actor=staff)

    # then A's and B's entries of that visit go and B's 11th visit now counts in full
    recomputed = AuditEvent.objects.filter(event_type="duty.ledger_recomputed").order_by("-pk")
    assert recomputed.values_list("new_value", flat=True)[0] == {"created": 0, "updated": 1, "deleted": 2}
    assert [r for r in ledger_of(b) if r[0] == "visit"][-1] == ("visit", D(YEAR, 3, 16), 2, 2)
    assert [r for r in ledger_of(a) if r[0] == "visit"] == [
        ("visit", D(YEAR, 1, 12), 2, 2),
        ("visit", D(YEAR, 1, 19), 2, 2),
    ]
    # (August's 以会代训 still counts here: A 72 − 2 = 70, B 93 with visits still at the cap of 20)
    assert (selectors.member_row(YEAR, a).total, selectors.member_row(YEAR, b).total) == (70, 93)
