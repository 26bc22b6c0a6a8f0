"""Who may do what with meetings: pure predicates of role, region scope, the person's part in the
meeting (host, recorder, invitee) and the meeting's state.

===========================  =====  ========  =========  ==========  ===========  =================
action                       admin  staff     secretary  host        recorder     invited member
===========================  =====  ========  =========  ==========  ===========  =================
view (staff pages)           all    ✓         ✓          ✓           ✓            ✓
plan, edit, invite, notify,  all    ✓         —          —           —            —
postpone, cancel, open,
close, attendance
record agenda, speeches,     all    ✓         —          ✓           ✓            —
votes, consensus, unresolved
check others in, walk-ins    all    ✓         —          ✓           ✓            —
confirm the minutes          —      —         —          ✓ (self)    ✓ (self)     —
publish, consensus → actions all    ✓         —          —           —            —
check oneself in             invited (or any signed-in member at a public meeting)
===========================  =====  ========  =========  ==========  ===========  =================

✓ = the meeting's region is inside the person's scope (staff, secretary), or the person holds that
part in this meeting. Every other role (grid worker, reviewer, officer, resident) sees only the
public pages. State conditions are in ``MEETING_TRANSITIONS`` and ``RECORDING_STATUSES``;
the services check both.
"""

from __future__ import annotations

from typing import Any

from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.meetings.models import (
    EDITABLE_STATUSES,
    HELD_STATUSES,
    RECORDING_STATUSES,
    Meeting,
    MeetingStatus,
)

MANAGE_ROLES = frozenset({Role.STAFF})
VIEW_ROLES = frozenset({Role.STAFF, Role.SECRETARY, Role.CHAIR})


def is_host(scope: Scope, meeting: Meeting) -> bool:
    return scope.is_authenticated and meeting.host_id == scope.user_id


def is_recorder(scope: Scope, meeting: Meeting) -> bool:
    return scope.is_authenticated and meeting.recorder_id == scope.user_id


def is_invited(scope: Scope, meeting: Meeting) -> bool:
    """Invited in person, as a member, or (a department officer) through their organisation."""
    if not scope.is_authenticated:
        return False
    organisation = scope.organisation_id if scope.has_role(Role.OFFICER) else None
    for p in meeting.participants.all():
        if p.user_id == scope.user_id or (scope.member_id is not None and p.member_id == scope.member_id):
            return True
        if organisation is not None and p.organisation_id == organisation:
            return True
    return False


def can_manage_meeting(scope: Scope, meeting: Meeting) -> bool:
    """Plan, edit, invite, notify, postpone, cancel, open and close, set attendance, publish."""
    return scope.is_admin or (scope.role in MANAGE_ROLES and scope.covers_region(meeting.region))


def can_plan(scope: Scope) -> bool:
    """Plan meetings at all (in a region of the person's: ``can_plan_in``)."""
    return scope.is_admin or scope.has_role(*MANAGE_ROLES)


def can_plan_in(scope: Scope, region: Any) -> bool:
    return scope.is_admin or (scope.role in MANAGE_ROLES and scope.covers_region(region))


def can_view_meeting(scope: Scope, meeting: Meeting) -> bool:
    if scope.is_admin or is_host(scope, meeting) or is_recorder(scope, meeting):
        return True
    if scope.role in VIEW_ROLES and scope.covers_region(meeting.region):
        return True
    return is_invited(scope, meeting)


def can_transition_meeting(scope: Scope, meeting: Meeting, new: str) -> bool:
    """The person's part; the transitions table decides whether the state allows it."""
    if new == MeetingStatus.MINUTES_CONFIRMED:
        return is_host(scope, meeting) or is_recorder(scope, meeting)
    return can_manage_meeting(scope, meeting)


def can_edit_plan(scope: Scope, meeting: Meeting) -> bool:
    return meeting.status in EDITABLE_STATUSES and can_manage_meeting(scope, meeting)


def can_record(scope: Scope, meeting: Meeting) -> bool:
    """Write the record of the meeting: agenda, speaker list, speeches, votes, consensus, unresolved."""
    if meeting.status not in RECORDING_STATUSES:
        return False
    return can_manage_meeting(scope, meeting) or is_host(scope, meeting) or is_recorder(scope, meeting)


def can_check_in_others(scope: Scope, meeting: Meeting) -> bool:
    if meeting.status not in (MeetingStatus.NOTIFIED, MeetingStatus.HELD):
        return False
    return can_manage_meeting(scope, meeting) or is_host(scope, meeting) or is_recorder(scope, meeting)


def can_confirm_minutes(scope: Scope, meeting: Meeting) -> bool:
    """The host or the recorder who has not confirmed the minutes yet."""
    return meeting.status == MeetingStatus.MINUTES_DRAFT and (
        (is_host(scope, meeting) and meeting.host_confirmed_at is None)
        or (is_recorder(scope, meeting) and meeting.recorder_confirmed_at is None)
    )


def can_assign_consensus(scope: Scope, meeting: Meeting) -> bool:
    return meeting.status in (
        MeetingStatus.MINUTES_CONFIRMED,
        MeetingStatus.PUBLISHED,
    ) and can_manage_meeting(scope, meeting)


def can_view_minutes(scope: Scope, meeting: Meeting) -> bool:
    return meeting.status in HELD_STATUSES and can_view_meeting(scope, meeting)
