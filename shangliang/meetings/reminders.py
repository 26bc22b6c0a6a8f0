"""Reminders the day before a meeting: SMS where there is a phone, the inbox where there is an
account. Keys name the meeting, its version and the person, so a rerun sends nothing twice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shangliang.meetings.models import Meeting, MeetingStatus, Rsvp
from shangliang.meetings.services import participant_phone, send_sms, site_url, when_text
from shangliang.notifications.services import enqueue_inbox


def send_due(today: dt.date | None = None) -> int:
    """Remind everyone invited to a notified meeting that starts tomorrow; returns how many."""
    tomorrow = (today or timezone.localdate()) + dt.timedelta(days=1)
    count = 0
    meetings = Meeting.objects.filter(status=MeetingStatus.NOTIFIED, starts_at__date=tomorrow).select_related(
        "room"
    )
    for meeting in meetings:
        with transaction.atomic():
            for participant in meeting.participants.exclude(rsvp=Rsvp.DECLINED).select_related(
                "member", "user"
            ):
                link = site_url() + reverse("meetings:invitation", kwargs={"token": participant.token})
                body = f"提醒：协商议事会“{meeting.title}”将于明天 {when_text(meeting)} 在{meeting.place}召开。详情：{link}"
                key = f"meeting:{meeting.pk}:v{meeting.version}:reminder:{participant.pk}"
                send_sms(participant_phone(participant), body, meeting, key)
                if participant.user is not None:
                    enqueue_inbox(user=participant.user, body=body, about=meeting, dedupe_key=key + ":inbox")
                count += 1
    return count
