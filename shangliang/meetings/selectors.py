"""Reads of meetings: staff and public lists, the room calendars, participant suggestions, the
minutes as one structure (for the HTML page and the .docx), and the duty facts."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.meetings import permissions
from shangliang.meetings.models import (
    BOOKED_STATUSES,
    HELD_STATUSES,
    PUBLIC_STATUSES,
    Attendance,
    DutyFactKind,
    Meeting,
    MeetingStatus,
    MemberDutyFact,
    Participant,
    ParticipantRole,
)
from shangliang.places.models import ActivityGroupMembership, Member, Organisation, OrganisationKind, Room
from shangliang.places.selectors import OpenDay, upcoming_open_days
from shangliang.topics.models import Topic

# --- Lists ----------------------------------------------------------------------------------------


def meetings_for_staff(scope: Scope) -> QuerySet[Meeting]:
    """Meetings a back-office person may see: in their scope, where they host, record or are invited,
    or (a department officer) where their organisation is invited."""
    qs = Meeting.objects.select_related("room", "region", "host", "recorder")
    if scope.is_admin:
        return qs
    if not scope.is_authenticated:
        return qs.none()
    mine = Q(host_id=scope.user_id) | Q(recorder_id=scope.user_id) | Q(participants__user_id=scope.user_id)
    if scope.member_id:
        mine |= Q(participants__member_id=scope.member_id)
    if scope.has_role(Role.OFFICER) and scope.organisation_id:
        mine |= Q(participants__organisation_id=scope.organisation_id)
    if scope.has_role(*permissions.VIEW_ROLES):
        mine |= scope.region_q()
    return qs.filter(pk__in=Meeting.objects.filter(mine).values("pk"))


def meeting_get_for_user(scope: Scope, pk: int) -> Meeting | None:
    meeting = meetings_for_staff(scope).filter(pk=pk).first()
    return meeting if meeting is not None and permissions.can_view_meeting(scope, meeting) else None


def public_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(is_public=True, status__in=PUBLIC_STATUSES).select_related("room", "region")


def upcoming_public_meetings(limit: int = 5) -> list[Meeting]:
    """Public meetings announced and not yet over, soonest first (for the public home and list)."""
    return list(
        public_meetings()
        .filter(
            status__in=[MeetingStatus.PLANNED, MeetingStatus.NOTIFIED, MeetingStatus.HELD],
            ends_at__gte=timezone.now(),
        )
        .order_by("starts_at", "pk")[:limit]
    )


def with_signup(meetings: list[Meeting]) -> list[tuple[Meeting, str]]:
    """Each meeting with what its sign-up offers now: "可报名", "名额已满，可候补" or "" (closed);
    the confirmed sign-ups of all of them counted in one query."""
    from shangliang.meetings.services import signup_open

    confirmed = dict(
        Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        .annotate(n=Count("registrations", filter=Q(registrations__status="confirmed")))
        .values_list("pk", "n")
    )
    result = []
    for meeting in meetings:
        label = ""
        if signup_open(meeting):
            assert meeting.signup_capacity is not None
            label = "可报名" if confirmed.get(meeting.pk, 0) < meeting.signup_capacity else "名额已满，可候补"
        result.append((meeting, label))
    return result


MEETINGS_HELD_RULE = (
    "已经召开的协商议事会数量（含纪要整理中、已确认和已公开的会议），不含计划中、延期和取消的会议。"
)


def meetings_held_count(since: dt.date | None = None) -> int:
    """Consultation meetings held: every meeting (public or not, any region) that took place, i.e.
    reached 已召开 or a later minutes state (纪要整理中, 纪要已确认, 已公开). Draft, planned,
    notified, postponed and cancelled meetings do not count. ``since`` counts only meetings that
    started on or after that date (the article counts "since 2021")."""
    qs = Meeting.objects.filter(status__in=HELD_STATUSES)
    if since is not None:
        qs = qs.filter(starts_at__date__gte=since)
    return qs.count()


def public_meeting_get(pk: int) -> Meeting | None:
    return public_meetings().filter(pk=pk).exclude(status=MeetingStatus.DRAFT).first()


def my_invitations(scope: Scope) -> QuerySet[Participant]:
    """The signed-in person's invitations to meetings not yet over (members answer from here too)."""
    if not scope.is_authenticated:
        return Participant.objects.none()
    mine = Q(user_id=scope.user_id)
    if scope.member_id:
        mine |= Q(member_id=scope.member_id)
    if scope.role == Role.OFFICER and scope.organisation_id:
        mine |= Q(organisation_id=scope.organisation_id)  # the department's invitation
    return (
        Participant.objects.filter(
            mine, meeting__status__in=[MeetingStatus.PLANNED, MeetingStatus.NOTIFIED, MeetingStatus.HELD]
        )
        .select_related("meeting", "meeting__room")
        .order_by("meeting__starts_at")
    )


def minutes_awaiting(scope: Scope) -> QuerySet[Meeting]:
    """Minutes this person (host or recorder) has not confirmed yet."""
    if not scope.is_authenticated:
        return Meeting.objects.none()
    return Meeting.objects.filter(status=MeetingStatus.MINUTES_DRAFT).filter(
        Q(host_id=scope.user_id, host_confirmed_at__isnull=True)
        | Q(recorder_id=scope.user_id, recorder_confirmed_at__isnull=True)
    )


# --- Calendars ------------------------------------------------------------------------------------


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    open_days: list[OpenDay] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()

    @property
    def empty(self) -> bool:
        return not self.open_days and not self.meetings


def _room_meetings(room: Room, first: dt.date, last: dt.date) -> list[Meeting]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return list(
        Meeting.objects.filter(room=room, starts_at__lt=end, ends_at__gt=start)
        .exclude(status__in=[MeetingStatus.DRAFT, MeetingStatus.CANCELLED, MeetingStatus.POSTPONED])
        .order_by("starts_at")
    )


def room_calendar(
    room: Room, first: dt.date, last: dt.date, *, pad_month: int | None = None
) -> list[CalendarDay]:
    """Each day from ``first`` to ``last`` with the room's open days (逢十说事, 二五议事 …) and its
    meetings. ``pad_month`` marks days outside that month (a month grid starts on Monday)."""
    span = (last - first).days + 1
    opens = upcoming_open_days([room], after=first, per_schedule=span, limit=10_000)
    days = {
        first + dt.timedelta(days=i): CalendarDay(first + dt.timedelta(days=i), True) for i in range(span)
    }
    for open_day in opens:
        if open_day.date in days:
            days[open_day.date].open_days.append(open_day)
    for meeting in _room_meetings(room, first, last):
        day = timezone.localtime(meeting.starts_at).date()
        if day in days:
            days[day].meetings.append(meeting)
    result = list(days.values())
    if pad_month is not None:
        for d in result:
            d.in_month = d.date.month == pad_month
    return result


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """Monday on or before the 1st to Sunday on or after the last day: whole weeks."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, pycalendar.monthrange(year, month)[1])
    return first - dt.timedelta(days=first.weekday()), last + dt.timedelta(days=6 - last.weekday())


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


# --- Suggestions ----------------------------------------------------------------------------------


@dataclass
class Suggestions:
    """Who to invite for a meeting on these topics in this community."""

    group_members: list[Member]
    body_members: list[Member]
    departments: list[Organisation]


def _split_categories(text: str) -> list[str]:
    for sep in "，,；;/ ":
        text = text.replace(sep, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


def department_suggestions(topics: list[Topic]) -> list[Organisation]:
    """Departments whose matters (``categories``) match the topics' category or words, and the
    category's usual department (actions' category policy)."""
    words: set[str] = set()
    for topic in topics:
        if topic.category is not None:
            words.add(topic.category.name)
            words.update(_split_categories(topic.category.keywords or ""))
    text = " ".join(f"{t.title} {t.description}" for t in topics)
    departments = Organisation.objects.filter(
        kind__in=[OrganisationKind.DEPARTMENT, OrganisationKind.GOVERNMENT], active=True
    ).exclude(categories="")
    chosen: dict[int, tuple[int, Organisation]] = {}
    for department in departments:
        score = 0
        for part in _split_categories(department.categories):
            if part in words:
                score += 3
            elif part in text or any(part in w or w in part for w in words if len(w) >= 2):
                score += 1
        if score:
            chosen[department.pk] = (score, department)
    from shangliang.actions.services import default_department

    for topic in topics:
        usual = default_department(topic.category_id)
        if usual is not None:
            chosen[usual.pk] = (chosen.get(usual.pk, (0, usual))[0] + 5, usual)
    return [d for _, d in sorted(chosen.values(), key=lambda row: (-row[0], row[1].name))][:6]


def participant_suggestions(topics: list[Topic], community_id: int | None) -> Suggestions:
    """The community's activity group; members of the topics' committee and of the sector (界别)
    those members belong to, of all three levels; departments from the topics' categories."""
    group_members: list[Member] = []
    if community_id:
        group_members = [
            m.member
            for m in ActivityGroupMembership.objects.filter(
                group__community_id=community_id, member__active=True
            )
            .select_related("member")
            .order_by("-is_leader", "member__name")
        ]
    committees = {t.committee_id for t in topics if t.committee_id}
    sectors = {m.sector_id for m in group_members if m.sector_id}
    body = Member.objects.filter(active=True).filter(
        Q(committee_id__in=committees) | Q(sector_id__in=sectors)
    )
    body_members = list(body.exclude(pk__in=[m.pk for m in group_members]).order_by("level", "name")[:30])
    return Suggestions(group_members, body_members, department_suggestions(topics))


# --- Minutes --------------------------------------------------------------------------------------


@dataclass
class Minutes:
    """Everything the minutes show, in the order of an official record."""

    meeting: Meeting
    present: list[Participant]
    on_leave: list[Participant]
    absent: list[Participant]
    agenda: list[Any]
    speeches: list[Any]
    votes: list[Any]
    consensus: list[Any]
    unresolved: list[Any]
    public_attendance: int


def minutes_of(meeting: Meeting) -> Minutes:
    participants = list(meeting.participants.select_related("member", "organisation").order_by("role", "pk"))
    return Minutes(
        meeting=meeting,
        present=[
            p
            for p in participants
            if p.attendance == Attendance.PRESENT or (not p.attendance and p.checked_in_at)
        ],
        on_leave=[p for p in participants if p.attendance == Attendance.LEAVE],
        absent=[p for p in participants if p.attendance == Attendance.ABSENT],
        agenda=list(meeting.agenda.all()),
        speeches=list(meeting.speeches.select_related("participant", "agenda_item")),
        votes=list(meeting.votes.all()),
        consensus=list(meeting.consensus_items.select_related("department", "action_item", "topic")),
        unresolved=list(meeting.unresolved_items.all()),
        public_attendance=meeting.registrations.filter(status="confirmed").count(),
    )


def attendance_by_role(people: list[Participant]) -> list[tuple[str, int]]:
    """For the public minutes: how many of each role, never names of residents."""
    labels = dict(ParticipantRole.choices)
    counts: dict[str, int] = {}
    for p in people:
        counts[p.role] = counts.get(p.role, 0) + 1
    return [(labels[role], n) for role, n in counts.items()]


def public_speaker_label(participant: Participant) -> str:
    """In the public minutes members and departments are named by office; residents are not named."""
    if participant.role == ParticipantRole.MEMBER and participant.member is not None:
        return f"{participant.member.get_level_display()}{participant.name}"
    if (
        participant.role in (ParticipantRole.DEPARTMENT, ParticipantRole.GOVERNMENT)
        and participant.organisation is not None
    ):
        return f"{participant.organisation.short_name or participant.organisation.name}代表"
    return ParticipantRole(participant.role).label


# --- Check-in -------------------------------------------------------------------------------------


def checkin_list(meeting: Meeting, query: str = "") -> QuerySet[Participant]:
    qs = meeting.participants.select_related("member", "organisation").order_by(
        "checked_in_at", "role", "name"
    )
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(unit__icontains=query))
    return qs


def checkin_counts(meeting: Meeting) -> dict[str, int]:
    row = meeting.participants.aggregate(
        total=Count("pk"),
        present=Count("pk", filter=Q(checked_in_at__isnull=False)),
        walk_ins=Count("pk", filter=Q(walk_in=True)),
    )
    return {k: int(v or 0) for k, v in row.items()}


# --- Duty facts -----------------------------------------------------------------------------------


def duty_facts(*, member: Member | None = None, year: int | None = None) -> QuerySet[MemberDutyFact]:
    """The queryable set a duty-scoring step counts: one row per member, kind and source record."""
    qs = MemberDutyFact.objects.select_related("meeting", "member")
    if member is not None:
        qs = qs.filter(member=member)
    if year is not None:
        qs = qs.filter(occurred_on__year=year)
    return qs


def duty_summary(member: Member, year: int | None = None) -> dict[str, int]:
    """How many facts of each kind (a member's duty record page shows this)."""
    counts = dict(
        duty_facts(member=member, year=year)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {kind: int(counts.get(kind, 0)) for kind in DutyFactKind.values}


# --- Staff lists ----------------------------------------------------------------------------------


def staff_list(scope: Scope, *, status: str = "", when: str = "") -> QuerySet[Meeting]:
    qs = meetings_for_staff(scope).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.only("pk", "title"))
    )
    if status in MeetingStatus.values:
        qs = qs.filter(status=status)
    now = timezone.now()
    if when == "upcoming":
        qs = qs.filter(ends_at__gte=now, status__in=BOOKED_STATUSES).order_by("starts_at")
    elif when == "past":
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at")
    return qs


def tomorrow_meetings(scope: Scope) -> QuerySet[Meeting]:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return meetings_for_staff(scope).filter(
        status__in=[MeetingStatus.PLANNED, MeetingStatus.NOTIFIED], starts_at__date=tomorrow
    )


def minutes_overdue(scope: Scope) -> QuerySet[Meeting]:
    """Held meetings whose minutes are not confirmed yet (the 7-working-day limit is shown on them)."""
    return meetings_for_staff(scope).filter(status__in=[MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFT])


def hosts_and_recorders() -> QuerySet[Any]:
    """People who may host or record: staff, secretaries and members with an account."""
    from shangliang.accounts.models import User

    return User.objects.filter(
        is_active=True, role__in=[Role.STAFF, Role.SECRETARY, Role.MEMBER, Role.CHAIR]
    ).order_by("role", "display_name", "username")
