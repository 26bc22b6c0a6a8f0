"""Training, committees' plans, activity-group visits and members' writing: services and pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from shangliang.accounts.tests.factories import UserFactory
from shangliang.concerns.models import Concern, ConcernSource
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.duty import selectors, services
from shangliang.duty.models import DutyEntry, TrainingKind, TrainingStatus, WritingStatus
from shangliang.duty.tests.factories import at, group_of, held_meeting, member_user
from shangliang.meetings.models import Meeting, MeetingStatus
from shangliang.places.models import OrganisationKind
from shangliang.places.tests import factories as pf
from shangliang.topics.models import TopicStatus
from shangliang.topics.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db
YEAR = 2025


def travel(day: dt.date) -> Any:
    return time_machine.travel(at(day, 10), tick=False)


def entries(member: Any) -> list[tuple[str, int]]:
    return list(
        DutyEntry.objects.filter(member=member)
        .order_by("occurred_on", "rule__code")
        .values_list("rule__code", "counted")
    )


# --- Training -------------------------------------------------------------------------------------


def test_training_figures_count_held_sessions_and_checked_in_members(district: Any, staff: Any) -> None:
    # given: a held session with 2 check-ins, a 以会代训 at a held meeting with 3 members present,
    # a cancelled session, a planned one, and a 以会代训 at a meeting later cancelled
    members = [member_user(f"委员{n}", district.district).member for n in range(3)]
    room = pf.RoomFactory(region=district.community_a)
    meeting = held_meeting(
        room=room, host=staff, recorder=staff, form="thematic", day=dt.date(YEAR, 4, 1), present=members
    )
    with travel(dt.date(YEAR, 5, 1)):

        def new(kind: str, day: dt.date | None, meeting_id: int | None = None) -> Any:
            return services.training_create(
                data=services.TrainingInput(
                    kind=kind,
                    subject="履职能力培训",
                    held_on=day,
                    place="区政协",
                    organiser="区政协办公室",
                    meeting_id=meeting_id,
                ),
                scope=scope_of(staff),
                actor=staff,
            )

        held = new(TrainingKind.OUTBOUND, dt.date(YEAR, 4, 20))
        for m in members[:2]:
            services.training_check_in(session_id=held.pk, member_id=m.pk, scope=scope_of(staff), actor=staff)
        services.training_mark_held(session_id=held.pk, scope=scope_of(staff), actor=staff)
        by_meeting = new(TrainingKind.MEETING, None, meeting.pk)
        services.training_mark_held(session_id=by_meeting.pk, scope=scope_of(staff), actor=staff)
        cancelled = new(TrainingKind.INVITED, dt.date(YEAR, 4, 25))
        services.training_cancel(
            session_id=cancelled.pk, reason="专家行程变动", scope=scope_of(staff), actor=staff
        )
        new(TrainingKind.INVITED, dt.date(YEAR, 6, 1))

    # when
    figures = selectors.training_figures(scope_of(staff), year=YEAR)

    # then
    assert (figures.sessions, figures.person_times) == (2, 5)
    assert figures.by_kind == {"outbound": (1, 2), "meeting": (1, 3)}
    assert "以会代训按所附会议签到出席的委员计" in figures.rule
    assert by_meeting.held_on == dt.date(YEAR, 4, 1)
    assert [c for c, _ in entries(members[0])] == ["attend_key", "training", "training"]


def test_check_in_before_the_day_and_sign_up_after_it_are_refused(district: Any, staff: Any) -> None:
    # given
    user = member_user("邵响亮", district.district)
    with travel(dt.date(YEAR, 5, 1)):
        session = services.training_create(
            data=services.TrainingInput(
                kind=TrainingKind.INVITED,
                subject="培训",
                held_on=dt.date(YEAR, 5, 10),
                place="区政协",
                organiser="办公室",
            ),
            scope=scope_of(staff),
            actor=staff,
        )
        services.training_sign_up(session_id=session.pk, scope=scope_of(user), actor=user)
        services.training_sign_up(
            session_id=session.pk, scope=scope_of(user), actor=user
        )  # twice: one attendee

        # when / then
        with pytest.raises(ApplicationError, match="培训尚未开始"):
            services.training_check_in(
                session_id=session.pk, member_id=user.member_id, scope=scope_of(staff), actor=staff
            )
    with travel(dt.date(YEAR, 5, 11)), pytest.raises(ApplicationError, match="已不能报名"):
        services.training_sign_up(session_id=session.pk, scope=scope_of(user), actor=user)
    assert session.attendees.count() == 1
    with pytest.raises(PermissionDenied):
        services.training_mark_held(session_id=session.pk, scope=scope_of(user), actor=user)
    session.refresh_from_db()
    assert session.status == TrainingStatus.PLANNED


# --- Plans ----------------------------------------------------------------------------------------


def test_plans_report_committees_behind_and_without_consultation(district: Any, staff: Any) -> None:
    # given: two committees with plans (March and June); one held a meeting on its topic in March
    social = pf.OrganisationFactory(name="社会和法制委员会", kind=OrganisationKind.SPECIAL_COMMITTEE)
    economy = pf.OrganisationFactory(name="经济委员会", kind=OrganisationKind.SPECIAL_COMMITTEE)
    for committee in (social, economy):
        services.plan_save(
            committee_id=committee.pk,
            year=YEAR,
            items=[
                services.PlannedItem("老旧小区改造", "thematic", 3),
                services.PlannedItem("医保参保", "counterpart", 6),
            ],
            note="",
            scope=scope_of(staff),
            actor=staff,
        )
    room = pf.RoomFactory(region=district.community_a)
    meeting = held_meeting(room=room, host=staff, recorder=staff, form="thematic", day=dt.date(YEAR, 3, 20))
    meeting.topics.add(
        TopicFactory(community=district.community_a, committee=social, status=TopicStatus.CONSULTED)
    )

    # when
    rows = {r.committee.name: r for r in selectors.plan_rows(scope_of(staff), YEAR, dt.date(YEAR, 7, 5))}

    # then
    assert (rows["社会和法制委员会"].progress.due, rows["社会和法制委员会"].progress.held) == (2, 1)
    assert rows["社会和法制委员会"].progress.behind is True
    assert rows["经济委员会"].progress.none_held is True
    assert [m.pk for m in rows["社会和法制委员会"].held] == [meeting.pk]


def test_a_chair_edits_only_their_committee_plan(district: Any) -> None:
    # given
    social = pf.OrganisationFactory(name="社会和法制委员会", kind=OrganisationKind.SPECIAL_COMMITTEE)
    economy = pf.OrganisationFactory(name="经济委员会", kind=OrganisationKind.SPECIAL_COMMITTEE)
    chair = UserFactory(role=Role.CHAIR, organisation=social, username="chair")
    items = [services.PlannedItem("老旧小区改造", "thematic", 3)]

    # when
    services.plan_save(
        committee_id=social.pk, year=YEAR, items=items, note="", scope=scope_of(chair), actor=chair
    )

    # then
    with pytest.raises(PermissionDenied):
        services.plan_save(
            committee_id=economy.pk, year=YEAR, items=items, note="", scope=scope_of(chair), actor=chair
        )
    with pytest.raises(ApplicationError, match="至少填写一项"):
        services.plan_save(
            committee_id=social.pk, year=YEAR, items=[], note="", scope=scope_of(chair), actor=chair
        )
    assert [r.committee.name for r in selectors.plan_rows(scope_of(chair), YEAR, dt.date(YEAR, 1, 1))] == [
        "社会和法制委员会"
    ]


# --- Visits ---------------------------------------------------------------------------------------


def test_a_visit_feeds_the_ledger_links_its_concerns_and_a_withdrawal_takes_it_back(
    district: Any, staff: Any
) -> None:
    # given
    a = member_user("邵响亮", district.district)
    b = member_user("梁国栋", district.district)
    outsider = member_user("黄玉春", district.district)
    group = group_of(district.community_a, [a.member, b.member])
    with travel(dt.date(YEAR, 5, 6)):
        # when a group member records the visit with a concern heard
        visit = services.visit_record(
            data=services.VisitInput(
                group_id=group.pk,
                visited_on=dt.date(YEAR, 5, 6),
                member_ids=[a.member_id, b.member_id, outsider.member_id],
                heard="居民反映小区树木遮挡采光",
                concern_texts=["铜鼓里小区树枝拍打窗户，台风天有隐患"],
            ),
            scope=scope_of(a),
            actor=a,
        )
        # then an outsider cannot record for the group
        with pytest.raises(PermissionDenied):
            services.visit_record(
                data=services.VisitInput(
                    group_id=group.pk,
                    visited_on=dt.date(YEAR, 5, 6),
                    member_ids=[outsider.member_id],
                    heard="走访",
                ),
                scope=scope_of(outsider),
                actor=outsider,
            )
    assert sorted(visit.members.values_list("name", flat=True)) == ["梁国栋", "邵响亮"]
    concern = Concern.objects.get()
    assert (concern.source, list(visit.concerns.all())) == (ConcernSource.MEMBER, [concern])
    assert entries(a.member) == [("visit", 2)]
    assert [
        r.quarters for r in selectors.coverage(scope_of(staff), YEAR) if r.community == district.community_a
    ] == [[0, 1, 0, 0]]

    # when withdrawn
    services.visit_withdraw(visit_id=visit.pk, reason="日期登记错误", scope=scope_of(staff), actor=staff)

    # then
    assert entries(a.member) == []
    assert AuditEvent.objects.filter(event_type="duty.visit_withdrawn").count() == 1


# --- Writings -------------------------------------------------------------------------------------


def test_a_proposal_adopted_at_city_level_scores_and_waits_for_its_reply(district: Any, staff: Any) -> None:
    # given
    a = member_user("邵响亮", district.district)
    with travel(dt.date(YEAR, 11, 30)):
        w = services.writing_save(
            kind="proposal",
            title="关于完善老旧小区基础设施的提案",
            body="案由、建议。",
            scope=scope_of(a),
            actor=a,
        )
        services.writing_submit(writing_id=w.pk, scope=scope_of(a), actor=a)
        # when returned, the submission no longer counts; submitted again, it does
        services.writing_return(writing_id=w.pk, note="请补充调研数据", scope=scope_of(staff), actor=staff)
        assert entries(a.member) == []
        services.writing_save(
            kind="proposal",
            title=w.title,
            body="案由、调研数据、建议。",
            writing_id=w.pk,
            scope=scope_of(a),
            actor=a,
        )
        services.writing_submit(writing_id=w.pk, scope=scope_of(a), actor=a)
        services.writing_decide(
            writing_id=w.pk, adopted=True, level="city", note="立案", scope=scope_of(staff), actor=staff
        )

    # then
    w.refresh_from_db()
    assert (w.status, w.level) == (WritingStatus.ADOPTED, "city")
    assert entries(a.member) == [("proposal_adopted_city", 8), ("proposal_submitted", 3)]
    assert selectors.reply_due(w) == dt.date(YEAR + 1, 2, 28)
    with pytest.raises(ApplicationError, match="答复日期不能早于立案日期"):
        services.writing_reply(
            writing_id=w.pk,
            text="已办理",
            replied_on=dt.date(YEAR, 11, 1),
            scope=scope_of(staff),
            actor=staff,
        )


def test_only_the_author_edits_a_draft_and_only_the_office_adopts(district: Any, staff: Any) -> None:
    # given
    a = member_user("邵响亮", district.district)
    b = member_user("梁国栋", district.district)
    w = services.writing_save(
        kind="social_opinion", title="关于下水道疏通的建议", body="情况。", scope=scope_of(a), actor=a
    )

    # when / then
    with pytest.raises(PermissionDenied):
        services.writing_save(
            kind="social_opinion", title="改", body="改", writing_id=w.pk, scope=scope_of(b), actor=b
        )
    services.writing_submit(writing_id=w.pk, scope=scope_of(a), actor=a)
    with pytest.raises(PermissionDenied):
        services.writing_decide(
            writing_id=w.pk, adopted=True, level="district", note="", scope=scope_of(a), actor=a
        )
    with pytest.raises(ApplicationError, match="不能超过 1500 字"):
        services.writing_save(kind="social_opinion", title="长", body="字" * 1501, scope=scope_of(a), actor=a)
    w.refresh_from_db()
    assert (w.title, w.status) == ("关于下水道疏通的建议", WritingStatus.SUBMITTED)


# --- Pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "duty:training-list",
        "duty:training-create",
        "duty:plan-list",
        "duty:coverage",
        "duty:visit-list",
        "duty:writing-list",
        "duty:report-queue",
        "duty:appeal-list",
        "duty:ranking",
    ],
)
def test_staff_pages_open(client: Any, district: Any, staff: Any, name: str) -> None:
    # given
    pf.OrganisationFactory(name="经济委员会", kind=OrganisationKind.SPECIAL_COMMITTEE)
    client.force_login(staff)

    # when
    response = client.get(reverse(name))

    # then
    assert response.status_code == 200


def test_member_pages_open(client: Any, district: Any) -> None:
    # given
    a = member_user("邵响亮", district.district)
    group = group_of(district.community_a, [a.member])
    client.force_login(a)

    # when
    pages = [
        client.get(reverse(n, args=args))
        for n, args in (
            ("duty:mine", ()),
            ("duty:writing-list", ()),
            ("duty:writing-create", ()),
            ("duty:visit-list", ()),
            ("duty:visit-create", (group.pk,)),
        )
    ]

    # then
    assert [p.status_code for p in pages] == [200, 200, 200, 200, 200]
    assert client.get(reverse("duty:training-create")).status_code == 403


def test_a_cancelled_meeting_cannot_take_a_training(district: Any, staff: Any) -> None:
    room = pf.RoomFactory(region=district.community_a)
    meeting = Meeting.objects.create(
        title="取消的会",
        region=district.community_a,
        region_path=district.community_a.path,
        room=room,
        starts_at=at(dt.date(YEAR, 3, 1)),
        ends_at=at(dt.date(YEAR, 3, 1), 17),
        host=staff,
        recorder=staff,
        status=MeetingStatus.CANCELLED,
        cancel_reason="天气",
    )
    with pytest.raises(ApplicationError, match="请选择未取消的协商议事会"):
        services.training_create(
            data=services.TrainingInput(
                kind=TrainingKind.MEETING,
                subject="以会代训",
                held_on=None,
                place="议事室",
                organiser="办公室",
                meeting_id=meeting.pk,
            ),
            scope=scope_of(staff),
            actor=staff,
        )


def test_staff_home_flags_a_proposal_without_reply_after_three_months(
    client: Any, district: Any, staff: Any
) -> None:
    # given a proposal adopted on 1 March, unanswered on 2 June
    a = member_user("邵响亮", district.district)
    with travel(dt.date(YEAR, 2, 20)):
        w = services.writing_save(
            kind="proposal", title="关于农村医疗救助的提案", body="案由、建议。", scope=scope_of(a), actor=a
        )
        services.writing_submit(writing_id=w.pk, scope=scope_of(a), actor=a)
    with travel(dt.date(YEAR, 3, 1)):
        services.writing_decide(
            writing_id=w.pk, adopted=True, level="district", note="立案", scope=scope_of(staff), actor=staff
        )
    client.force_login(staff)

    # when
    with travel(dt.date(YEAR, 6, 1)):
        before = client.get("/staff/").content.decode()
    with travel(dt.date(YEAR, 6, 2)):
        after = client.get("/staff/").content.decode()

    # then
    assert "超过 3 个月未答复的委员提案" not in before
    assert "超过 3 个月未答复的委员提案" in after
