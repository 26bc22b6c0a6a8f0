"""Role × state matrix of meeting transitions: allowed exactly when the transitions table has the
edge and the person's part allows it; when refused nothing changes (state and audit trail)."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from shangliang.accounts.tests.factories import UserFactory
from shangliang.core.errors import ApplicationError
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.core.scope import ANONYMOUS, Scope, scope_of
from shangliang.meetings import permissions, record, services
from shangliang.meetings.models import MEETING_TRANSITIONS, ConsensusItem, Meeting, MeetingStatus
from shangliang.meetings.tests.factories import invite, meeting_in
from shangliang.places.tests import factories as pf

pytestmark = pytest.mark.django_db

S = MeetingStatus
EDGES = [(old, new) for old, targets in MEETING_TRANSITIONS.items() for new in sorted(targets)]
ILLEGAL = [
    (S.DRAFT, S.HELD),
    (S.PLANNED, S.MINUTES_DRAFT),
    (S.HELD, S.PUBLISHED),
    (S.MINUTES_DRAFT, S.PUBLISHED),
    (S.PUBLISHED, S.CANCELLED),
    (S.CANCELLED, S.PLANNED),
]
PERSONAS = [
    "admin",
    "staff",
    "outside_staff",
    "secretary",
    "grid_worker",
    "reviewer",
    "officer",
    "resident",
    "host",
    "recorder",
]
MANAGERS = {"admin", "staff"}


def _call(meeting: Meeting, new: str, actor) -> None:
    kwargs = {"meeting_id": meeting.pk, "actor": actor}
    if new == S.PLANNED:
        services.meeting_plan(confirm_warnings=True, **kwargs)
    elif new == S.NOTIFIED:
        services.meeting_notify(**kwargs)
    elif new == S.POSTPONED:
        services.meeting_postpone(reason="台风", **kwargs)
    elif new == S.CANCELLED:
        services.meeting_cancel(reason="台风", **kwargs)
    elif new == S.HELD:
        services.meeting_open(**kwargs)
    elif new == S.MINUTES_DRAFT:
        services.meeting_close(**kwargs)
    elif new == S.MINUTES_CONFIRMED:
        record.minutes_confirm(**kwargs)
    else:
        record.minutes_publish(**kwargs)


@pytest.fixture
def people(
    district, staff, secretary, grid_worker, reviewer, department_officer, resident, member, admin_user
):
    return {
        "admin": admin_user,
        "staff": staff,
        "outside_staff": UserFactory(role=Role.STAFF, region=district.street_b, username="outside"),
        "secretary": secretary,
        "grid_worker": grid_worker,
        "reviewer": reviewer,
        "officer": department_officer,
        "resident": resident,
        "host": member,
        "recorder": UserFactory(role=Role.STAFF, region=district.street_b, username="recorder"),
    }


def expected(persona: str, old: str, new: str) -> bool:
    if new not in MEETING_TRANSITIONS[old]:
        return False
    if new == S.MINUTES_CONFIRMED:
        return persona in ("host", "recorder")
    return persona in MANAGERS


@pytest.mark.parametrize(("old", "new"), EDGES + ILLEGAL)
@pytest.mark.parametrize("persona", PERSONAS)
def test_meeting_transition_matrix(district, people, persona, old, new):
    # given a meeting in ``old`` hosted by the member and recorded by an out-of-scope staff member
    room = pf.RoomFactory(region=district.community_a)
    meeting = meeting_in(old, room=room, host=people["host"], recorder=people["recorder"])
    invite(meeting, name="居民代表", role="resident")
    if new == S.MINUTES_CONFIRMED:
        ConsensusItem.objects.create(meeting=meeting, text="错峰充电、电满让位")
        # the other signature is already there, so this one completes the minutes
        other = "recorder" if persona == "host" else "host"
        Meeting.objects.filter(pk=meeting.pk).update(**{f"{other}_confirmed_at": timezone.now()})
    events = AuditEvent.objects.count()
    actor = people[persona]
    # when the person tries the change, at the meeting's time
    with time_machine.travel(meeting.starts_at):
        try:
            _call(meeting, new, actor)
            refused = False
        except ApplicationError:
            refused = True
    # then it happened exactly when the matrix allows it, and a refusal changed nothing
    meeting.refresh_from_db()
    if expected(persona, old, new):
        assert (refused, meeting.status) == (False, new)
    else:
        assert (refused, meeting.status) == (True, old)
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("persona", "view", "record_", "checkin", "confirm"),
    [
        ("admin", True, True, True, False),
        ("staff", True, True, True, False),
        ("outside_staff", False, False, False, False),
        ("secretary", True, False, False, False),
        ("grid_worker", False, False, False, False),
        ("reviewer", False, False, False, False),
        ("officer", False, False, False, False),
        ("resident", False, False, False, False),
        ("host", True, True, True, False),
        ("recorder", True, True, True, False),
    ],
)
def test_who_sees_records_and_checks_in_during_the_meeting(
    district, people, persona, view, record_, checkin, confirm
):
    room = pf.RoomFactory(region=district.community_a)
    meeting = meeting_in(S.HELD, room=room, host=people["host"], recorder=people["recorder"])
    user = people[persona]
    assert permissions.can_view_meeting(scope_of(user), meeting) is view
    assert permissions.can_record(scope_of(user), meeting) is record_
    assert permissions.can_check_in_others(scope_of(user), meeting) is checkin
    assert permissions.can_confirm_minutes(scope_of(user), meeting) is confirm


def test_an_invited_member_sees_the_meeting_but_cannot_record(district, people):
    room = pf.RoomFactory(region=district.community_a)
    other = UserFactory(
        role=Role.MEMBER, region=district.district, member=pf.MemberFactory(name="林委员"), username="m3"
    )
    meeting = meeting_in(S.HELD, room=room, host=people["host"], recorder=people["recorder"])
    invite(meeting, member=other.member)
    assert (
        permissions.can_view_meeting(scope_of(other), meeting),
        permissions.can_record(scope_of(other), meeting),
    ) == (
        True,
        False,
    )


@pytest.mark.parametrize(
    ("scope", "plans", "inside", "outside"),
    [
        (Scope(user_id=1, role=Role.ADMIN, is_admin=True, region_path=""), True, True, True),
        (Scope(user_id=2, role=Role.STAFF, region_path="/1/2/"), True, True, False),
        (Scope(user_id=3, role=Role.SECRETARY, region_path="/1/2/3/"), False, False, False),
        (Scope(user_id=4, role=Role.MEMBER), False, False, False),
        (ANONYMOUS, False, False, False),
    ],
)
def test_planning_by_scope_and_region(scope, plans, inside, outside):
    # given a bare scope (no person, no database) when asked / then
    assert permissions.can_plan(scope) is plans
    assert permissions.can_plan_in(scope, "/1/2/7/") is inside
    assert permissions.can_plan_in(scope, "/1/9/") is outside
