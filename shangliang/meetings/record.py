"""Writes of the record of a meeting and its minutes: agenda, speaker list, speeches, votes,
consensus items with dissent, unresolved items; confirmation by host and recorder, publication,
consensus → action items in one step, and the members' duty facts.

Any change to the record while the minutes are drafted withdraws a confirmation already given: the
host and the recorder confirm the same text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from shangliang.actions import services as action_services
from shangliang.actions.models import ActionItem, SourceType
from shangliang.concerns import services as concern_services
from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import scope_of
from shangliang.core.sentences import join_clauses, short_title
from shangliang.core.workdays import add_working_days_db
from shangliang.meetings import permissions
from shangliang.meetings.models import (
    AgendaItem,
    Attendance,
    ConsensusItem,
    DutyFactKind,
    Meeting,
    MeetingStatus,
    MemberDutyFact,
    Participant,
    SpeakerEntry,
    Speech,
    SpeechKind,
    UnresolvedItem,
    Vote,
)
from shangliang.meetings.services import locked_meeting, move, topics_follow, unconfirm
from shangliang.places.models import Organisation, OrganisationKind
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic, TopicStatus

CONSENSUS_WORKING_DAYS = 15  # DOMAIN §5: a consensus action item's default deadline
RECORD_KINDS: dict[str, Any] = {
    "agenda": AgendaItem,
    "speaker": SpeakerEntry,
    "speech": Speech,
    "vote": Vote,
    "consensus": ConsensusItem,
    "unresolved": UnresolvedItem,
}


def _text(value: str, *, field: str, required: str, limit: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(required, field=field)
    if len(value) > limit:
        raise ApplicationError(f"内容不能超过 {limit} 字。", field=field)
    return value


def _recording(meeting_id: int, actor: Any) -> Meeting:
    scope = scope_of(actor)
    meeting = locked_meeting(meeting_id)
    if not permissions.can_record(scope, meeting):
        if meeting.status in (MeetingStatus.MINUTES_CONFIRMED, MeetingStatus.PUBLISHED):
            raise ApplicationError("纪要已确认，会议记录不能再修改。")
        if not (
            permissions.can_manage_meeting(scope, meeting)
            or permissions.is_host(scope, meeting)
            or permissions.is_recorder(scope, meeting)
        ):
            raise PermissionDenied("只有主持人、记录人和工作人员可以记录会议。")
        raise ApplicationError(f"会议{meeting.get_status_display()}，还不能记录。")
    return meeting


def _participant(meeting: Meeting, participant_id: int | None) -> Participant:
    participant = meeting.participants.filter(pk=participant_id).first() if participant_id else None
    if participant is None:
        raise ApplicationError("请选择发言人（须为参会人员）。", field="participant")
    return participant


def _written(meeting: Meeting, actor: Any, kind: str, obj: Any) -> None:
    unconfirm(meeting)
    audit.record(target=meeting, event_type=f"meeting.{kind}_added", actor=actor, new={kind: obj.pk})


@transaction.atomic
def agenda_add(*, meeting_id: int, title: str, duration_minutes: int | None, actor: Any) -> AgendaItem:
    meeting = _recording(meeting_id, actor)
    title = _text(title, field="title", required="请填写议程。", limit=100)
    if duration_minutes is None or not 1 <= duration_minutes <= 480:
        raise ApplicationError("时长须在 1 至 480 分钟之间。", field="duration_minutes")
    position = meeting.agenda.count() + 1
    item = AgendaItem.objects.create(
        meeting=meeting, title=title, duration_minutes=duration_minutes, position=position
    )
    _written(meeting, actor, "agenda", item)
    return item


@transaction.atomic
def speaker_add(*, meeting_id: int, participant_id: int | None, actor: Any) -> SpeakerEntry:
    meeting = _recording(meeting_id, actor)
    participant = _participant(meeting, participant_id)
    if meeting.speaker_list.filter(participant=participant, done=False).exists():
        raise ApplicationError(f"{participant.name}已在发言顺序中。", field="participant")
    entry = SpeakerEntry.objects.create(
        meeting=meeting, participant=participant, position=meeting.speaker_list.count() + 1
    )
    _written(meeting, actor, "speaker", entry)
    return entry


@transaction.atomic
def speech_add(
    *,
    meeting_id: int,
    participant_id: int | None,
    summary: str,
    kind: str = SpeechKind.ORAL,
    agenda_item_id: int | None = None,
    actor: Any,
) -> Speech:
    """A speech (summary, oral or written); the speaker's turn in the list is marked done."""
    meeting = _recording(meeting_id, actor)
    participant = _participant(meeting, participant_id)
    summary = _text(summary, field="summary", required="请填写发言要点。")
    if kind not in SpeechKind.values:
        raise ApplicationError("请选择发言方式。", field="kind")
    agenda_item = meeting.agenda.filter(pk=agenda_item_id).first() if agenda_item_id else None
    speech = Speech.objects.create(
        meeting=meeting, participant=participant, summary=summary, kind=kind, agenda_item=agenda_item
    )
    meeting.speaker_list.filter(participant=participant, done=False).update(done=True)
    _written(meeting, actor, "speech", speech)
    return speech


@transaction.atomic
def vote_add(
    *,
    meeting_id: int,
    question: str,
    votes_for: int | None,
    votes_against: int | None,
    votes_abstain: int | None,
    actor: Any,
    others_present: int | None = None,
) -> Vote:
    """A show of hands. Its total may reach everyone at the meeting: checked-in participants,
    registered residents and ``others_present``, the people counted in the room without signing in
    (kept on the meeting: the largest number recorded)."""
    meeting = _recording(meeting_id, actor)
    if others_present is not None:
        if others_present < 0:
            raise ApplicationError("人数须为 0 或正整数。", field="others_present")
        if others_present > meeting.others_present:
            meeting.others_present = others_present
            Meeting.objects.filter(pk=meeting.pk).update(others_present=others_present)
    question = _text(question, field="question", required="请填写表决事项。", limit=200)
    counts = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
    for name, value in counts.items():
        if value is None or value < 0:
            raise ApplicationError("票数须为 0 或正整数。", field=name)
    total = sum(v for v in counts.values() if v is not None)
    if total == 0:
        raise ApplicationError("请填写表决票数。", field="votes_for")
    present = meeting.participants.filter(checked_in_at__isnull=False).count()
    registrations = meeting.registrations.filter(status="confirmed").count()
    attending = present + registrations + meeting.others_present
    if present and total > attending:
        raise ApplicationError(
            f"表决总票数（{total}）超过到会人数（{attending}）。如有未签到的到会群众，请填写“其他到会人数”。",
            field="votes_for",
        )
    vote = Vote.objects.create(meeting=meeting, question=question, **counts)
    _written(meeting, actor, "vote", vote)
    return vote


def _department(department_id: int | None) -> Organisation | None:
    if not department_id:
        return None
    department = Organisation.objects.filter(
        pk=department_id, kind__in=(OrganisationKind.DEPARTMENT, OrganisationKind.GOVERNMENT), active=True
    ).first()
    if department is None:
        raise ApplicationError("请选择有效的承办单位。", field="department")
    return department


@transaction.atomic
def consensus_add(
    *,
    meeting_id: int,
    text: str,
    actor: Any,
    dissent: str = "",
    topic_id: int | None = None,
    department_id: int | None = None,
    responsible_person: str = "",
) -> ConsensusItem:
    meeting = _recording(meeting_id, actor)
    text = _text(text, field="text", required="请填写共识内容。")
    topic = meeting.topics.filter(pk=topic_id).first() if topic_id else None
    if topic_id and topic is None:
        raise ApplicationError("请选择本次会议的议题。", field="topic")
    if topic is None and meeting.topics.count() == 1:
        topic = meeting.topics.first()
    item = ConsensusItem.objects.create(
        meeting=meeting,
        text=text,
        dissent=(dissent or "").strip()[:2000],
        topic=topic,
        department=_department(department_id),
        responsible_person=(responsible_person or "").strip()[:30],
    )
    _written(meeting, actor, "consensus", item)
    return item


@transaction.atomic
def unresolved_add(*, meeting_id: int, text: str, actor: Any, next_step: str = "") -> UnresolvedItem:
    meeting = _recording(meeting_id, actor)
    item = UnresolvedItem.objects.create(
        meeting=meeting,
        text=_text(text, field="text", required="请填写未决事项。"),
        next_step=(next_step or "").strip()[:200],
    )
    _written(meeting, actor, "unresolved", item)
    return item


@transaction.atomic
def record_remove(*, meeting_id: int, kind: str, item_id: int, actor: Any) -> None:
    """Take back one line of the record (entered by mistake) while it may still be written."""
    meeting = _recording(meeting_id, actor)
    model = RECORD_KINDS.get(kind)
    if model is None:
        raise ApplicationError("无法删除该记录。")
    deleted, _ = model.objects.filter(meeting=meeting, pk=item_id).delete()
    if deleted:
        unconfirm(meeting)
        audit.record(target=meeting, event_type=f"meeting.{kind}_removed", actor=actor, old={kind: item_id})


@transaction.atomic
def minutes_update(*, meeting_id: int, summary: str, actor: Any) -> Meeting:
    meeting = _recording(meeting_id, actor)
    summary = (summary or "").strip()
    if len(summary) > 5000:
        raise ApplicationError("会议概述不能超过 5000 字。", field="summary")
    Meeting.objects.filter(pk=meeting.pk).update(minutes_summary=summary)
    meeting.minutes_summary = summary
    unconfirm(meeting)
    audit.record(target=meeting, event_type="meeting.minutes_edited", actor=actor)
    return meeting


@transaction.atomic
def minutes_confirm(*, meeting_id: int, actor: Any) -> Meeting:
    """The host or the recorder signs the minutes; with both signatures they are confirmed and
    the members' duty facts are written."""
    scope = scope_of(actor)
    meeting = locked_meeting(meeting_id)
    if meeting.status != MeetingStatus.MINUTES_DRAFT:
        raise ApplicationError(f"会议{meeting.get_status_display()}，不能确认纪要。")
    if not permissions.can_confirm_minutes(scope, meeting):
        raise PermissionDenied("纪要须由本次会议的主持人和记录人本人确认。")
    if not meeting.consensus_items.exists() and not meeting.unresolved_items.exists():
        raise ApplicationError("纪要中至少应有一项共识或一项未决事项，才能确认。")
    now = timezone.now()
    role = "host" if permissions.is_host(scope, meeting) else "recorder"
    setattr(meeting, f"{role}_confirmed_at", now)
    Meeting.objects.filter(pk=meeting.pk).update(**{f"{role}_confirmed_at": now})
    audit.record(target=meeting, event_type=f"meeting.minutes_signed_{role}", actor=actor)
    if meeting.minutes_confirmed_by_both:
        move(meeting, MeetingStatus.MINUTES_CONFIRMED, actor, extra={"confirmed_at": now})
        record_duty_facts(meeting)
    return meeting


@transaction.atomic
def minutes_publish(*, meeting_id: int, actor: Any, expected_version: int | None = None) -> Meeting:
    """minutes_confirmed → published: the public version (no personal data) goes on the meeting's
    page; the topics count as consulted."""
    meeting = locked_meeting(meeting_id, expected_version)
    if move(meeting, MeetingStatus.PUBLISHED, actor, extra={"published_at": timezone.now()}):
        topics_follow(meeting, {TopicStatus.SCHEDULED: TopicStatus.CONSULTED}, actor)
    return meeting


@dataclass
class Assignment:
    """One consensus item turned into an action item."""

    consensus_id: int
    department_id: int | None
    deadline: dt.date | None
    responsible_person: str = ""


def default_deadline(start: dt.date | None = None) -> dt.date:
    return add_working_days_db(start or timezone.localdate(), CONSENSUS_WORKING_DAYS)


@transaction.atomic
def consensus_assign(*, meeting_id: int, assignments: Sequence[Assignment], actor: Any) -> list[ActionItem]:
    """In one step: each consensus item becomes an action item (responsible unit and person,
    deadline); the topics move to implementing; the residents who raised them are told the
    consensus on their tracking page and by SMS. Items already assigned are skipped."""
    meeting = locked_meeting(meeting_id)
    if not permissions.can_assign_consensus(scope_of(actor), meeting):
        if meeting.status not in (MeetingStatus.MINUTES_CONFIRMED, MeetingStatus.PUBLISHED):
            raise ApplicationError("纪要经主持人和记录人确认后才能交办共识事项。")
        raise PermissionDenied("您无权交办该会议的共识事项。")
    if not assignments:
        raise ApplicationError("没有需要交办的共识事项。")
    items = {c.pk: c for c in meeting.consensus_items.select_related("topic").select_for_update(of=("self",))}
    created: list[ActionItem] = []
    for index, assignment in enumerate(assignments):
        consensus = items.get(assignment.consensus_id)
        if consensus is None:
            raise ApplicationError("请选择本次会议的共识事项。")
        if consensus.action_item_id is not None:
            continue
        person = (assignment.responsible_person or consensus.responsible_person or "").strip()[:30]
        try:
            action = action_services.action_create(
                title=short_title(consensus.text),
                description=_action_description(meeting, consensus, person),
                department_id=assignment.department_id,
                deadline=assignment.deadline,
                region=meeting.region,
                actor=actor,
                topic=consensus.topic,
                source_type=SourceType.CONSENSUS,
                source_model="meetings.consensusitem",
                source_id=consensus.pk,
            )
        except ApplicationError as error:
            raise ApplicationError(f"第 {index + 1} 项：{error.message}", field=error.field) from error
        consensus.action_item = action
        consensus.department_id = assignment.department_id
        consensus.responsible_person = person
        consensus.save(update_fields=["action_item", "department", "responsible_person", "updated_at"])
        created.append(action)
    if created:
        audit.record(
            target=meeting,
            event_type="meeting.consensus_assigned",
            actor=actor,
            new={"actions": [a.pk for a in created]},
        )
        _topics_to_implementing(meeting, actor)
        _tell_residents_consensus(meeting, actor)
    return created


def _action_description(meeting: Meeting, consensus: ConsensusItem, person: str) -> str:
    start = timezone.localtime(meeting.starts_at)
    lines = [f"来源：{start:%Y年%m月%d日}协商议事会“{meeting.title}”共识事项。", consensus.text]
    if person:
        lines.append(f"责任人：{person}")
    if consensus.dissent:
        lines.append(f"会上不同意见：{consensus.dissent}")
    return "\n".join(lines)


def _topics_to_implementing(meeting: Meeting, actor: Any) -> None:
    for topic in meeting.topics.all():
        for new in _path_to_implementing(topic):
            topic_services.topic_transition(topic_id=topic.pk, new=new, actor=actor)


def _path_to_implementing(topic: Topic) -> list[str]:
    paths: dict[str, list[str]] = {
        TopicStatus.APPROVED: [TopicStatus.SCHEDULED, TopicStatus.CONSULTED, TopicStatus.IMPLEMENTING],
        TopicStatus.SCHEDULED: [TopicStatus.CONSULTED, TopicStatus.IMPLEMENTING],
        TopicStatus.CONSULTED: [TopicStatus.IMPLEMENTING],
        TopicStatus.REOPENED: [TopicStatus.IMPLEMENTING],
    }
    return paths.get(topic.status, [])


def consensus_public_text(meeting: Meeting, items: Sequence[ConsensusItem]) -> str:
    """What residents read: the consensus, no names. Kept short enough for an SMS and a timeline row."""
    joined = join_clauses(f"{i + 1}. {c.text}" for i, c in enumerate(items))
    text = f"协商议事会“{meeting.title}”达成共识：{joined}"
    return text if len(text) <= 290 else text[:289] + "…"


def _tell_residents_consensus(meeting: Meeting, actor: Any) -> None:
    items = list(meeting.consensus_items.all())
    for topic in meeting.topics.all():
        own = [c for c in items if c.topic_id in (topic.pk, None)] or items
        concern_services.inform_residents(
            concerns=topic_services.active_concerns(topic),
            text=consensus_public_text(meeting, own),
            event_type="concern.meeting_consensus",
            key=f"meeting:{meeting.pk}:consensus:{topic.pk}",
            actor=actor,
        )


# --- Duty facts -----------------------------------------------------------------------------------


def record_duty_facts(meeting: Meeting) -> int:
    """Write what each member did at ``meeting`` (idempotent: one row per member, kind and source).
    Attendance and unexcused absence come from the attendance list, speeches from the speeches,
    convening from the host's member link. Returns how many rows were new."""
    day = timezone.localtime(meeting.starts_at).date()
    facts: list[tuple[int, str, str, int]] = []
    kind: str
    for p in meeting.participants.filter(member__isnull=False):
        assert p.member_id is not None
        if p.attendance == Attendance.PRESENT:
            facts.append((p.member_id, DutyFactKind.ATTENDANCE, "meetings.participant", p.pk))
        elif p.attendance == Attendance.ABSENT:
            facts.append((p.member_id, DutyFactKind.UNEXCUSED_ABSENCE, "meetings.participant", p.pk))
    for speech in meeting.speeches.filter(participant__member__isnull=False).select_related("participant"):
        kind = DutyFactKind.SPEECH_WRITTEN if speech.kind == SpeechKind.WRITTEN else DutyFactKind.SPEECH_ORAL
        assert speech.participant.member_id is not None
        facts.append((speech.participant.member_id, kind, "meetings.speech", speech.pk))
    host_member = getattr(meeting.host, "member_id", None)
    if host_member:
        facts.append((host_member, DutyFactKind.CONVENING, "meetings.meeting", meeting.pk))
    new = 0
    for member_id, kind, source_model, source_id in facts:
        _, created = MemberDutyFact.objects.get_or_create(
            member_id=member_id,
            kind=kind,
            source_model=source_model,
            source_id=source_id,
            defaults={"meeting": meeting, "meeting_form": meeting.form, "occurred_on": day},
        )
        new += created
    return new
