"""Meeting pages: planning form, meeting page actions, public announcement with sign-up, room
calendars, invitation links, check-in, record, minutes (HTML and .docx), .ics, consensus → actions."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from docx import Document

from shangliang.actions.models import ActionItem
from shangliang.core.testing import count_queries
from shangliang.meetings import record, services
from shangliang.meetings.models import Meeting, MeetingStatus, Participant, RegistrationStatus
from shangliang.meetings.services import Invitee, MeetingDraft
from shangliang.meetings.tests.factories import meeting_in, soon
from shangliang.notifications.models import OutboxMessage
from shangliang.places.tests import factories as pf

pytestmark = pytest.mark.django_db
PASSWORD = "Test-pass-123"


def login(client, user):
    client.force_login(user)
    return client


def make(w, staff, member, *, notify=True, **kwargs) -> Meeting:
    values = {
        "title": "整治老旧小区飞线问题协商议事会",
        "starts_at": soon(5),
        "ends_at": soon(5) + dt.timedelta(hours=2),
        "host_id": member.pk,
        "recorder_id": staff.pk,
        "topic_ids": [w.topic.pk],
        "room_id": w.room.pk,
    }
    values.update(kwargs)
    meeting = services.meeting_create(
        draft=MeetingDraft(**values),
        actor=staff,
        invitees=[Invitee(role="member", member_id=member.member.pk)],
    )
    services.meeting_plan(meeting_id=meeting.pk, actor=staff, confirm_warnings=True)
    if notify:
        services.meeting_notify(meeting_id=meeting.pk, actor=staff)
    meeting.refresh_from_db()
    return meeting


def plan_post(w, member, staff, **changes):
    day = soon(6).date()
    data = {
        "title": "“珠事好商量”——整治老旧小区飞线问题",
        "topics": [w.topic.pk],
        "form": "micro",
        "purpose": "deliberate",
        "site_kind": "room",
        "room": w.room.pk,
        "date": day.isoformat(),
        "start_time": "15:00",
        "end_time": "17:00",
        "host": member.pk,
        "recorder": staff.pk,
        "other_members": [member.member.pk],
        "departments": [w.fire.pk],
        "residents": "黄阿姨 13977905678\n陈先生",
        "experts": "李工 北海电力设计院 13800001111",
    }
    data.update(changes)
    return data


def test_the_planning_form_suggests_and_creates_with_invitees(client, w, staff, member):
    login(client, staff)
    page = client.get(reverse("meetings:staff-create") + f"?topic={w.topic.pk}")
    assert page.status_code == 200
    assert "区消防救援大队" in page.content.decode()
    response = client.post(reverse("meetings:staff-create"), plan_post(w, member, staff))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:staff-detail", kwargs={"pk": meeting.pk})
    assert sorted(meeting.participants.values_list("name", "role")) == sorted(
        [
            ("邵响亮", "member"),
            ("区消防救援大队负责同志", "department"),
            ("黄阿姨", "resident"),
            ("陈先生", "resident"),
            ("李工", "expert"),
        ]
    )
    assert meeting.participants.get(name="李工").unit == "北海电力设计院"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_time": "17:00", "end_time": "15:00"}, "结束时间须晚于开始时间"),
        ({"date": "2020-01-01"}, "不能把会议安排在过去"),
        ({"residents": "黄阿姨 1397790"}, "手机号"),
    ],
)
def test_a_refused_plan_keeps_what_was_typed(client, w, staff, member, changes, message):
    login(client, staff)
    response = client.post(reverse("meetings:staff-create"), plan_post(w, member, staff, **changes))
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert "“珠事好商量”——整治老旧小区飞线问题" in body
    assert Meeting.objects.count() == Participant.objects.count() == 0


def test_the_meeting_page_asks_to_confirm_warnings_before_planning(client, w, staff, member):
    meeting = services.meeting_create(
        draft=MeetingDraft(
            title="短时间通知的微协商",
            starts_at=soon(1),
            ends_at=soon(1) + dt.timedelta(hours=1),
            host_id=member.pk,
            recorder_id=staff.pk,
            room_id=w.room.pk,
        ),
        actor=staff,
    )
    login(client, staff)
    page = client.get(reverse("meetings:staff-detail", kwargs={"pk": meeting.pk})).content.decode()
    assert "应至少提前 3 天通知" in page
    url = reverse("meetings:staff-transition", kwargs={"pk": meeting.pk, "action": "plan"})
    client.post(url, {"version": meeting.version})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT
    client.post(url, {"version": meeting.version, "confirm_warnings": "1"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_a_stale_form_is_refused(client, w, staff, member):
    meeting = make(w, staff, member, notify=False)
    login(client, staff)
    response = client.post(
        reverse("meetings:staff-transition", kwargs={"pk": meeting.pk, "action": "notify"}),
        {"version": meeting.version - 1},
        follow=True,
    )
    assert "已被他人修改" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_people_outside_see_nothing(client, w, staff, member, grid_worker):
    meeting = make(w, staff, member)
    login(client, grid_worker)
    assert client.get(reverse("meetings:staff-detail", kwargs={"pk": meeting.pk})).status_code == 404
    assert client.get(reverse("meetings:staff-create")).status_code == 200  # form, but no topics to choose
    response = client.post(
        reverse("meetings:staff-transition", kwargs={"pk": meeting.pk, "action": "cancel"}), {"reason": "x"}
    )
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NOTIFIED


def test_public_announcement_sign_up_and_waiting_list(client, w, staff, member):
    meeting = make(w, staff, member, is_public=True, signup_capacity=1)
    url = reverse("meetings:public-detail", kwargs={"pk": meeting.pk})
    assert "报名参加" in client.get(url).content.decode()
    first = client.post(url, {"name": "陈先生", "phone": "13800000001"})
    assert first.status_code == 302
    second = client.post(url, {"name": "李女士", "phone": "13800000002"}, follow=True)
    assert "已进入候补名单" in second.content.decode()
    assert list(meeting.registrations.values_list("status", flat=True).order_by("pk")) == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ]
    refused = client.post(url, {"name": "李女士", "phone": "12345"})
    assert refused.status_code == 400
    assert "李女士" in refused.content.decode()


def test_a_private_meeting_has_no_public_page(client, w, staff, member):
    meeting = make(w, staff, member)
    assert client.get(reverse("meetings:public-detail", kwargs={"pk": meeting.pk})).status_code == 404
    assert client.get(reverse("meetings:public-ics", kwargs={"pk": meeting.pk})).status_code == 404


def test_public_list_shows_upcoming_public_meetings(client, w, staff, member):
    make(w, staff, member, is_public=True, title="公开的飞线整治协商会")
    body = client.get(reverse("meetings:public-list")).content.decode()
    assert "公开的飞线整治协商会" in body


def test_room_calendar_month_and_week(client, w, staff, member, django_assert_max_num_queries):
    pf.RoomScheduleFactory(room=w.room)  # 二五议事: Tuesdays and Fridays
    meeting = make(w, staff, member)
    url = reverse("meetings:room-calendar", kwargs={"pk": w.room.pk})
    start = meeting.starts_at.date()
    with django_assert_max_num_queries(8):
        month = client.get(url, {"month": f"{start:%Y-%m}"}).content.decode()
    assert "二五议事" in month
    assert "（内部会议）" in month  # a private meeting shows only as busy
    week = client.get(url, {"view": "week", "date": start.isoformat()}).content.decode()
    assert week.count("开放日</span>") == 3  # the legend and the two open days
    assert "（内部会议）" in week
    assert client.get(url, {"month": "2026-13"}).status_code == 200


def test_ics_files(client, w, staff, member):
    meeting = make(w, staff, member, is_public=True)
    response = client.get(reverse("meetings:public-ics", kwargs={"pk": meeting.pk}))
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:meeting-{meeting.pk}@testserver" in body
    assert f"DTSTART:{meeting.starts_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in body
    assert "STATUS:CONFIRMED" in body
    token = meeting.participants.get().token
    assert client.get(reverse("meetings:invitation-ics", kwargs={"token": token})).status_code == 200


def test_the_invitation_link_accepts_or_declines(client, w, staff, member):
    meeting = make(w, staff, member)
    participant = meeting.participants.get()
    url = reverse("meetings:invitation", kwargs={"token": participant.token})
    refused = client.post(url, {"answer": "decline", "reason": ""})
    assert refused.status_code == 400
    assert "请假须填写事由" in refused.content.decode()
    client.post(url, {"answer": "accept"})
    participant.refresh_from_db()
    assert participant.rsvp == "accepted"
    assert client.get(reverse("meetings:invitation", kwargs={"token": "nope"})).status_code == 404


def test_check_in_by_code_needs_sign_in_and_an_invitation(client, w, staff, member, secretary):
    meeting = make(w, staff, member)
    url = reverse("meetings:checkin", kwargs={"token": meeting.checkin_token})
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    with time_machine.travel(meeting.starts_at):
        login(client, secretary)
        refused = client.post(url)
        assert refused.status_code == 403
        assert "不在本次会议的邀请名单" in refused.content.decode()
        login(client, member)
        assert client.get(url).status_code == 200
        assert meeting.participants.get().checked_in_at is None  # opening the page changes nothing
        assert "签到成功" in client.post(url).content.decode()
        assert "无需重复签到" in client.post(url).content.decode()
    assert Participant.objects.filter(meeting=meeting).count() == 1


def test_staff_check_in_list_search_and_walk_in(client, w, staff, member):
    meeting = make(w, staff, member)
    with time_machine.travel(meeting.starts_at):
        login(client, staff)
        url = reverse("meetings:staff-checkin", kwargs={"pk": meeting.pk})
        assert "邵响亮" in client.get(url, {"q": "邵"}).content.decode()
        assert "没有找到该人员" in client.get(url, {"q": "无此人"}, HTTP_HX_REQUEST="true").content.decode()
        participant = meeting.participants.get()
        client.post(
            reverse("meetings:staff-checkin-one", kwargs={"pk": meeting.pk, "participant_pk": participant.pk})
        )
        again = client.post(
            reverse(
                "meetings:staff-checkin-one", kwargs={"pk": meeting.pk, "participant_pk": participant.pk}
            ),
            follow=True,
        )
        assert "此前已签到，未重复登记" in again.content.decode()
        client.post(
            reverse("meetings:staff-participant-add", kwargs={"pk": meeting.pk}),
            {"walk_in": "1", "role": "resident", "name": "路过居民"},
        )
    assert list(meeting.participants.filter(walk_in=True).values_list("name", flat=True)) == ["路过居民"]
    assert (
        "会议签到二维码"
        in client.get(reverse("meetings:staff-qr", kwargs={"pk": meeting.pk})).content.decode()
    )


def run(client, w, staff, member) -> Meeting:
    meeting = make(w, staff, member)
    with time_machine.travel(meeting.starts_at):
        login(client, staff)
        client.post(
            reverse("meetings:staff-transition", kwargs={"pk": meeting.pk, "action": "open"}),
            {"version": meeting.version},
        )
        participant = meeting.participants.get()
        base = "meetings:staff-record-add"
        client.post(
            reverse(base, kwargs={"pk": meeting.pk, "kind": "agenda"}),
            {"agenda-title": "介绍情况", "agenda-duration_minutes": 15},
        )
        client.post(
            reverse(base, kwargs={"pk": meeting.pk, "kind": "speech"}),
            {"speech-participant": participant.pk, "speech-kind": "oral", "speech-summary": "建议错峰充电"},
        )
        bad = client.post(
            reverse(base, kwargs={"pk": meeting.pk, "kind": "vote"}),
            {
                "vote-question": "是否错峰",
                "vote-votes_for": -1,
                "vote-votes_against": 0,
                "vote-votes_abstain": 0,
            },
        )
        assert bad.status_code == 400
        assert "是否错峰" in bad.content.decode()
        client.post(
            reverse(base, kwargs={"pk": meeting.pk, "kind": "consensus"}),
            {
                "consensus-text": "错峰充电、电满让位",
                "consensus-department": w.fire.pk,
                "consensus-dissent": "个别住户希望夜间也可充电",
            },
        )
        client.post(reverse("meetings:staff-transition", kwargs={"pk": meeting.pk, "action": "close"}), {})
    meeting.refresh_from_db()
    login(client, staff)
    return meeting


def test_record_minutes_docx_and_assign(client, w, staff, member):
    meeting = run(client, w, staff, member)
    assert meeting.status == MeetingStatus.MINUTES_DRAFT
    page = client.get(reverse("meetings:staff-record", kwargs={"pk": meeting.pk})).content.decode()
    assert "建议错峰充电" in page
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    client.post(reverse("meetings:staff-confirm", kwargs={"pk": meeting.pk}))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_CONFIRMED
    # the printable minutes and the .docx in the layout of an official record
    html = client.get(reverse("meetings:staff-minutes", kwargs={"pk": meeting.pk})).content.decode()
    for part in ("协商议事会议纪要", "主持人（签字）", "不同意见：个别住户希望夜间也可充电"):
        assert part in html
    response = client.get(reverse("meetings:staff-minutes-docx", kwargs={"pk": meeting.pk}))
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "错峰充电、电满让位" in text
    assert "四、达成共识" in text
    assert "邵响亮（" in cells  # present
    assert "记录人（签字）" in cells
    # consensus → action items in one step
    assign = reverse("meetings:staff-assign", kwargs={"pk": meeting.pk})
    item = meeting.consensus_items.get()
    form = client.get(assign).content.decode()
    assert "错峰充电、电满让位" in form
    # a date input needs ISO dates: the default deadline must show, not a localised date
    assert f'value="{record.default_deadline().isoformat()}"' in form
    response = client.post(
        assign,
        {
            f"department_{item.pk}": w.fire.pk,
            f"person_{item.pk}": "邵响亮",
            f"deadline_{item.pk}": record.default_deadline().isoformat(),
        },
    )
    assert response.status_code == 302
    assert list(ActionItem.objects.values_list("department__name", flat=True)) == ["区消防救援大队"]
    # publish: the public version names no resident
    client.post(
        reverse("meetings:staff-transition", kwargs={"pk": meeting.pk, "action": "publish"}),
        {"version": Meeting.objects.get(pk=meeting.pk).version},
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED


def test_public_minutes_leave_out_personal_data(client, w, staff, member):
    meeting = make(w, staff, member, is_public=True)
    with time_machine.travel(meeting.starts_at):
        services.meeting_open(meeting_id=meeting.pk, actor=staff)
        resident = services.walk_in_add(
            meeting_id=meeting.pk,
            invitee=Invitee(role="resident", name="黄阿姨", phone="13977905678"),
            actor=staff,
        )
        record.speech_add(
            meeting_id=meeting.pk, participant_id=resident.pk, summary="楼道充电危险", actor=staff
        )
        record.consensus_add(meeting_id=meeting.pk, text="错峰充电、电满让位", actor=staff)
        services.meeting_close(meeting_id=meeting.pk, actor=staff)
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=staff)
    record.minutes_publish(meeting_id=meeting.pk, actor=staff)
    body = client.get(reverse("meetings:public-detail", kwargs={"pk": meeting.pk})).content.decode()
    assert "错峰充电、电满让位" in body
    assert "居民代表（口头发言）：楼道充电危险" in body
    assert "黄阿姨" not in body
    assert "13977905678" not in body


def test_staff_list_queries_do_not_grow(client, w, staff, member, district):
    login(client, staff)
    url = reverse("meetings:staff-list")
    meeting_in(MeetingStatus.DRAFT, room=w.room, host=member, recorder=staff)
    few = count_queries(lambda: client.get(url))
    for i in range(5):
        meeting_in(MeetingStatus.PLANNED, room=w.room, host=member, recorder=staff, starts_at=soon(10 + i))
    assert count_queries(lambda: client.get(url)) == few


def test_member_sees_their_invitations(client, w, staff, member):
    make(w, staff, member)
    login(client, member)
    body = client.get(reverse("meetings:mine")).content.decode()
    assert "整治老旧小区飞线问题协商议事会" in body
    assert "待回复" in body


def test_the_public_room_page_links_its_calendar(client, w):
    body = client.get(reverse("places:room-public", kwargs={"pk": w.room.pk})).content.decode()
    assert reverse("meetings:room-calendar", kwargs={"pk": w.room.pk}) in body


def signup_badges(client, path):
    """The sign-up badges a public list shows: (tone, label) of each."""
    html = client.get(path).content.decode()
    return re.findall(r'<span class="badge (ok|warning)">(可报名|名额已满，可候补)</span>', html)


def test_a_full_meeting_offers_the_waiting_list_never_sign_up(client, w, staff, member):
    # given a public meeting with one place
    meeting = make(w, staff, member, is_public=True, signup_capacity=1, title="公开的飞线整治协商会")
    home, listing = reverse("portal:home"), reverse("meetings:public-list")
    assert signup_badges(client, home) == signup_badges(client, listing) == [("ok", "可报名")]
    # when the place is taken
    services.registration_create(meeting_id=meeting.pk, name="陈先生", phone="13800000001")
    # then the home and the list offer the waiting list, and nowhere "可报名"
    assert signup_badges(client, home) == signup_badges(client, listing) == [("warning", "名额已满，可候补")]
    assert "名额已满，现在报名将进入候补名单" in client.get(meeting_url(meeting)).content.decode()


def meeting_url(meeting):
    return reverse("meetings:public-detail", kwargs={"pk": meeting.pk})


def test_the_waiting_list_sms_leads_to_cancelling_the_place_on_the_list(client, w, staff, member):
    # given a full public meeting and a resident who signs up after it filled
    meeting = make(w, staff, member, is_public=True, signup_capacity=1)
    services.registration_create(meeting_id=meeting.pk, name="陈先生", phone="13800000001")
    waiting = services.registration_create(meeting_id=meeting.pk, name="王大爷", phone="13800000003")
    # then their SMS says how to cancel, with their own link
    body = OutboxMessage.objects.get(phone_masked="138****0003").body
    link = reverse("meetings:registration", kwargs={"token": waiting.token})
    assert body.endswith(f"查看或取消候补：{settings.SHANGLIANG_SITE_URL}{link}")
    # when they follow it and cancel
    page = client.get(link).content.decode()
    assert '<button type="submit" class="secondary">取消候补</button>' in page
    client.post(reverse("meetings:registration-cancel", kwargs={"token": waiting.token}))
    # then their place on the waiting list is given up
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CANCELLED


def test_a_calendar_file_is_offered_only_for_a_meeting_still_to_come(client, w, staff, member):
    # given a public meeting with an invitee
    meeting = make(w, staff, member, is_public=True)
    invitation = reverse("meetings:invitation", kwargs={"token": meeting.participants.get().token})
    ics = "加入日历（.ics）"
    # then before it ends both its public page and the invitation offer the .ics file
    assert ics in client.get(meeting_url(meeting)).content.decode()
    assert ics in client.get(invitation).content.decode()
    # and once it is over neither does
    with time_machine.travel(meeting.ends_at + dt.timedelta(minutes=1)):
        assert ics not in client.get(meeting_url(meeting)).content.decode()
        assert ics not in client.get(invitation).content.decode()
