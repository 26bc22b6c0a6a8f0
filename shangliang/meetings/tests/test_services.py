"""Meeting services: plan → notify → check in → record → minutes → consensus to work, and every
refusal of bad input leaving nothing half-saved."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from shangliang.actions.models import ActionItem, SourceType
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.models import AuditEvent
from shangliang.core.scope import scope_of
from shangliang.meetings import record, reminders, selectors, services
from shangliang.meetings.models import (
    Attendance,
    DutyFactKind,
    Meeting,
    MeetingStatus,
    MemberDutyFact,
    Participant,
    ParticipantRole,
    Registration,
    RegistrationStatus,
    Rsvp,
)
from shangliang.meetings.services import Invitee, MeetingDraft
from shangliang.meetings.tests.factories import invite, meeting_in, soon
from shangliang.notifications.models import Channel, OutboxMessage
from shangliang.places.tests import factories as pf
from shangliang.topics.models import Topic, TopicStatus

pytestmark = pytest.mark.django_db


def draft(w, host, recorder, **kwargs) -> MeetingDraft:
    values = {
        "title": "“珠事好商量”——整治老旧小区飞线问题",
        "starts_at": soon(5),
        "ends_at": soon(5) + dt.timedelta(hours=2),
        "host_id": host.pk,
        "recorder_id": recorder.pk,
        "topic_ids": [w.topic.pk],
        "room_id": w.room.pk,
    }
    values.update(kwargs)
    return MeetingDraft(**values)


def planned(w, staff, member, *, invitees=(), **kwargs) -> Meeting:
    meeting = services.meeting_create(
        draft=draft(w, member, staff, **kwargs),
        actor=staff,
        invitees=[Invitee(role=ParticipantRole.MEMBER, member_id=member.member.pk), *invitees],
    )
    return services.meeting_plan(meeting_id=meeting.pk, actor=staff, confirm_warnings=True)


def held(w, staff, member, **kwargs) -> Meeting:
    meeting = planned(w, staff, member, **kwargs)
    services.meeting_notify(meeting_id=meeting.pk, actor=staff)
    return meeting


def test_planning_a_meeting_schedules_its_topic(w, staff, member):
    # when staff create a meeting for an approved topic and plan it
    meeting = planned(w, staff, member)
    # then the meeting is planned and the topic scheduled, each with an audit event
    meeting.refresh_from_db()
    w.topic.refresh_from_db()
    assert (meeting.status, w.topic.status) == (MeetingStatus.PLANNED, TopicStatus.SCHEDULED)
    assert meeting.region == w.room.region
    assert list(
        AuditEvent.objects.filter(object_id=str(meeting.pk), event_type__startswith="meeting.")
        .values_list("event_type", flat=True)
        .order_by("id")
    ) == [
        "meeting.created",
        "meeting.planned",
    ]


def test_a_short_notice_is_a_warning_the_planner_must_confirm(w, staff, member):
    # given a 微协商 two days ahead (3 days' notice by default)
    meeting = services.meeting_create(
        draft=draft(w, member, staff, starts_at=soon(2), ends_at=soon(2) + dt.timedelta(hours=1)), actor=staff
    )
    # when planned without confirming, it is refused with the rule, and nothing changes
    with pytest.raises(ApplicationError, match="应至少提前 3 天通知") as error:
        services.meeting_plan(meeting_id=meeting.pk, actor=staff)
    assert error.value.field == "confirm_warnings"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT
    # and with the confirmation it is planned, the warning kept as the reason
    services.meeting_plan(meeting_id=meeting.pk, actor=staff, confirm_warnings=True)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.short_notice_confirmed) == (MeetingStatus.PLANNED, True)
    assert "应至少提前 3 天" in AuditEvent.objects.get(event_type="meeting.planned").reason


def test_a_thematic_meeting_needs_fifteen_working_days_and_materials(w, staff, member):
    meeting = services.meeting_create(draft=draft(w, member, staff, form="thematic"), actor=staff)
    check = services.plan_check(meeting)
    assert any("15 个工作日" in text for text in check.warnings)
    assert any("材料应提前 10 个工作日" in text for text in check.warnings)


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"ends_at": soon(5) - dt.timedelta(hours=1)}, "结束时间须晚于开始时间", "ends_at"),
        (
            {"starts_at": soon(-1), "ends_at": soon(-1) + dt.timedelta(hours=1)},
            "不能把会议安排在过去",
            "starts_at",
        ),
        ({"room_id": None}, "请选择议事室", "room"),
        ({"site_kind": "estate", "room_id": None, "address": ""}, "请填写现场地址", "address"),
        ({"title": "会"}, "请填写会议名称", "title"),
    ],
)
def test_bad_plans_are_refused_and_nothing_is_saved(w, staff, member, changes, message, field):
    with pytest.raises(ApplicationError, match=message) as error:
        services.meeting_create(draft=draft(w, member, staff, **changes), actor=staff)
    assert error.value.field == field
    assert Meeting.objects.count() == Participant.objects.count() == 0


def test_host_and_recorder_must_be_two_people(w, staff, member):
    with pytest.raises(ApplicationError, match="两人分别担任"):
        services.meeting_create(draft=draft(w, staff, staff), actor=staff)


def test_an_on_site_meeting_needs_only_an_address(w, staff, member):
    meeting = services.meeting_create(
        draft=draft(w, member, staff, site_kind="estate", room_id=None, address="动植物药厂宿舍小区"),
        actor=staff,
    )
    assert meeting.place == "小区现场：动植物药厂宿舍小区"
    assert meeting.region == w.topic.community


def test_the_same_room_twice_is_refused(w, staff, member, secretary):
    # given a planned meeting in the room
    planned(w, staff, member)
    # when another overlaps it in the same room with other people
    with pytest.raises(ApplicationError, match=r"议事室“政法路社区协商议事室”在.*已安排") as error:
        services.meeting_create(
            draft=draft(w, secretary, pf_user(staff), starts_at=soon(5) + dt.timedelta(hours=1)), actor=staff
        )
    assert error.value.field == "room"
    assert Meeting.objects.count() == 1


def pf_user(staff):
    from shangliang.accounts.tests.factories import UserFactory

    return UserFactory(role="staff", region=staff.region)


def test_the_same_host_twice_is_refused_and_a_busy_member_is_a_warning(w, staff, member, district):
    # given a planned meeting hosted by the member, with the member invited
    planned(w, staff, member)
    other_room = pf.RoomFactory(region=district.community_a2)
    # when the same host is booked elsewhere at the same time
    with pytest.raises(ApplicationError, match=r"已担任.*主持人或记录人"):
        services.meeting_create(draft=draft(w, member, pf_user(staff), room_id=other_room.pk), actor=staff)
    # and an invited member elsewhere is a warning to confirm
    second = services.meeting_create(
        draft=draft(w, pf_user(staff), pf_user(staff), room_id=other_room.pk, topic_ids=[]),
        actor=staff,
        invitees=[Invitee(role=ParticipantRole.MEMBER, member_id=member.member.pk)],
    )
    check = services.plan_check(second)
    assert [(c.kind, c.blocking) for c in check.conflicts] == [("member", False)]
    assert check.to_confirm[-1].startswith("委员邵响亮在")


def test_conflicts_ignore_cancelled_and_other_times(w, staff, member):
    first = planned(w, staff, member)
    services.meeting_cancel(meeting_id=first.pk, reason="台风", actor=staff)
    # the room is free again and the topic back to approved
    w.topic.refresh_from_db()
    assert w.topic.status == TopicStatus.APPROVED
    assert (
        services.find_conflicts(
            starts_at=first.starts_at,
            ends_at=first.ends_at,
            room_id=w.room.pk,
            people_ids=[member.pk],
            member_ids=[],
        )
        == []
    )


def test_suggestions_follow_the_group_committee_and_categories(w, district, member):
    from shangliang.places.models import ActivityGroup

    group = ActivityGroup.objects.create(community=district.community_a, name="政法路社区委员活动小组")
    sector = pf.OrganisationFactory(name="农工党界", kind="sector")
    member.member.sector = sector
    member.member.save()
    group.members.add(member.member)
    city_member = pf.MemberFactory(name="城市委员", level="city", sector=sector)
    w.topic.title = "整治老旧小区飞线充电"
    suggestions = selectors.participant_suggestions([w.topic], district.community_a.pk)
    assert suggestions.group_members == [member.member]
    assert suggestions.body_members == [city_member]
    assert [d.name for d in suggestions.departments] == ["区消防救援大队"]


def test_notify_sends_personal_links_and_tells_residents(w, staff, member):
    # given a member with a phone and a resident representative
    member.member.phone = "13900001111"
    member.member.save()
    meeting = planned(
        w,
        staff,
        member,
        invitees=[Invitee(role=ParticipantRole.RESIDENT, name="黄阿姨", phone="13977905678")],
    )
    # when the notice goes out
    services.meeting_notify(meeting_id=meeting.pk, actor=staff)
    # then each invitee gets an SMS with their own link, the member an inbox notice too
    tokens = dict(Participant.objects.values_list("name", "token"))
    sms = OutboxMessage.objects.filter(
        channel=Channel.SMS, about_type__model="meeting", about_id=str(meeting.pk)
    )
    assert sorted(m.phone_masked for m in sms) == ["139****1111", "139****5678"]
    assert all(
        f"{settings.SHANGLIANG_SITE_URL}/meetings/i/{tokens[n]}/" in "".join(m.body for m in sms)
        for n in tokens
    )
    assert OutboxMessage.objects.filter(channel=Channel.INBOX, recipient_user=member).count() == 1
    # and the resident behind the topic is told when and where
    resident_sms = OutboxMessage.objects.get(
        channel=Channel.SMS, phone_masked="138****1234", body__contains="召开"
    )
    assert "协商议事会" in resident_sms.body
    assert "政法路社区协商议事室" in resident_sms.body


def test_notify_needs_invitees(w, staff, member):
    meeting = services.meeting_create(draft=draft(w, member, staff), actor=staff)
    services.meeting_plan(meeting_id=meeting.pk, actor=staff, confirm_warnings=True)
    with pytest.raises(ApplicationError, match="请先添加参会人员"):
        services.meeting_notify(meeting_id=meeting.pk, actor=staff)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_invitees_accept_or_decline_with_a_reason(w, staff, member):
    meeting = held(w, staff, member)
    participant = meeting.participants.get()
    with pytest.raises(ApplicationError, match="请假须填写事由"):
        services.invitation_respond(token=participant.token, accept=False)
    participant.refresh_from_db()
    assert participant.rsvp == Rsvp.PENDING
    services.invitation_respond(token=participant.token, accept=False, reason="外出开会")
    participant.refresh_from_db()
    assert (participant.rsvp, participant.rsvp_reason) == (Rsvp.DECLINED, "外出开会")
    services.invitation_respond(token=participant.token, accept=True)
    participant.refresh_from_db()
    assert (participant.rsvp, participant.rsvp_reason) == (Rsvp.ACCEPTED, "")


def test_public_sign_up_over_capacity_goes_to_the_waiting_list(w, staff, member):
    meeting = held(w, staff, member, is_public=True, signup_capacity=2)
    first = services.registration_create(meeting_id=meeting.pk, name="陈先生", phone="13800000001")
    services.registration_create(meeting_id=meeting.pk, name="李女士", phone="13800000002")
    third = services.registration_create(meeting_id=meeting.pk, name="王大爷", phone="13800000003")
    assert third.status == RegistrationStatus.WAITLISTED
    assert "候补名单" in OutboxMessage.objects.get(phone_masked="138****0003").body
    # the same phone twice is refused
    with pytest.raises(ApplicationError, match="已报名"):
        services.registration_create(meeting_id=meeting.pk, name="陈先生", phone="138 0000 0001")
    # a cancellation moves the first waiting up, and tells them
    services.registration_cancel(token=first.token)
    third.refresh_from_db()
    assert third.status == RegistrationStatus.CONFIRMED
    assert (
        OutboxMessage.objects.filter(phone_masked="138****0003", body__contains="由候补转为正式").count() == 1
    )
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 2


def test_sign_up_is_refused_for_a_closed_meeting(w, staff, member):
    meeting = held(w, staff, member)
    with pytest.raises(ApplicationError, match="不接受报名"):
        services.registration_create(meeting_id=meeting.pk, name="陈先生", phone="13800000001")
    assert Registration.objects.count() == 0


def test_reminders_the_day_before_are_sent_once(w, staff, member):
    member.member.phone = "13900001111"
    member.member.save()
    meeting = held(w, staff, member)
    day_before = meeting.starts_at.date() - dt.timedelta(days=1)
    assert reminders.send_due(today=day_before) == 1
    assert reminders.send_due(today=day_before) == 1  # a rerun: same keys, no second message
    assert OutboxMessage.objects.filter(channel=Channel.SMS, body__startswith="提醒").count() == 1
    assert reminders.send_due(today=day_before - dt.timedelta(days=1)) == 0


def test_check_in_once_and_refusals(w, staff, member, secretary):
    meeting = held(w, staff, member)
    with pytest.raises(ApplicationError, match="签到时间为会议开始前 2 小时"):
        services.check_in_self(checkin_token=meeting.checkin_token, actor=member)
    with time_machine.travel(meeting.starts_at - dt.timedelta(minutes=30)):
        participant, created = services.check_in_self(checkin_token=meeting.checkin_token, actor=member)
        again, created_again = services.check_in_self(checkin_token=meeting.checkin_token, actor=member)
        # a second check-in of the same person: one record
        assert (created, created_again, again.pk) == (True, False, participant.pk)
        assert Participant.objects.filter(meeting=meeting).count() == 1
        # a non-invitee at a closed meeting is refused and not added
        with pytest.raises(PermissionDenied, match="不在本次会议的邀请名单"):
            services.check_in_self(checkin_token=meeting.checkin_token, actor=secretary)
        assert Participant.objects.filter(meeting=meeting).count() == 1
        # a walk-in is added by staff only
        with pytest.raises(PermissionDenied, match="只有工作人员"):
            services.walk_in_add(
                meeting_id=meeting.pk, invitee=Invitee(role="resident", name="路过居民"), actor=secretary
            )
        walk_in = services.walk_in_add(
            meeting_id=meeting.pk, invitee=Invitee(role="resident", name="路过居民"), actor=staff
        )
        assert (walk_in.walk_in, walk_in.checked_in_by) == (True, staff)


def test_a_member_at_a_public_meeting_checks_in_as_a_walk_in(w, staff, member, district):
    from shangliang.accounts.tests.factories import UserFactory

    other = UserFactory(
        role="member", region=district.district, member=pf.MemberFactory(name="林委员"), username="m2"
    )
    meeting = held(w, staff, member, is_public=True)
    with time_machine.travel(meeting.starts_at):
        participant, created = services.check_in_self(checkin_token=meeting.checkin_token, actor=other)
    assert (participant.walk_in, participant.member.name, created) == (True, "林委员", True)


def run_meeting(w, staff, member, *, consensus=2):
    """A notified meeting, held: the member checks in, two speeches, a vote, consensus items."""
    meeting = held(w, staff, member)
    with time_machine.travel(meeting.starts_at):
        services.meeting_open(meeting_id=meeting.pk, actor=staff)
        participant, _ = services.check_in_self(checkin_token=meeting.checkin_token, actor=member)
        resident = services.walk_in_add(
            meeting_id=meeting.pk, invitee=Invitee(role="resident", name="黄阿姨"), actor=staff
        )
        record.agenda_add(meeting_id=meeting.pk, title="居民代表介绍情况", duration_minutes=15, actor=staff)
        record.speaker_add(meeting_id=meeting.pk, participant_id=resident.pk, actor=staff)
        record.speech_add(
            meeting_id=meeting.pk, participant_id=resident.pk, summary="晚上楼道充电很危险", actor=staff
        )
        record.speech_add(
            meeting_id=meeting.pk,
            participant_id=participant.pk,
            summary="建议错峰充电",
            kind="written",
            actor=member,
        )
        record.vote_add(
            meeting_id=meeting.pk,
            question="是否实行错峰充电",
            votes_for=2,
            votes_against=0,
            votes_abstain=0,
            actor=staff,
        )
        texts = ["错峰充电、电满让位", "增设集中充电桩"][:consensus]
        for text, department in zip(texts, [w.fire, w.housing], strict=False):
            record.consensus_add(
                meeting_id=meeting.pk, text=text, department_id=department.pk, actor=staff, dissent=""
            )
    with time_machine.travel(meeting.ends_at):
        services.meeting_close(meeting_id=meeting.pk, actor=staff)
    meeting.refresh_from_db()
    return meeting


def test_closing_fills_attendance_for_every_invitee(w, staff, member):
    meeting = held(
        w,
        staff,
        member,
        invitees=[Invitee(role="resident", name="请假居民"), Invitee(role="expert", name="没来专家")],
    )
    services.invitation_respond(
        token=meeting.participants.get(name="请假居民").token, accept=False, reason="生病"
    )
    with time_machine.travel(meeting.starts_at):
        services.meeting_open(meeting_id=meeting.pk, actor=staff)
        services.check_in_self(checkin_token=meeting.checkin_token, actor=member)
        services.meeting_close(meeting_id=meeting.pk, actor=staff)
    rows = dict(Participant.objects.values_list("name", "attendance"))
    assert rows == {"邵响亮": Attendance.PRESENT, "请假居民": Attendance.LEAVE, "没来专家": Attendance.ABSENT}
    assert Participant.objects.get(name="请假居民").leave_reason == "生病"
    # staff correct an absence into a leave, with a reason required
    absent = Participant.objects.get(name="没来专家")
    with pytest.raises(ApplicationError, match="请假须填写事由"):
        services.attendance_set(participant_id=absent.pk, attendance=Attendance.LEAVE, actor=staff)
    services.attendance_set(participant_id=absent.pk, attendance=Attendance.LEAVE, reason="出差", actor=staff)
    absent.refresh_from_db()
    assert (absent.attendance, absent.leave_reason) == (Attendance.LEAVE, "出差")


def test_votes_take_a_simple_majority(w, staff, member):
    meeting = held(w, staff, member)
    with time_machine.travel(meeting.starts_at):
        services.meeting_open(meeting_id=meeting.pk, actor=staff)
        passed = record.vote_add(
            meeting_id=meeting.pk, question="甲", votes_for=3, votes_against=1, votes_abstain=1, actor=staff
        )
        tied = record.vote_add(
            meeting_id=meeting.pk, question="乙", votes_for=2, votes_against=1, votes_abstain=1, actor=staff
        )
        with pytest.raises(ApplicationError, match="请填写表决票数"):
            record.vote_add(
                meeting_id=meeting.pk,
                question="丙",
                votes_for=0,
                votes_against=0,
                votes_abstain=0,
                actor=staff,
            )
    assert (passed.passed, tied.passed) == (True, False)


def test_confirming_minutes_needs_consensus_or_an_unresolved_item(w, staff, member):
    meeting = run_meeting(w, staff, member, consensus=0)
    with pytest.raises(ApplicationError, match="至少应有一项共识或一项未决事项"):
        record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    meeting.refresh_from_db()
    assert meeting.host_confirmed_at is None
    record.unresolved_add(meeting_id=meeting.pk, text="充电桩选址", next_step="下次再议", actor=staff)
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=staff)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_CONFIRMED


def test_minutes_need_both_host_and_recorder_and_an_edit_withdraws_a_signature(w, staff, member, admin_user):
    meeting = run_meeting(w, staff, member)
    with pytest.raises(PermissionDenied, match="主持人和记录人本人"):
        record.minutes_confirm(meeting_id=meeting.pk, actor=admin_user)
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.host_confirmed_at is not None) == (MeetingStatus.MINUTES_DRAFT, True)
    # an edit after the host signed: the signature no longer holds
    record.minutes_update(meeting_id=meeting.pk, summary="会议气氛热烈", actor=staff)
    meeting.refresh_from_db()
    assert meeting.host_confirmed_at is None
    record.minutes_confirm(meeting_id=meeting.pk, actor=staff)
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_CONFIRMED
    # and the record is closed for writing
    with pytest.raises(ApplicationError, match="纪要已确认"):
        record.consensus_add(meeting_id=meeting.pk, text="再加一条", actor=staff)


def test_duty_facts_are_recorded_once_on_confirmation(w, staff, member):
    meeting = run_meeting(w, staff, member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=staff)
    facts = sorted(selectors.duty_facts(member=member.member).values_list("kind", flat=True))
    assert facts == sorted([DutyFactKind.ATTENDANCE, DutyFactKind.SPEECH_WRITTEN, DutyFactKind.CONVENING])
    assert record.record_duty_facts(meeting) == 0  # no double counting
    assert selectors.duty_summary(member.member)["attendance"] == 1
    assert MemberDutyFact.objects.get(kind=DutyFactKind.CONVENING).meeting_form == "micro"


def test_consensus_becomes_action_items_in_one_step(w, staff, member):
    # given confirmed minutes with two consensus items
    meeting = run_meeting(w, staff, member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=staff)
    items = list(meeting.consensus_items.order_by("pk"))
    deadline = record.default_deadline()
    # when staff assign them
    created = record.consensus_assign(
        meeting_id=meeting.pk,
        assignments=[
            record.Assignment(items[0].pk, w.fire.pk, deadline, "邵响亮"),
            record.Assignment(items[1].pk, w.housing.pk, deadline, ""),
        ],
        actor=staff,
    )
    # then two action items exist for the departments, linked back to the consensus
    assert [(a.department.name, a.source_type, a.source_model) for a in created] == [
        ("区消防救援大队", SourceType.CONSENSUS, "meetings.consensusitem"),
        ("区住建局", SourceType.CONSENSUS, "meetings.consensusitem"),
    ]
    assert [a.source_id for a in created] == [i.pk for i in items]
    assert "责任人：邵响亮" in created[0].description
    # the topic is implementing
    w.topic.refresh_from_db()
    assert w.topic.status == TopicStatus.IMPLEMENTING
    # the resident sees the consensus on the tracking page and by SMS
    public = AuditEvent.objects.get(event_type="concern.meeting_consensus", object_id=str(w.concern.pk))
    assert public.public
    assert "错峰充电、电满让位" in public.public_text
    assert (
        OutboxMessage.objects.filter(phone_masked="138****1234", body__contains="错峰充电、电满让位").count()
        == 1
    )
    # a second run assigns nothing more
    assert (
        record.consensus_assign(
            meeting_id=meeting.pk,
            assignments=[record.Assignment(items[0].pk, w.fire.pk, deadline)],
            actor=staff,
        )
        == []
    )
    assert ActionItem.objects.count() == 2


def test_consensus_cannot_be_assigned_before_confirmation(w, staff, member):
    meeting = run_meeting(w, staff, member)
    item = meeting.consensus_items.first()
    with pytest.raises(ApplicationError, match="确认后才能交办"):
        record.consensus_assign(
            meeting_id=meeting.pk,
            assignments=[record.Assignment(item.pk, w.fire.pk, record.default_deadline())],
            actor=staff,
        )
    assert ActionItem.objects.count() == 0


def test_a_bad_assignment_saves_none(w, staff, member):
    meeting = run_meeting(w, staff, member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=staff)
    items = list(meeting.consensus_items.order_by("pk"))
    with pytest.raises(ApplicationError, match="第 2 项：请选择承办单位"):
        record.consensus_assign(
            meeting_id=meeting.pk,
            assignments=[
                record.Assignment(items[0].pk, w.fire.pk, record.default_deadline()),
                record.Assignment(items[1].pk, None, record.default_deadline()),
            ],
            actor=staff,
        )
    assert ActionItem.objects.count() == 0
    assert Topic.objects.get(pk=w.topic.pk).status == TopicStatus.SCHEDULED


def test_publishing_marks_topics_consulted_and_counts_as_held(w, staff, member):
    meeting = run_meeting(w, staff, member)
    assert selectors.meetings_held_count() == 1
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=staff)
    record.minutes_publish(meeting_id=meeting.pk, actor=staff)
    w.topic.refresh_from_db()
    assert w.topic.status == TopicStatus.CONSULTED
    assert selectors.meetings_held_count() == 1


def test_postpone_and_replan(w, staff, member):
    meeting = held(w, staff, member)
    services.meeting_postpone(meeting_id=meeting.pk, reason="台风预警", actor=staff)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.POSTPONED
    # the member (no phone on record) is told in the inbox
    told = OutboxMessage.objects.get(body__contains="延期举行（台风预警）")
    assert (told.channel, told.recipient_user) == (Channel.INBOX, member)
    later = draft(w, member, staff, starts_at=soon(9), ends_at=soon(9) + dt.timedelta(hours=2))
    services.meeting_update(meeting_id=meeting.pk, draft=later, actor=staff)
    services.meeting_plan(meeting_id=meeting.pk, actor=staff)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.starts_at) == (MeetingStatus.PLANNED, soon(9))


def test_materials_are_checked(w, staff, member):
    meeting = services.meeting_create(draft=draft(w, member, staff), actor=staff)
    bad = SimpleUploadedFile("a.exe", b"MZ....", content_type="application/octet-stream")
    with pytest.raises(ApplicationError, match="未能上传"):
        services.meeting_add_materials(meeting_id=meeting.pk, files=[bad], actor=staff)
    pdf = SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n%...\n", content_type="application/pdf")
    services.meeting_add_materials(meeting_id=meeting.pk, files=[pdf], actor=staff)
    assert list(meeting.materials.values_list("name", flat=True)) == ["方案.pdf"]


def test_upcoming_public_meetings_and_room_calendar(w, staff, member):
    public = held(w, staff, member, is_public=True)
    meeting_in(MeetingStatus.DRAFT, room=w.room, host=member, recorder=staff, is_public=True)
    assert selectors.upcoming_public_meetings(5) == [public]
    first, last = selectors.week_bounds(public.starts_at.date())
    days = selectors.room_calendar(w.room, first, last)
    assert [m.pk for d in days for m in d.meetings] == [public.pk]


def test_my_invitations_and_todo(w, staff, member):
    from shangliang.meetings import navigation

    meeting = held(w, staff, member)
    assert [p.meeting for p in selectors.my_invitations(scope_of(member))] == [meeting]
    titles = [item.title for item in navigation.todo(scope_of(member))]
    assert "待回复的会议邀请" in titles
    with time_machine.travel(meeting.starts_at - dt.timedelta(days=1)):
        assert "会议明天召开" in [item.title for item in navigation.todo(scope_of(staff))]


def test_a_participant_is_invited_once(w, staff, member):
    meeting = services.meeting_create(draft=draft(w, member, staff), actor=staff)
    services.participant_add(
        meeting_id=meeting.pk, invitee=Invitee(role="member", member_id=member.member.pk), actor=staff
    )
    with pytest.raises(ApplicationError, match="已在参会名单中"):
        services.participant_add(
            meeting_id=meeting.pk, invitee=Invitee(role="member", member_id=member.member.pk), actor=staff
        )
    with pytest.raises(ApplicationError, match="手机号"):
        services.participant_add(
            meeting_id=meeting.pk, invitee=Invitee(role="resident", name="某某", phone="123"), actor=staff
        )
    assert meeting.participants.count() == 1
    invite(meeting, name="外部专家", role="expert")
    assert meeting.participants.count() == 2


def test_reminders_run_daily_as_a_periodic_task(w, staff, member):
    from shangliang.meetings import tasks
    from shangliang.ops import periodic

    job = next(j for j in periodic.registered_jobs() if j.name == "meetings.send_reminders")
    assert (job.task, job.daily_at) == (tasks.send_reminders, dt.time(9, 0))
    meeting = held(w, staff, member)
    with time_machine.travel(meeting.starts_at - dt.timedelta(days=1)):
        result = tasks.send_reminders.enqueue()
    assert result.return_value == {"reminded": 1}
