"""Reads of members' work: the ledger, the annual table with grades and ranks, training figures,
committees' plan progress and activity-group coverage. Each takes the viewer's ``Scope`` and answers
only what they may see (``permissions``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from shangliang.core.errors import PermissionDenied
from shangliang.core.scope import Scope
from shangliang.duty import permissions, rules
from shangliang.duty.models import (
    AssessmentYear,
    CommitteePlan,
    DutyEntry,
    DutyItem,
    MemberWriting,
    ReportStatus,
    SelfReport,
    TrainingAttendee,
    TrainingSession,
    TrainingStatus,
    Visit,
    VisitStatus,
)
from shangliang.meetings.models import HELD_STATUSES, Attendance, Meeting
from shangliang.places.models import (
    ActivityGroup,
    Member,
    Organisation,
    OrganisationKind,
    Region,
    RegionLevel,
)

# --- Assessment -----------------------------------------------------------------------------------


def grade_thresholds() -> list[tuple[int, str]]:
    configured = settings.SHANGLIANG.get("DUTY", {}).get("GRADES")
    return [(int(m), str(label)) for m, label in configured] if configured else list(rules.DEFAULT_GRADES)


@dataclass
class MemberRow:
    member: Member
    total: int
    key_total: int
    grade: str
    rank: int = 0
    sector_rank: int = 0
    committee_rank: int = 0


def _totals_by_member(year: int) -> dict[int, tuple[int, int]]:
    rows = (
        DutyEntry.objects.filter(year=year)
        .values("member_id")
        .annotate(total=Sum("counted"), key_total=Sum("counted", filter=Q(rule__item__is_key=True)))
    )
    return {r["member_id"]: (r["total"] or 0, r["key_total"] or 0) for r in rows}


def assessment_table(year: int) -> list[MemberRow]:
    """Every active member with their total, key-item subtotal, grade and ranks (district, 界别,
    committee), best first. Members with no entry score 0."""
    totals = _totals_by_member(year)
    thresholds = grade_thresholds()
    members = list(
        Member.objects.filter(active=True).select_related("sector", "committee").order_by("name", "pk")
    )
    table = [
        MemberRow(m, *totals.get(m.pk, (0, 0)), grade=rules.grade(totals.get(m.pk, (0, 0))[0], thresholds))
        for m in members
    ]
    district = rules.ranks({r.member.pk: r.total for r in table})
    by_sector: dict[int | None, dict[int, int]] = defaultdict(dict)
    by_committee: dict[int | None, dict[int, int]] = defaultdict(dict)
    for r in table:
        by_sector[r.member.sector_id][r.member.pk] = r.total
        by_committee[r.member.committee_id][r.member.pk] = r.total
    sector_ranks = {k: rules.ranks(v) for k, v in by_sector.items()}
    committee_ranks = {k: rules.ranks(v) for k, v in by_committee.items()}
    for r in table:
        r.rank = district[r.member.pk]
        r.sector_rank = sector_ranks[r.member.sector_id][r.member.pk] if r.member.sector_id else 0
        r.committee_rank = committee_ranks[r.member.committee_id][r.member.pk] if r.member.committee_id else 0
    table.sort(key=lambda r: (r.rank, r.member.name, r.member.pk))
    return table


def ranking_for(
    scope: Scope, year: int, *, sector_id: int | None = None, committee_id: int | None = None, level: str = ""
) -> list[MemberRow]:
    if not permissions.can_view_ranking(scope):
        raise PermissionDenied("您无权查看履职排名。")
    rows = assessment_table(year)
    committee_id = permissions.chair_committee_id(scope) or committee_id
    return [
        r
        for r in rows
        if (sector_id is None or r.member.sector_id == sector_id)
        and (committee_id is None or r.member.committee_id == committee_id)
        and (not level or r.member.level == level)
    ]


def member_row(year: int, member: Member) -> MemberRow:
    """The member's line of the annual table (an inactive member is not ranked)."""
    row = next((r for r in assessment_table(year) if r.member.pk == member.pk), None)
    if row is None:
        total, key_total = _totals_by_member(year).get(member.pk, (0, 0))
        row = MemberRow(member, total, key_total, grade=rules.grade(total, grade_thresholds()))
    return row


def member_get_for_viewer(scope: Scope, member_id: int) -> Member | None:
    member = Member.objects.select_related("sector", "committee").filter(pk=member_id).first()
    if member is None or not permissions.can_view_member(scope, member):
        return None
    return member


def entries_for(member: Member, year: int) -> list[DutyEntry]:
    return list(
        DutyEntry.objects.filter(member=member, year=year)
        .select_related("rule__item")
        .order_by("occurred_on", "rule__sort_order", "id")
    )


def entry_link(entry: DutyEntry) -> str:
    """Where the record that earned an entry can be read (empty when it has no page)."""
    model, pk = entry.source_model, entry.source_id
    if model == "meetings.memberdutyfact":
        meeting_id = Meeting.objects.filter(duty_facts__pk=pk).values_list("pk", flat=True).first()
        return reverse("meetings:staff-detail", args=[meeting_id]) if meeting_id else ""
    targets = {
        "topics.topic": "topics:staff-detail",
        "duty.visit": "duty:visit-detail",
        "duty.trainingsession": "duty:training-detail",
        "duty.memberwriting": "duty:writing-detail",
        "duty.selfreport": "duty:report-detail",
    }
    name = targets.get(model)
    return reverse(name, args=[pk]) if name else ""


def item_subtotals(entries: Iterable[DutyEntry]) -> list[tuple[DutyItem, int, int]]:
    """(item, points before caps, counted) per item, in the rule table's order."""
    sums: dict[int, list[int]] = {}
    items: dict[int, DutyItem] = {}
    for e in entries:
        item = e.rule.item
        items[item.pk] = item
        acc = sums.setdefault(item.pk, [0, 0])
        acc[0] += e.points
        acc[1] += e.counted
    return [(items[pk], *sums[pk]) for pk in sorted(items, key=lambda pk: (items[pk].sort_order, pk))]  # type: ignore[misc]


def trend(member: Member) -> list[tuple[int, int]]:
    rows = (
        DutyEntry.objects.filter(member=member).values("year").annotate(total=Sum("counted")).order_by("year")
    )
    return [(r["year"], r["total"] or 0) for r in rows]


def year_published(year: int) -> bool:
    return AssessmentYear.objects.filter(year=year, published_at__isnull=False).exists()


def years_with_entries() -> list[int]:
    return list(DutyEntry.objects.values_list("year", flat=True).distinct().order_by("-year"))


# --- Self-reports ---------------------------------------------------------------------------------


def reports_pending_for(scope: Scope) -> QuerySet[SelfReport]:
    if not permissions.can_verify_reports(scope):
        return SelfReport.objects.none()
    return (
        SelfReport.objects.filter(status=ReportStatus.PENDING)
        .select_related("member", "rule")
        .order_by("created_at", "id")
    )


def reports_of(member: Member) -> QuerySet[SelfReport]:
    return SelfReport.objects.filter(member=member).select_related("rule").order_by("-created_at", "-id")


def report_get_for_viewer(scope: Scope, report_id: int) -> SelfReport | None:
    report = SelfReport.objects.select_related("member", "rule", "decided_by").filter(pk=report_id).first()
    if report is None or not (
        permissions.can_verify_reports(scope) or permissions.own_member_id(scope) == report.member_id
    ):
        return None
    return report


# --- Training -------------------------------------------------------------------------------------

TRAINING_COUNTING_RULE = (
    "期数：培训日期在统计期内、已举办（未取消）的履职培训场次，含走出去、请进来、以会代训；"
    "人次：这些场次中签到的政协委员人数之和（以会代训按所附会议签到出席的委员计），同一委员参加多期分别计。"
)


def training_attendance(
    first: dt.date, last: dt.date, *, status: str = TrainingStatus.HELD
) -> list[tuple[TrainingSession, list[int]]]:
    """Each session in the period with the members who attended it: checked in to the session, or
    (以会代训) present at the meeting it is attached to while that meeting is held: recorded as
    出席, or checked in while no attendance is recorded yet (attendance corrected to 请假 or 缺席 after
    a check-in does not count)."""
    sessions = list(
        TrainingSession.objects.filter(status=status, held_on__range=(first, last))
        .select_related("meeting")
        .order_by("held_on", "id")
    )
    checked: dict[int, set[int]] = defaultdict(set)
    for session_id, member_id in TrainingAttendee.objects.filter(
        session__in=sessions, checked_in_at__isnull=False
    ).values_list("session_id", "member_id"):
        checked[session_id].add(member_id)
    meeting_ids = [
        s.meeting.pk for s in sessions if s.meeting is not None and s.meeting.status in HELD_STATUSES
    ]
    present: dict[int, set[int]] = defaultdict(set)
    if meeting_ids:
        from shangliang.meetings.models import Participant

        for meeting_id, member_id in Participant.objects.filter(
            Q(attendance=Attendance.PRESENT) | Q(attendance="", checked_in_at__isnull=False),
            meeting_id__in=meeting_ids,
            member__isnull=False,
        ).values_list("meeting_id", "member_id"):
            present[meeting_id].add(member_id)
    result = []
    for s in sessions:
        members = set(checked[s.pk])
        if s.meeting_id in meeting_ids:
            members |= present[s.meeting_id]
        elif s.meeting_id is not None:
            members = set()  # the meeting it trains at was not held (postponed, withdrawn, cancelled)
        result.append((s, sorted(members)))
    return result


@dataclass(frozen=True)
class TrainingFigures:
    sessions: int
    person_times: int
    first: dt.date
    last: dt.date
    rule: str = TRAINING_COUNTING_RULE
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)


def training_figures(
    scope: Scope, *, year: int | None = None, first: dt.date | None = None, last: dt.date | None = None
) -> TrainingFigures:
    """Sessions and person-times of training in a year (or the period ``first``–``last``), with the
    counting rule (``TRAINING_COUNTING_RULE``)."""
    if not permissions.can_view_trainings(scope):
        raise PermissionDenied("您无权查看培训统计。")
    if year is not None:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if first is None or last is None:
        raise ValueError("give year= or first= and last=")
    rows = training_attendance(first, last)
    by_kind: dict[str, tuple[int, int]] = {}
    for session, members in rows:
        count, people = by_kind.get(session.kind, (0, 0))
        by_kind[session.kind] = (count + 1, people + len(members))
    return TrainingFigures(
        sessions=len(rows), person_times=sum(len(m) for _, m in rows), first=first, last=last, by_kind=by_kind
    )


def sessions_in_year(year: int) -> list[tuple[TrainingSession, int]]:
    """Every session of the year (cancelled ones too) with its attendance count."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counted = {s.pk: len(m) for s, m in training_attendance(first, last)}
    sessions = TrainingSession.objects.filter(held_on__range=(first, last)).annotate(
        signed=Count("attendees")
    )
    return [(s, counted.get(s.pk, 0)) for s in sessions.order_by("held_on", "id")]


def sessions_open_to(member: Member, today: dt.date) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(status=TrainingStatus.PLANNED, held_on__gte=today).exclude(
        attendees__member=member
    )


def sessions_of(member: Member) -> QuerySet[TrainingAttendee]:
    return (
        TrainingAttendee.objects.filter(member=member).select_related("session").order_by("-session__held_on")
    )


# --- Committees' plans ----------------------------------------------------------------------------


@dataclass
class PlanRow:
    committee: Organisation
    plan: CommitteePlan | None
    planned_months: list[int]
    held: list[Meeting]
    progress: rules.PlanProgress


def held_consultations(year: int) -> dict[int, list[Meeting]]:
    """Meetings held in ``year`` whose topics carry a committee, by committee."""
    result: dict[int, list[Meeting]] = defaultdict(list)
    meetings = (
        Meeting.objects.filter(
            status__in=HELD_STATUSES, starts_at__year=year, topics__committee__isnull=False
        )
        .values_list("topics__committee_id", "pk")
        .distinct()
    )
    pairs = list(meetings)
    by_pk = Meeting.objects.in_bulk({pk for _, pk in pairs})
    for committee_id, pk in pairs:
        if by_pk[pk] not in result[committee_id]:
            result[committee_id].append(by_pk[pk])
    return result


def plan_rows(scope: Scope, year: int, today: dt.date) -> list[PlanRow]:
    if not permissions.can_view_plans(scope):
        raise PermissionDenied("您无权查看专委会年度计划。")
    committees = Organisation.objects.filter(kind=OrganisationKind.SPECIAL_COMMITTEE, active=True).order_by(
        "name"
    )
    if (own := permissions.chair_committee_id(scope)) is not None:
        committees = committees.filter(pk=own)
    plans = {p.committee_id: p for p in CommitteePlan.objects.filter(year=year).prefetch_related("items")}
    held = held_consultations(year)
    rows = []
    for committee in committees:
        plan = plans.get(committee.pk)
        months = [i.month for i in plan.items.all()] if plan else []
        meetings = sorted(held.get(committee.pk, []), key=lambda m: m.starts_at)
        rows.append(
            PlanRow(
                committee,
                plan,
                months,
                meetings,
                rules.plan_progress(months, len(meetings), year=year, today=today),
            )
        )
    return rows


# --- Visits and coverage --------------------------------------------------------------------------


@dataclass
class CoverageRow:
    community: Region
    group: ActivityGroup | None
    quarters: list[int]

    @property
    def visited(self) -> bool:
        return any(self.quarters)


def coverage(scope: Scope, year: int) -> list[CoverageRow]:
    if not permissions.can_view_coverage(scope):
        raise PermissionDenied("您无权查看走访覆盖情况。")
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for community_id, day in Visit.objects.filter(
        status=VisitStatus.RECORDED, visited_on__year=year
    ).values_list("community_id", "visited_on"):
        counts[(community_id, rules.quarter(day))] += 1
    groups = {g.community_id: g for g in ActivityGroup.objects.all()}
    return [
        CoverageRow(c, groups.get(c.pk), [counts[(c.pk, q)] for q in (1, 2, 3, 4)])
        for c in Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("path")
    ]


def visits_for(scope: Scope) -> QuerySet[Visit]:
    qs = (
        Visit.objects.select_related("group", "community")
        .prefetch_related("members")
        .order_by("-visited_on", "-id")
    )
    if permissions.is_office(scope) or permissions.is_chair(scope):
        return qs
    member_id = permissions.own_member_id(scope)
    if member_id is None:
        return qs.none()
    return qs.filter(group__members__pk=member_id).distinct()


def groups_of(member_id: int | None) -> QuerySet[ActivityGroup]:
    if member_id is None:
        return ActivityGroup.objects.none()
    return ActivityGroup.objects.filter(members__pk=member_id).select_related("community")


# --- Writings -------------------------------------------------------------------------------------


def writings_for(scope: Scope) -> QuerySet[MemberWriting]:
    qs = MemberWriting.objects.select_related("member", "topic").order_by("-updated_at", "-id")
    if permissions.can_review_writings(scope):
        return qs
    member_id = permissions.own_member_id(scope)
    return qs.filter(member_id=member_id) if member_id is not None else qs.none()


def writing_get_for_viewer(scope: Scope, writing_id: int) -> MemberWriting | None:
    writing = MemberWriting.objects.select_related("member", "topic").filter(pk=writing_id).first()
    if writing is None or not permissions.can_view_writing(scope, writing):
        return None
    return writing


def reply_due(writing: MemberWriting) -> dt.date | None:
    if writing.kind != "proposal" or writing.status != "adopted" or writing.decided_on is None:
        return None
    months = int(
        settings.SHANGLIANG.get("DUTY", {}).get("PROPOSAL_REPLY_MONTHS", rules.PROPOSAL_REPLY_MONTHS)
    )
    return rules.reply_due(writing.decided_on, months)


def proposals_awaiting_reply() -> list[tuple[MemberWriting, dt.date]]:
    """Adopted proposals without a formal reply, with their due date, the overdue first."""
    waiting = MemberWriting.objects.filter(
        kind="proposal", status="adopted", replied_on__isnull=True, decided_on__isnull=False
    ).select_related("member")
    rows = [(w, due) for w in waiting if (due := reply_due(w)) is not None]
    return sorted(rows, key=lambda row: row[1])
