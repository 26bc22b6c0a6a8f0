"""Meeting steps that tell the truth: a recorder's conflict on the recorder field, a show of hands
counting people who did not sign in, the confirm button gone once confirmed, 进行中 while held."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from shangliang.core.errors import ApplicationError
from shangliang.meetings import record, services
from shangliang.meetings.models import MeetingStatus
from shangliang.meetings.tests.test_services import draft, held, planned, run_meeting


def test_a_recorder_busy_elsewhere_is_reported_on_the_recorder_field(w, staff, member, secretary):
    # given the staff member records a planned meeting at that time
    planned(w, staff, member)
    # when a second meeting elsewhere at the same time names them recorder again
    try:
        services.meeting_create(
            draft=draft(w, secretary, staff, room_id=None, site_kind="estate", address="5栋"), actor=staff
        )
        error = None
    except ApplicationError as refused:
        error = refused
    # then the refusal names the recorder field, and its message has one mark at its end
    assert error is not None
    assert error.field == "recorder"
    assert error.message.endswith("的主持人或记录人。")


def test_a_show_of_hands_may_count_people_who_did_not_sign_in(w, staff, member):
    # given a held meeting where two people signed in (the member and a walk-in)
    meeting = run_meeting(w, staff, member)
    with time_machine.travel(meeting.starts_at):
        # when a vote of 12 is recorded without saying how many others were there, it is refused
        try:
            record.vote_add(
                meeting_id=meeting.pk,
                question="是否增设充电桩",
                votes_for=10,
                votes_against=1,
                votes_abstain=1,
                actor=staff,
            )
            refused = ""
        except ApplicationError as error:
            refused = error.message
        assert refused.startswith("表决总票数（12）超过到会人数（2）。")
        # and with 10 others present it is kept, and the meeting remembers them
        vote = record.vote_add(
            meeting_id=meeting.pk,
            question="是否增设充电桩",
            votes_for=10,
            votes_against=1,
            votes_abstain=1,
            others_present=10,
            actor=staff,
        )
    meeting.refresh_from_db()
    assert (vote.votes_for, meeting.others_present) == (10, 10)


def test_the_confirm_button_goes_once_that_person_has_confirmed(client, w, staff, member):
    # given a closed meeting whose host (the member) has confirmed the minutes
    meeting = run_meeting(w, staff, member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    url = reverse("meetings:staff-detail", args=[meeting.pk])
    # when the host opens the meeting, then there is no confirm button but a note
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "确认纪要</button>" not in page
    assert "您已确认纪要，等待记录人确认。" in page
    # and the recorder still has the button, with the host's confirmation shown
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert "确认纪要</button>" in page
    assert "（主持人已确认）" in page


def test_a_meeting_under_way_reads_in_progress(w, staff, member):
    meeting = held(w, staff, member)
    with time_machine.travel(meeting.starts_at):
        services.meeting_open(meeting_id=meeting.pk, actor=staff)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.get_status_display()) == (MeetingStatus.HELD, "进行中")
