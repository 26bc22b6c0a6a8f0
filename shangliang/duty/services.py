"""Every write of members' work: one function per state change, each checking permission and state,
saving, writing an ``AuditEvent`` and bringing the affected members' ledger up to date. Each takes
the person's ``scope`` (what the permission predicates ask, resolved at the page or API edge) and
the ``actor`` the audit trail names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import Scope
from shangliang.core.transitions import apply_transition, check_version
from shangliang.duty import ledger, permissions
from shangliang.duty.models import (
    APPEAL_ADJUSTMENT_LIMIT,
    WRITING_TRANSITIONS,
    AdoptionLevel,
    Appeal,
    AppealStatus,
    AssessmentYear,
    CommitteePlan,
    DutyRule,
    MemberWriting,
    PlannedConsultation,
    ReportStatus,
    SelfReport,
    TrainingAttendee,
    TrainingKind,
    TrainingSession,
    TrainingStatus,
    Visit,
    VisitPhoto,
    VisitStatus,
    WritingKind,
    WritingStatus,
)
from shangliang.files import images
from shangliang.meetings.models import Meeting, MeetingStatus
from shangliang.notifications.services import enqueue_inbox
from shangliang.places.models import ActivityGroup, Member, Organisation, OrganisationKind
from shangliang.topics.models import TopicForm

MAX_VISIT_PHOTOS = 6


def _text(value: str, *, field: str, required: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(required, field=field)
    if len(value) > limit:
        raise ApplicationError(f"内容不能超过 {limit} 字。", field=field)
    return value


def _tell_member(member_id: int, body: str, about: Any, key: str) -> None:
    from shangliang.accounts.models import User

    user = User.objects.filter(member_id=member_id, is_active=True).first()
    if user is not None:
        enqueue_inbox(user=user, body=body, about=about, dedupe_key=key)


def ledger_recompute(
    *, year: int, scope: Scope, actor: Any, member_ids: Iterable[int] | None = None
) -> ledger.RecomputeResult:
    """The office's 重新计算: bring the ledger of ``year`` in line with its sources (the hourly job and
    the services below that change a source call ``ledger.recompute`` directly)."""
    if not permissions.can_manage_assessment(scope):
        raise PermissionDenied("只有政协机关工作人员可以重新计算履职记分。")
    return ledger.recompute(year, member_ids, actor)


def _refresh(year: int, member_ids: Iterable[int], actor: Any) -> None:
    ledger.recompute(year, list(member_ids), actor)


# --- Self-reports ---------------------------------------------------------------------------------


@dataclass
class ReportInput:
    rule_id: int | None
    occurred_on: dt.date | None
    title: str
    description: str = ""
    evidence: Any = None
    client_token: str = ""


def self_report_submit(*, data: ReportInput, scope: Scope, actor: Any) -> tuple[SelfReport, bool]:
    """A member reports duty work with evidence. The same ``client_token`` twice gives the first report."""
    member_id = permissions.own_member_id(scope)
    if member_id is None:
        raise PermissionDenied("只有政协委员可以提交履职自报。")
    rule = (
        DutyRule.objects.filter(pk=data.rule_id, self_reportable=True, active=True).first()
        if data.rule_id is not None
        else None
    )
    if rule is None:
        raise ApplicationError("请选择履职事项。", field="rule")
    if data.occurred_on is None:
        raise ApplicationError("请填写活动日期。", field="occurred_on")
    if data.occurred_on > timezone.localdate():
        raise ApplicationError("活动日期不能晚于今天。", field="occurred_on")
    title = _text(data.title, field="title", required="请填写活动名称。", limit=100)
    description = (data.description or "").strip()[:2000]
    if data.client_token:
        earlier = SelfReport.objects.filter(member_id=member_id, client_token=data.client_token).first()
        if earlier is not None:
            return earlier, False
    try:
        with transaction.atomic():
            report = SelfReport(
                member_id=member_id,
                rule=rule,
                occurred_on=data.occurred_on,
                title=title,
                description=description,
                client_token=data.client_token[:64],
            )
            if data.evidence is not None:
                report.evidence = data.evidence
                report.evidence_name = str(getattr(data.evidence, "name", ""))[:200]
            report.save()
            audit.record(
                target=report, event_type="duty.report_submitted", actor=actor, new={"status": report.status}
            )
    except IntegrityError:
        return SelfReport.objects.get(member_id=member_id, client_token=data.client_token), False
    return report, True


def _locked_report(report_id: int, expected_version: int | None) -> SelfReport:
    report = SelfReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise ApplicationError("没有找到该自报。")
    check_version(report, expected_version)
    return report


REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.PENDING: frozenset({ReportStatus.VERIFIED, ReportStatus.REJECTED}),
    ReportStatus.VERIFIED: frozenset(),
    ReportStatus.REJECTED: frozenset(),
}


def self_report_verify(
    *, report_id: int, scope: Scope, actor: Any, expected_version: int | None = None
) -> SelfReport:
    with transaction.atomic():
        report = _locked_report(report_id, expected_version)
        if report.status == ReportStatus.VERIFIED:
            return report
        if not permissions.can_decide_report(scope, report):
            if report.status != ReportStatus.PENDING:
                raise ApplicationError(f"该自报{report.get_status_display()}，不能再核实。")
            raise PermissionDenied("只有政协机关工作人员可以核实履职自报。")
        apply_transition(
            report,
            new=ReportStatus.VERIFIED,
            transitions=REPORT_TRANSITIONS,
            labels=dict(ReportStatus.choices),
            actor=actor,
            event_type="duty.report_verified",
            extra_fields={"decided_by": actor, "decided_at": timezone.now()},
        )
        _refresh(report.occurred_on.year, [report.member_id], actor)
        _tell_member(
            report.member_id,
            f"您的履职自报“{report.title}”已核实，计入{report.occurred_on.year}年度履职记分。",
            report,
            f"duty:report:{report.pk}:verified",
        )
    return report


def self_report_reject(
    *, report_id: int, reason: str, scope: Scope, actor: Any, expected_version: int | None = None
) -> SelfReport:
    reason = _text(reason, field="reason", required="请说明不予核实的原因。", limit=300)
    with transaction.atomic():
        report = _locked_report(report_id, expected_version)
        if not permissions.can_decide_report(scope, report):
            if report.status != ReportStatus.PENDING:
                raise ApplicationError(f"该自报{report.get_status_display()}，不能再处理。")
            raise PermissionDenied("只有政协机关工作人员可以处理履职自报。")
        apply_transition(
            report,
            new=ReportStatus.REJECTED,
            transitions=REPORT_TRANSITIONS,
            labels=dict(ReportStatus.choices),
            actor=actor,
            event_type="duty.report_rejected",
            reason=reason,
            extra_fields={"decided_by": actor, "decided_at": timezone.now(), "reject_reason": reason},
        )
        _tell_member(
            report.member_id,
            f"您的履职自报“{report.title}”未通过核实：{reason}",
            report,
            f"duty:report:{report.pk}:rejected",
        )
    return report


# --- Assessment: publication and appeals ----------------------------------------------------------


def assessment_publish(*, year: int, scope: Scope, actor: Any) -> AssessmentYear:
    """Publish the year's totals, grades and ranks to the members (after a last recomputation)."""
    if not permissions.can_manage_assessment(scope):
        raise PermissionDenied("只有政协机关工作人员可以公布考核结果。")
    if year > timezone.localdate().year:
        raise ApplicationError("不能公布尚未开始的年度。")
    with transaction.atomic():
        assessment, _ = AssessmentYear.objects.select_for_update().get_or_create(year=year)
        if assessment.published_at is not None:
            return assessment
        ledger.recompute(year, None, actor)
        assessment.published_at = timezone.now()
        assessment.published_by = actor
        assessment.save(update_fields=["published_at", "published_by", "updated_at"])
        audit.record(
            target=assessment, event_type="duty.assessment_published", actor=actor, new={"year": year}
        )
    return assessment


def appeal_file(*, year: int, reason: str, scope: Scope, actor: Any) -> Appeal:
    member_id = permissions.own_member_id(scope)
    if member_id is None:
        raise PermissionDenied("只有政协委员可以提出申诉。")
    reason = _text(reason, field="reason", required="请填写申诉理由。", limit=1000)
    if not AssessmentYear.objects.filter(year=year, published_at__isnull=False).exists():
        raise ApplicationError("该年度考核结果尚未公布，不能申诉。")
    with transaction.atomic():
        if Appeal.objects.filter(member_id=member_id, year=year, status=AppealStatus.PENDING).exists():
            raise ApplicationError("本年度已有待处理的申诉，请等待处理结果。")
        appeal = Appeal.objects.create(member_id=member_id, year=year, reason=reason)
        audit.record(target=appeal, event_type="duty.appeal_filed", actor=actor, reason=reason)
    return appeal


APPEAL_OUTCOMES = (AppealStatus.UPHELD, AppealStatus.PARTLY_UPHELD, AppealStatus.DISMISSED)


def appeal_decide(
    *,
    appeal_id: int,
    outcome: str,
    decision: str,
    scope: Scope,
    actor: Any,
    adjustment: int = 0,
    expected_version: int | None = None,
) -> Appeal:
    """The office's answer, told to the member with its reason: upheld or partly upheld, with an
    adjustment of the year's points (a ledger entry whose source is the appeal, so the total, grade
    and ranks follow it; 0 when the record is corrected through its sources), or the assessment
    stands (维持原评定: nothing changes)."""
    if not permissions.can_manage_assessment(scope):
        raise PermissionDenied("只有政协机关工作人员可以处理申诉。")
    if outcome not in APPEAL_OUTCOMES:
        raise ApplicationError("请选择处理结果。", field="outcome")
    decision = _text(decision, field="decision", required="请填写处理意见。", limit=1000)
    if outcome == AppealStatus.DISMISSED and adjustment:
        raise ApplicationError("维持原评定时不能调整分值。", field="adjustment")
    if abs(adjustment) > APPEAL_ADJUSTMENT_LIMIT:
        raise ApplicationError(
            f"调整分值须在 −{APPEAL_ADJUSTMENT_LIMIT} 至 {APPEAL_ADJUSTMENT_LIMIT} 分之间。",
            field="adjustment",
        )
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().filter(pk=appeal_id).first()
        if appeal is None:
            raise ApplicationError("没有找到该申诉。")
        check_version(appeal, expected_version)
        if appeal.status != AppealStatus.PENDING:
            raise ApplicationError(f"该申诉{appeal.get_status_display()}，不能再处理。")
        apply_transition(
            appeal,
            new=outcome,
            transitions={AppealStatus.PENDING: frozenset(APPEAL_OUTCOMES)},
            labels=dict(AppealStatus.choices),
            actor=actor,
            event_type=f"duty.appeal_{outcome}",
            reason=decision,
            extra_fields={
                "decision": decision,
                "adjustment": adjustment,
                "decided_by": actor,
                "decided_at": timezone.now(),
            },
        )
        if adjustment:
            audit.record(
                target=appeal,
                event_type="duty.appeal_adjusted",
                actor=actor,
                new={"year": appeal.year, "adjustment": adjustment},
                reason=decision,
            )
        if outcome != AppealStatus.DISMISSED:
            _refresh(appeal.year, [appeal.member_id], actor)
        change = f"，{appeal.year}年度记分{adjustment:+d}分" if adjustment else ""
        _tell_member(
            appeal.member_id,
            f"您对{appeal.year}年度履职考核的申诉已处理（{appeal.get_status_display()}{change}）：{decision}",
            appeal,
            f"duty:appeal:{appeal.pk}:decided",
        )
    return appeal


# --- Training -------------------------------------------------------------------------------------


@dataclass
class TrainingInput:
    kind: str
    subject: str
    held_on: dt.date | None
    place: str
    organiser: str
    materials: str = ""
    meeting_id: int | None = None
    material_file: Any = None


def _clean_training(data: TrainingInput) -> Meeting | None:
    if data.kind not in TrainingKind.values:
        raise ApplicationError("请选择培训方式。", field="kind")
    _text(data.subject, field="subject", required="请填写培训主题。", limit=100)
    _text(data.place, field="place", required="请填写培训地点。", limit=100)
    _text(data.organiser, field="organiser", required="请填写组织单位。", limit=60)
    if data.meeting_id is None:
        if data.held_on is None:
            raise ApplicationError("请填写培训日期。", field="held_on")
        return None
    if data.kind != TrainingKind.MEETING:
        raise ApplicationError("只有“以会代训”的培训可以关联会议。", field="meeting")
    meeting = Meeting.objects.filter(pk=data.meeting_id).exclude(status=MeetingStatus.CANCELLED).first()
    if meeting is None:
        raise ApplicationError("请选择未取消的协商议事会。", field="meeting")
    if TrainingSession.objects.filter(meeting=meeting).exists():
        raise ApplicationError("该会议已关联一期以会代训培训。", field="meeting")
    return meeting


def training_create(*, data: TrainingInput, scope: Scope, actor: Any) -> TrainingSession:
    if not permissions.can_manage_training(scope):
        raise PermissionDenied("只有政协机关工作人员可以安排履职培训。")
    meeting = _clean_training(data)
    with transaction.atomic():
        session = TrainingSession(
            kind=data.kind,
            subject=data.subject.strip(),
            held_on=data.held_on or timezone.localdate(),
            place=data.place.strip(),
            organiser=data.organiser.strip(),
            materials=(data.materials or "").strip(),
            meeting=meeting,
            created_by=actor,
        )
        if meeting is not None:
            session.held_on = timezone.localtime(meeting.starts_at).date()
        if data.material_file is not None:
            session.material_file = data.material_file
        session.save()
        audit.record(
            target=session, event_type="duty.training_created", actor=actor, new={"status": session.status}
        )
    return session


def _locked_session(session_id: int, expected_version: int | None = None) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise ApplicationError("没有找到该培训。")
    check_version(session, expected_version)
    return session


def training_invite(*, session_id: int, member_ids: Sequence[int], scope: Scope, actor: Any) -> int:
    """Invite members (邀请参加); returns how many were new."""
    if not permissions.can_manage_training(scope):
        raise PermissionDenied("只有政协机关工作人员可以邀请委员参加培训。")
    with transaction.atomic():
        session = _locked_session(session_id)
        if session.status != TrainingStatus.PLANNED:
            raise ApplicationError(f"培训{session.get_status_display()}，不能再邀请。")
        members = list(Member.objects.filter(pk__in=member_ids, active=True))
        if not members:
            raise ApplicationError("请选择要邀请的委员。", field="members")
        have = set(session.attendees.values_list("member_id", flat=True))
        new = [TrainingAttendee(session=session, member=m, invited=True) for m in members if m.pk not in have]
        TrainingAttendee.objects.bulk_create(new, ignore_conflicts=True)
        audit.record(
            target=session,
            event_type="duty.training_invited",
            actor=actor,
            new={"members": [a.member_id for a in new]},
        )
        for attendee in new:
            _tell_member(
                attendee.member_id,
                f"邀请您参加{session.held_on:%Y年%m月%d日}的履职培训“{session.subject}”（{session.place}）。",
                session,
                f"duty:training:{session.pk}:invite:{attendee.member_id}",
            )
    return len(new)


def training_sign_up(*, session_id: int, scope: Scope, actor: Any) -> TrainingAttendee:
    member_id = permissions.own_member_id(scope)
    if member_id is None:
        raise PermissionDenied("只有政协委员可以报名参加培训。")
    with transaction.atomic():
        session = _locked_session(session_id)
        if session.status != TrainingStatus.PLANNED or session.held_on < timezone.localdate():
            raise ApplicationError("该培训已不能报名。")
        attendee, created = TrainingAttendee.objects.get_or_create(session=session, member_id=member_id)
        if created:
            audit.record(
                target=session, event_type="duty.training_signed_up", actor=actor, new={"member": member_id}
            )
    return attendee


def _check_in(
    session: TrainingSession, member_id: int, actor: Any, *, by_self: bool
) -> tuple[TrainingAttendee, bool]:
    """One check-in per member and session (a second changes nothing and returns False); a member
    who had not signed up is added. Counts in the ledger once the session is held."""
    if session.meeting_id is not None:
        raise ApplicationError("以会代训的签到请在所附会议的签到页办理。")
    if session.status == TrainingStatus.CANCELLED:
        raise ApplicationError("培训已取消，不能签到。")
    if session.held_on > timezone.localdate():
        raise ApplicationError("培训尚未开始，不能签到。")
    attendee, _ = TrainingAttendee.objects.get_or_create(session=session, member_id=member_id)
    if attendee.checked_in_at is not None:
        return attendee, False
    attendee.checked_in_at = timezone.now()
    attendee.checked_in_by = actor
    attendee.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    audit.record(
        target=session,
        event_type="duty.training_checked_in",
        actor=actor,
        new={"member": member_id, "self": by_self},
    )
    if session.status == TrainingStatus.HELD:
        _refresh(session.held_on.year, [member_id], actor)
    return attendee, True


def training_check_in(*, session_id: int, member_id: int, scope: Scope, actor: Any) -> TrainingAttendee:
    """Staff check a member in on the day or record it afterwards (a walk-in is added). A 以会代训
    session takes its attendance from its meeting's check-in instead."""
    if not permissions.can_manage_training(scope):
        raise PermissionDenied("只有政协机关工作人员可以登记培训签到。")
    with transaction.atomic():
        session = _locked_session(session_id)
        if not Member.objects.filter(pk=member_id).exists():
            raise ApplicationError("没有找到该委员。", field="member")
        attendee, _ = _check_in(session, member_id, actor, by_self=False)
    return attendee


def training_check_in_self(*, checkin_token: str, scope: Scope, actor: Any) -> tuple[TrainingAttendee, bool]:
    """A member opens the session's code (QR or link, as at a meeting) on the training day and checks
    themselves in; returns the attendance and whether it is new."""
    member_id = permissions.own_member_id(scope)
    if member_id is None:
        raise PermissionDenied("只有政协委员可以签到参加履职培训。")
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().filter(checkin_token=checkin_token).first()
        if session is None:
            raise ApplicationError("签到码无效。")
        if session.held_on < timezone.localdate() and session.meeting_id is None:
            raise ApplicationError("培训当天才能扫码签到；漏签请联系政协机关工作人员补登。")
        return _check_in(session, member_id, actor, by_self=True)


TRAINING_TRANSITIONS: dict[str, frozenset[str]] = {
    TrainingStatus.PLANNED: frozenset({TrainingStatus.HELD, TrainingStatus.CANCELLED}),
    TrainingStatus.HELD: frozenset(),
    TrainingStatus.CANCELLED: frozenset(),
}


def _session_members(session: TrainingSession) -> list[int]:
    from shangliang.duty.selectors import training_attendance

    return [
        m
        for s, members in training_attendance(session.held_on, session.held_on, status=session.status)
        if s.pk == session.pk
        for m in members
    ]


def training_mark_held(
    *, session_id: int, scope: Scope, actor: Any, expected_version: int | None = None
) -> TrainingSession:
    """planned → held: attendance now counts in the ledger and the figures."""
    if not permissions.can_manage_training(scope):
        raise PermissionDenied("只有政协机关工作人员可以登记培训举办情况。")
    with transaction.atomic():
        session = _locked_session(session_id, expected_version)
        if session.status == TrainingStatus.PLANNED and session.held_on > timezone.localdate():
            raise ApplicationError("培训日期未到，不能登记为已举办。")
        if apply_transition(
            session,
            new=TrainingStatus.HELD,
            transitions=TRAINING_TRANSITIONS,
            labels=dict(TrainingStatus.choices),
            actor=actor,
            event_type="duty.training_held",
        ):
            _refresh(session.held_on.year, _session_members(session), actor)
    return session


def training_cancel(
    *, session_id: int, reason: str, scope: Scope, actor: Any, expected_version: int | None = None
) -> TrainingSession:
    if not permissions.can_manage_training(scope):
        raise PermissionDenied("只有政协机关工作人员可以取消培训。")
    reason = _text(reason, field="reason", required="请说明取消原因。", limit=300)
    with transaction.atomic():
        session = _locked_session(session_id, expected_version)
        apply_transition(
            session,
            new=TrainingStatus.CANCELLED,
            transitions=TRAINING_TRANSITIONS,
            labels=dict(TrainingStatus.choices),
            actor=actor,
            event_type="duty.training_cancelled",
            reason=reason,
            extra_fields={"cancel_reason": reason},
        )
    return session


# --- Committees' plans ----------------------------------------------------------------------------


@dataclass
class PlannedItem:
    subject: str
    form: str
    month: int | None


def plan_save(
    *,
    committee_id: int,
    year: int,
    items: Sequence[PlannedItem],
    note: str,
    scope: Scope,
    actor: Any,
    expected_version: int | None = None,
) -> CommitteePlan:
    """Create or replace a committee's plan for a year (each committee holds at least one consultation)."""
    committee = Organisation.objects.filter(pk=committee_id, kind=OrganisationKind.SPECIAL_COMMITTEE).first()
    if committee is None:
        raise ApplicationError("请选择专门委员会。", field="committee")
    if not permissions.can_edit_plan(scope, committee):
        raise PermissionDenied("您只能编辑本专委会的年度计划。")
    cleaned = [i for i in items if (i.subject or "").strip()]
    if not cleaned:
        raise ApplicationError("每个专委会每年至少安排一次协商议事，请至少填写一项。", field="items")
    for position, item in enumerate(cleaned, start=1):
        if item.form not in TopicForm.values:
            raise ApplicationError(f"第 {position} 项：请选择协商形式。", field="items")
        if item.month is None or not 1 <= item.month <= 12:
            raise ApplicationError(f"第 {position} 项：请选择 1–12 月。", field="items")
        if len(item.subject.strip()) > 100:
            raise ApplicationError(f"第 {position} 项：主题不能超过 100 字。", field="items")
    with transaction.atomic():
        plan = CommitteePlan.objects.select_for_update().filter(committee=committee, year=year).first()
        old = None
        if plan is None:
            try:
                with transaction.atomic():
                    plan = CommitteePlan.objects.create(committee=committee, year=year, note=note.strip())
            except IntegrityError:
                plan = CommitteePlan.objects.select_for_update().get(committee=committee, year=year)
        else:
            check_version(plan, expected_version)
            old = [[i.subject, i.form, i.month] for i in plan.items.all()]
            plan.note = note.strip()
            plan.version += 1
            plan.save(update_fields=["note", "version", "updated_at"])
        plan.items.all().delete()
        PlannedConsultation.objects.bulk_create(
            PlannedConsultation(plan=plan, subject=i.subject.strip(), form=i.form, month=i.month or 1)
            for i in cleaned
        )
        audit.record(
            target=plan,
            event_type="duty.plan_saved",
            actor=actor,
            old=old,
            new=[[i.subject.strip(), i.form, i.month] for i in cleaned],
        )
    return plan


# --- Visits ---------------------------------------------------------------------------------------


@dataclass
class VisitInput:
    group_id: int | None
    visited_on: dt.date | None
    member_ids: Sequence[int]
    heard: str
    photos: Sequence[Any] = ()
    concern_texts: Sequence[str] = ()


def visit_record(*, data: VisitInput, scope: Scope, actor: Any) -> Visit:
    """An activity group's visit; concerns heard are entered (as 委员荐题 by a member, 代录 by the
    office) with the visit linked; every member present earns the visit rule."""
    from shangliang.concerns import services as concern_services
    from shangliang.concerns.models import ConcernSource, EntryChannel

    group = (
        ActivityGroup.objects.select_related("community").filter(pk=data.group_id).first()
        if data.group_id is not None
        else None
    )
    if group is None:
        raise ApplicationError("请选择活动小组。", field="group")
    group_members = set(group.members.values_list("pk", flat=True))
    if not permissions.can_record_visit(scope, group, group_members):
        raise PermissionDenied("您只能登记本人所在活动小组的走访。")
    if data.visited_on is None:
        raise ApplicationError("请填写走访日期。", field="visited_on")
    if data.visited_on > timezone.localdate():
        raise ApplicationError("走访日期不能晚于今天。", field="visited_on")
    present = [m for m in data.member_ids if m in group_members]
    if not present:
        raise ApplicationError("请选择参加走访的组员。", field="members")
    heard = _text(data.heard, field="heard", required="请填写走访中听取的意见和情况。", limit=3000)
    # Decoding photos takes seconds: done before the transaction; the files are written after it.
    encoded = images.prepare(data.photos, limit=MAX_VISIT_PHOTOS)
    with transaction.atomic():
        visit = Visit.objects.create(
            group=group, community=group.community, visited_on=data.visited_on, heard=heard, recorded_by=actor
        )
        visit.members.set(present)
        stored = [images.stored(photo, directory="visits") for photo in encoded]
        VisitPhoto.objects.bulk_create(
            [
                VisitPhoto(
                    visit=visit,
                    file=s.names["image"],
                    thumbnail=s.names["thumbnail"],
                    name=str(getattr(upload, "name", "") or "照片")[:200],
                )
                for s, upload in zip(stored, data.photos, strict=True)
            ]
        )
        images.write_after_commit(stored)
        # A member enters what they heard as 委员荐题; the office enters it on the residents' behalf.
        by_member = permissions.own_member_id(scope) is not None
        for text in data.concern_texts:
            if (text or "").strip():
                concern, _ = concern_services.concern_submit(
                    data=concern_services.ConcernInput(
                        text=text.strip(),
                        region_id=group.community_id,
                        source=ConcernSource.MEMBER if by_member else ConcernSource.RESIDENT,
                        channel=EntryChannel.ONLINE if by_member else EntryChannel.DOOR_TO_DOOR,
                    ),
                    actor=actor,
                )
                visit.concerns.add(concern)
        audit.record(target=visit, event_type="duty.visit_recorded", actor=actor, new={"members": present})
        _refresh(visit.visited_on.year, present, actor)
    return visit


def visit_withdraw(
    *, visit_id: int, reason: str, scope: Scope, actor: Any, expected_version: int | None = None
) -> Visit:
    reason = _text(reason, field="reason", required="请说明撤回原因。", limit=300)
    with transaction.atomic():
        visit = Visit.objects.select_for_update().select_related("group").filter(pk=visit_id).first()
        if visit is None:
            raise ApplicationError("没有找到该走访记录。")
        check_version(visit, expected_version)
        if not permissions.can_record_visit(
            scope, visit.group, set(visit.group.members.values_list("pk", flat=True))
        ):
            raise PermissionDenied("您无权撤回该走访记录。")
        apply_transition(
            visit,
            new=VisitStatus.WITHDRAWN,
            transitions={VisitStatus.RECORDED: frozenset({VisitStatus.WITHDRAWN})},
            labels=dict(VisitStatus.choices),
            actor=actor,
            event_type="duty.visit_withdrawn",
            reason=reason,
        )
        _refresh(visit.visited_on.year, list(visit.members.values_list("pk", flat=True)), actor)
    return visit


# --- Members' writing -----------------------------------------------------------------------------


def writing_save(
    *,
    kind: str,
    title: str,
    body: str,
    scope: Scope,
    actor: Any,
    writing_id: int | None = None,
    topic_id: int | None = None,
    expected_version: int | None = None,
) -> MemberWriting:
    """Create or edit a member's draft (社情民意 ≤ 1500 characters, one issue per report)."""
    member_id = permissions.own_member_id(scope)
    if member_id is None:
        raise PermissionDenied("只有政协委员可以撰写社情民意信息和提案。")
    if kind not in WritingKind.values:
        raise ApplicationError("请选择类型。", field="kind")
    title = _text(title, field="title", required="请填写标题。", limit=120)
    limit = 1500 if kind == WritingKind.SOCIAL_OPINION else 6000
    body = _text(body, field="body", required="请填写正文。", limit=limit)
    with transaction.atomic():
        if writing_id is None:
            writing = MemberWriting.objects.create(
                kind=kind, member_id=member_id, title=title, body=body, topic_id=topic_id
            )
            audit.record(target=writing, event_type="duty.writing_drafted", actor=actor)
            return writing
        existing = MemberWriting.objects.select_for_update().filter(pk=writing_id).first()
        if existing is None or not permissions.can_write(scope, existing):
            raise PermissionDenied("只能修改本人的草稿。")
        writing = existing
        check_version(writing, expected_version)
        writing.kind, writing.title, writing.body = kind, title, body
        writing.version += 1
        writing.save(update_fields=["kind", "title", "body", "version", "updated_at"])
        audit.record(target=writing, event_type="duty.writing_edited", actor=actor)
    return writing


def _locked_writing(writing_id: int, expected_version: int | None) -> MemberWriting:
    writing = MemberWriting.objects.select_for_update().filter(pk=writing_id).first()
    if writing is None:
        raise ApplicationError("没有找到该稿件。")
    check_version(writing, expected_version)
    return writing


def _move_writing(writing: MemberWriting, new: str, actor: Any, *, reason: str = "", **extra: Any) -> bool:
    return apply_transition(
        writing,
        new=new,
        transitions=WRITING_TRANSITIONS,
        labels=dict(WritingStatus.choices),
        actor=actor,
        event_type=f"duty.writing_{new}",
        reason=reason,
        extra_fields=extra,
    )


def writing_submit(
    *, writing_id: int, scope: Scope, actor: Any, expected_version: int | None = None
) -> MemberWriting:
    with transaction.atomic():
        writing = _locked_writing(writing_id, expected_version)
        if writing.status == WritingStatus.SUBMITTED:
            return writing
        if not permissions.can_write(scope, writing):
            raise PermissionDenied("只能提交本人的草稿。")
        today = timezone.localdate()
        _move_writing(writing, WritingStatus.SUBMITTED, actor, submitted_on=today)
        _refresh(today.year, [writing.member_id], actor)
    return writing


def writing_return(
    *, writing_id: int, note: str, scope: Scope, actor: Any, expected_version: int | None = None
) -> MemberWriting:
    """Back to the member for changes, with the office's note."""
    if not permissions.can_review_writings(scope):
        raise PermissionDenied("只有政协机关工作人员可以审核。")
    note = _text(note, field="note", required="请填写修改意见。", limit=300)
    with transaction.atomic():
        writing = _locked_writing(writing_id, expected_version)
        year = writing.submitted_on.year if writing.submitted_on else timezone.localdate().year
        _move_writing(writing, WritingStatus.DRAFT, actor, reason=note, review_note=note, submitted_on=None)
        _refresh(year, [writing.member_id], actor)
        _tell_member(
            writing.member_id,
            f"您的“{writing.title}”需修改：{note}",
            writing,
            f"duty:writing:{writing.pk}:v{writing.version}:returned",
        )
    return writing


def writing_decide(
    *,
    writing_id: int,
    adopted: bool,
    level: str,
    note: str,
    scope: Scope,
    actor: Any,
    title: str | None = None,
    body: str | None = None,
    expected_version: int | None = None,
) -> MemberWriting:
    """The office edits if needed and adopts at a level (区/市/省/全国), or does not adopt; adoption
    earns its points in the ledger and, for a proposal, starts the reply clock."""
    if not permissions.can_review_writings(scope):
        raise PermissionDenied("只有政协机关工作人员可以审核。")
    if adopted and level not in AdoptionLevel.values:
        raise ApplicationError("请选择采用层级。", field="level")
    with transaction.atomic():
        writing = _locked_writing(writing_id, expected_version)
        if writing.status != WritingStatus.SUBMITTED:
            raise ApplicationError(f"该稿件{writing.get_status_display()}，不能再审核。")
        if title is not None:
            writing.title = _text(title, field="title", required="请填写标题。", limit=120)
        if body is not None:
            writing.body = _text(body, field="body", required="请填写正文。", limit=6000)
        today = timezone.localdate()
        _move_writing(
            writing,
            WritingStatus.ADOPTED if adopted else WritingStatus.NOT_ADOPTED,
            actor,
            reason=note.strip(),
            title=writing.title,
            body=writing.body,
            level=level if adopted else "",
            decided_on=today,
            decided_by=actor,
            review_note=note.strip()[:300],
        )
        assert writing.submitted_on is not None
        _refresh(writing.submitted_on.year, [writing.member_id], actor)
        if today.year != writing.submitted_on.year:
            _refresh(today.year, [writing.member_id], actor)
        _tell_member(
            writing.member_id,
            f"您的“{writing.title}”{writing.get_status_display()}{'（' + writing.get_level_display() + '）' if adopted else ''}。",
            writing,
            f"duty:writing:{writing.pk}:decided",
        )
    return writing


def writing_reply(
    *,
    writing_id: int,
    text: str,
    replied_on: dt.date | None,
    scope: Scope,
    actor: Any,
    expected_version: int | None = None,
) -> MemberWriting:
    """The formal reply to an adopted proposal (办理答复)."""
    if not permissions.can_review_writings(scope):
        raise PermissionDenied("只有政协机关工作人员可以登记答复。")
    text = _text(text, field="reply_text", required="请填写答复内容。", limit=3000)
    if replied_on is None:
        raise ApplicationError("请填写答复日期。", field="replied_on")
    with transaction.atomic():
        writing = _locked_writing(writing_id, expected_version)
        if writing.kind != WritingKind.PROPOSAL or writing.status != WritingStatus.ADOPTED:
            raise ApplicationError("只有已立案的提案需要登记答复。")
        if writing.decided_on and replied_on < writing.decided_on:
            raise ApplicationError("答复日期不能早于立案日期。", field="replied_on")
        old = writing.replied_on.isoformat() if writing.replied_on else None
        writing.reply_text, writing.replied_on = text, replied_on
        writing.version += 1
        writing.save(update_fields=["reply_text", "replied_on", "version", "updated_at"])
        audit.record(
            target=writing,
            event_type="duty.writing_replied",
            actor=actor,
            old=old,
            new=replied_on.isoformat(),
        )
    return writing
