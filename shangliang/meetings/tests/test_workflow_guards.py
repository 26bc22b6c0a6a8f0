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


def test_an_invited_department_hears_of_it_and_its_officer_opens_and_answers(
    client, w, staff, member, department_officer
):
    # given a meeting that invites the officer's department (区住建局, w.housing)
    from shangliang.meetings.services import Invitee
    from shangliang.notifications.models import Channel, OutboxMessage

    meeting = planned(w, staff, member, invitees=[Invitee(role="department", organisation_id=w.housing.pk)])
    # when it is notified
    services.meeting_notify(meeting_id=meeting.pk, actor=staff)
    # then the officer has an inbox notice with the answer link
    notice = OutboxMessage.objects.get(channel=Channel.INBOX, recipient_user=department_officer)
    participant = meeting.participants.get(organisation=w.housing)
    assert notice.body.startswith(f"区住建局受邀参加协商议事会“{meeting.title}”")
    assert notice.body.endswith(reverse("meetings:invitation", kwargs={"token": participant.token}))
    # and the officer opens the meeting and sees it among their invitations
    client.force_login(department_officer)
    assert client.get(reverse("meetings:staff-detail", args=[meeting.pk])).status_code == 200
    mine = client.get(reverse("meetings:mine")).content.decode()
    assert meeting.title in mine
    # and answers for the department
    services.invitation_respond(token=participant.token, accept=True)
    participant.refresh_from_db()
    assert participant.get_rsvp_display() == "参加"


def test_an_officer_opens_the_topic_behind_their_action_item(client, w, staff, member, department_officer):
    # given the consensus of a meeting on w.topic assigned to the officer's department
    meeting = run_meeting(w, staff, member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=member)
    record.minutes_confirm(meeting_id=meeting.pk, actor=staff)
    items = list(meeting.consensus_items.order_by("pk"))
    record.consensus_assign(
        meeting_id=meeting.pk,
        assignments=[record.Assignment(items[1].pk, w.housing.pk, record.default_deadline())],
        actor=staff,
    )
    client.force_login(department_officer)
    # when the officer follows the topic link of the item, then the topic page opens
    assert client.get(reverse("topics:staff-detail", args=[w.topic.pk])).status_code == 200
    # and a topic without an item of theirs stays closed to them
    from shangliang.topics.tests.factories import TopicFactory

    other = TopicFactory(community=w.topic.community)
    assert client.get(reverse("topics:staff-detail", args=[other.pk])).status_code == 404


def test_planning_from_the_topic_shows_suggestions_at_once_and_filters_members_without_script(
    client, w, staff, member
):
    # given an approved topic and the staff member on its planning page, opened from the topic
    from shangliang.places.tests import factories as pf

    pf.MemberFactory(name="李明华")
    client.force_login(staff)
    url = reverse("meetings:staff-create") + f"?topic={w.topic.pk}"
    page = client.get(url).content.decode()
    # then the topic is chosen and its title proposed on the first render
    assert f'name="topics" value="{w.topic.pk}" id="id_topics_0" checked>' in page
    assert 'value="“珠事好商量”——整治老旧小区飞线充电"' in page
    # when they type a name into the member filter and press 筛选委员名单
    response = client.post(
        reverse("meetings:staff-create"),
        {"refine": "members", "member_query": "李明华", "topics": [w.topic.pk], "title": "协商会"},
    )
    # then the page comes back with what was typed, only the matching members listed, and no errors
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="协商会"' in body
    other = body.split('name="other_members"', 1)[1].split("</select>", 1)[0]
    assert "李明华" in other
    assert "邵响亮" not in other
    assert "errorlist" not in body
