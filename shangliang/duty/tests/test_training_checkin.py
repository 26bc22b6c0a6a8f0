"""Members check themselves in to a training session with its code (QR or link), as at a meeting:
on the day only, once, members only; the attendance feeds the ledger when the session is held."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from shangliang.core.errors import ApplicationError
from shangliang.core.models import AuditEvent
from shangliang.core.scope import scope_of
from shangliang.duty import selectors, services
from shangliang.duty.models import DutyEntry, TrainingAttendee, TrainingKind, TrainingSession
from shangliang.duty.tests.factories import at, member_user
from shangliang.meetings.models import MeetingStatus
from shangliang.meetings.tests.factories import meeting_in
from shangliang.places.tests import factories as pf

pytestmark = pytest.mark.django_db
YEAR = 2025
DAY = dt.date(YEAR, 5, 20)


def on(day: dt.date, hour: int = 9) -> Any:
    return time_machine.travel(at(day, hour), tick=False)


def new_session(staff: Any, **fields: Any) -> TrainingSession:
    data = {
        "kind": TrainingKind.INVITED,
        "subject": "政协协商与基层协商有效衔接",
        "held_on": DAY,
        "place": "区政协会议室",
        "organiser": "区政协办公室",
        **fields,
    }
    with on(DAY - dt.timedelta(days=10)):
        return services.training_create(
            data=services.TrainingInput(**data), scope=scope_of(staff), actor=staff
        )


def test_a_member_checks_in_with_the_sessions_code_once_and_it_counts_when_held(
    client: Any, district: Any, staff: Any
) -> None:
    # given a session the member did not sign up for, and its code on the staff's QR page
    user = member_user("邵响亮", district.district)
    session = new_session(staff)
    client.force_login(staff)
    with on(DAY):
        poster = client.get(f"/duty/trainings/{session.pk}/qr/").content.decode()
    link = f"/duty/trainings/c/{session.checkin_token}/"
    assert link in poster
    assert "<svg" in poster

    # when the member opens the link on the day, looks, and confirms twice
    client.force_login(user)
    with on(DAY, 9):
        shown = client.get(link)
        assert (shown.status_code, TrainingAttendee.objects.count()) == (200, 0)  # a GET changes nothing
        first = client.post(link)
    with on(DAY, 10):
        second = client.post(link)

    # then one attendance, checked in by the member, audited once
    attendee = TrainingAttendee.objects.get(session=session)
    assert (attendee.member_id, attendee.checked_in_by_id, attendee.checked_in_at) == (
        user.member_id,
        user.pk,
        at(DAY, 9),
    )
    assert (first.status_code, second.status_code) == (200, 200)
    assert "签到成功：邵响亮，09:00" in first.content.decode()
    assert "您已于 09:00 签到，无需重复签到。" in second.content.decode()
    assert [e.new_value for e in AuditEvent.objects.filter(event_type="duty.training_checked_in")] == [
        {"member": user.member_id, "self": True}
    ]
    assert not DutyEntry.objects.filter(member_id=user.member_id).exists()  # not held yet

    # and once held, the training counts: 2 points, one session, one person-time
    with on(DAY, 17):
        services.training_mark_held(session_id=session.pk, scope=scope_of(staff), actor=staff)
    assert list(
        DutyEntry.objects.filter(member_id=user.member_id).values_list(
            "rule__code", "source_model", "source_id", "occurred_on", "counted"
        )
    ) == [("training", "duty.trainingsession", session.pk, DAY, 2)]
    figures = selectors.training_figures(scope_of(staff), year=YEAR)
    assert (figures.sessions, figures.person_times) == (1, 1)


def test_a_check_in_after_the_session_is_held_counts_at_once(district: Any, staff: Any) -> None:
    # given a session already marked held in the morning
    user = member_user("梁国栋", district.district)
    session = new_session(staff)
    with on(DAY, 8):
        services.training_mark_held(session_id=session.pk, scope=scope_of(staff), actor=staff)

    # when
    with on(DAY, 9):
        attendee, created = services.training_check_in_self(
            checkin_token=session.checkin_token, scope=scope_of(user), actor=user
        )

    # then
    assert (created, attendee.member_id) == (True, user.member_id)
    assert list(DutyEntry.objects.filter(member_id=user.member_id).values_list("rule__code", "counted")) == [
        ("training", 2)
    ]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("before the day", "培训尚未开始，不能签到。"),
        ("after the day", "培训当天才能扫码签到；漏签请联系政协机关工作人员补登。"),
        ("cancelled", "培训已取消，不能签到。"),
        ("at a meeting", "以会代训的签到请在所附会议的签到页办理。"),
        ("not a member", "只有政协委员可以签到参加履职培训。"),
        ("bad code", "签到码无效。"),
    ],
)
def test_a_self_check_in_is_refused_with_the_reason_and_records_nothing(
    client: Any, district: Any, staff: Any, case: str, message: str
) -> None:
    # given
    user = member_user("黄玉春", district.district)
    if case == "at a meeting":
        room = pf.RoomFactory(region=district.community_a)
        meeting = meeting_in(
            MeetingStatus.NOTIFIED,
            room=room,
            host=staff,
            recorder=staff,
            starts_at=at(DAY),
            ends_at=at(DAY, 17),
        )
        session = new_session(staff, kind=TrainingKind.MEETING, held_on=None, meeting_id=meeting.pk)
    else:
        session = new_session(staff)
    if case == "cancelled":
        with on(DAY - dt.timedelta(days=1)):
            services.training_cancel(
                session_id=session.pk, reason="讲师临时有事", scope=scope_of(staff), actor=staff
            )
    day = {"before the day": DAY - dt.timedelta(days=1), "after the day": DAY + dt.timedelta(days=1)}.get(
        case, DAY
    )
    token = "no-such-code" if case == "bad code" else session.checkin_token
    client.force_login(staff if case == "not a member" else user)

    # when
    with on(day):
        response = client.post(f"/duty/trainings/c/{token}/")

    # then: the page answers 403 with the reason (an unknown code has no page: 404, and the service
    # says why)
    if case == "bad code":
        assert response.status_code == 404
        with pytest.raises(ApplicationError, match=message):
            services.training_check_in_self(checkin_token=token, scope=scope_of(user), actor=user)
    else:
        assert response.status_code == 403
        assert message in response.content.decode()
    assert not TrainingAttendee.objects.exists()
    assert not AuditEvent.objects.filter(event_type="duty.training_checked_in").exists()
