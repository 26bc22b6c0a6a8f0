"""Writes of meetings before and around the meeting itself: plan (with conflicts and notice rules),
invite, notify, postpone, cancel, public sign-up with a waiting list, replies to invitations,
check-in, open and close, attendance. The record of the meeting and the minutes are in ``record``.

Each state change locks the meeting, checks the version the form was rendered with, the permission
predicate and ``MEETING_TRANSITIONS``, saves, audits, and writes its notifications to the outbox in
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shangliang.accounts.models import User
from shangliang.concerns import services as concern_services
from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.core.sentences import join_clauses, sentence
from shangliang.core.transitions import apply_transition, check_version
from shangliang.core.workdays import working_days_between_db
from shangliang.files import uploads
from shangliang.meetings import permissions, rules
from shangliang.meetings.models import (
    BOOKED_STATUSES,
    EDITABLE_STATUSES,
    MEETING_TRANSITIONS,
    Attendance,
    Meeting,
    MeetingMaterial,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Registration,
    RegistrationStatus,
    Rsvp,
    SiteKind,
)
from shangliang.notifications import links
from shangliang.notifications.services import enqueue_inbox, enqueue_sms
from shangliang.places.models import Member, Organisation, Region, Room
from shangliang.privacy import personal
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic, TopicForm, TopicPurpose, TopicStatus

LABELS = dict(MeetingStatus.choices)
MAX_MATERIALS = 20
# Topics a meeting may be planned for: approved, or already in consultation or implementation (a
# follow-up meeting), or reopened after a failed evaluation.
PLANNABLE_TOPIC_STATUSES = frozenset(
    {
        TopicStatus.APPROVED,
        TopicStatus.SCHEDULED,
        TopicStatus.CONSULTED,
        TopicStatus.IMPLEMENTING,
        TopicStatus.REOPENED,
    }
)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def site_url() -> str:
    """The public address every link in an SMS starts with."""
    return links.site_url()


# --- Planning -------------------------------------------------------------------------------------


@dataclass
class MeetingDraft:
    """What the planning form collects (validated again here)."""

    title: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    host_id: int | None
    recorder_id: int | None
    topic_ids: Sequence[int] = ()
    region_id: int | None = None
    description: str = ""
    form: str = TopicForm.MICRO
    purpose: str = TopicPurpose.DELIBERATE
    site_kind: str = SiteKind.ROOM
    room_id: int | None = None
    address: str = ""
    is_public: bool = False
    signup_capacity: int | None = None


@dataclass
class Invitee:
    """One person to invite: a member, someone from an organisation, or a named person."""

    role: str
    name: str = ""
    member_id: int | None = None
    organisation_id: int | None = None
    user_id: int | None = None
    phone: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Conflict:
    kind: str  # room | host | recorder | member: also the form field it is reported on
    message: str
    meeting_id: int
    blocking: bool


@dataclass
class PlanCheck:
    """What stands in the way of planning: conflicts that refuse, and warnings to confirm."""

    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.blocking]

    @property
    def to_confirm(self) -> list[str]:
        return self.warnings + [c.message for c in self.conflicts if not c.blocking]


def _clean_draft(draft: MeetingDraft, *, actor: Any, existing: Meeting | None = None) -> dict[str, Any]:
    title = (draft.title or "").strip()
    if len(title) < 4:
        raise ApplicationError("请填写会议名称（至少 4 个字）。", field="title")
    if len(title) > 100:
        raise ApplicationError("会议名称不能超过 100 字。", field="title")
    if draft.form not in TopicForm.values:
        raise ApplicationError("请选择协商形式。", field="form")
    if draft.purpose not in TopicPurpose.values:
        raise ApplicationError("请选择协商目的。", field="purpose")
    if draft.starts_at is None:
        raise ApplicationError("请填写开始时间。", field="starts_at")
    if draft.ends_at is None:
        raise ApplicationError("请填写结束时间。", field="ends_at")
    if draft.ends_at <= draft.starts_at:
        raise ApplicationError("结束时间须晚于开始时间。", field="ends_at")
    if draft.starts_at < timezone.now():
        raise ApplicationError("开始时间已过，不能把会议安排在过去。", field="starts_at")
    if draft.ends_at - draft.starts_at > dt.timedelta(hours=12):
        raise ApplicationError("一次会议不能超过 12 小时，请检查结束时间。", field="ends_at")
    topics = list(Topic.objects.select_related("region", "community").filter(pk__in=list(draft.topic_ids)))
    if len(topics) != len(set(draft.topic_ids)):
        raise ApplicationError("请选择有效的议题。", field="topics")
    for topic in topics:
        if topic.status not in PLANNABLE_TOPIC_STATUSES and not (
            existing is not None and existing.topics.filter(pk=topic.pk).exists()
        ):
            raise ApplicationError(
                f"议题“{topic.title}”{topic.get_status_display()}，不能安排协商。", field="topics"
            )
    if draft.site_kind not in SiteKind.values:
        raise ApplicationError("请选择会议地点类型。", field="site_kind")
    room: Room | None = None
    address = (draft.address or "").strip()
    if draft.site_kind == SiteKind.ROOM:
        room = (
            Room.objects.select_related("region").filter(pk=draft.room_id, active=True).first()
            if draft.room_id
            else None
        )
        if room is None:
            raise ApplicationError("请选择议事室。", field="room")
    elif not address:
        raise ApplicationError("请填写现场地址。", field="address")
    region = _region(draft, topics, room)
    if not permissions.can_plan_in(scope_of(actor), region):
        raise PermissionDenied("您不能在该区域安排协商议事会。")
    host = User.objects.filter(pk=draft.host_id, is_active=True).first() if draft.host_id else None
    if host is None:
        raise ApplicationError("请选择主持人。", field="host")
    recorder = (
        User.objects.filter(pk=draft.recorder_id, is_active=True).first() if draft.recorder_id else None
    )
    if recorder is None:
        raise ApplicationError("请选择记录人。", field="recorder")
    if host.pk == recorder.pk:
        raise ApplicationError("主持人和记录人须由两人分别担任，以便共同确认纪要。", field="recorder")
    capacity = draft.signup_capacity
    if capacity is not None:
        if capacity < 1:
            raise ApplicationError("报名名额至少为 1 人。", field="signup_capacity")
        if not draft.is_public:
            raise ApplicationError("只有公开会议可以开放公众报名。", field="signup_capacity")
        if room is not None and capacity > room.capacity:
            raise ApplicationError(
                f"报名名额超过议事室可容纳人数（{room.capacity} 人）。", field="signup_capacity"
            )
    return {
        "title": title,
        "description": (draft.description or "").strip(),
        "form": draft.form,
        "purpose": draft.purpose,
        "region": region,
        "region_path": region.path,
        "site_kind": draft.site_kind,
        "room": room,
        "address": "" if room is not None else address,
        "starts_at": draft.starts_at,
        "ends_at": draft.ends_at,
        "host": host,
        "recorder": recorder,
        "is_public": draft.is_public,
        "signup_capacity": capacity,
        "_topics": topics,
    }


def _region(draft: MeetingDraft, topics: list[Topic], room: Room | None) -> Region:
    if draft.region_id:
        region = Region.objects.filter(pk=draft.region_id).first()
        if region is None:
            raise ApplicationError("请选择区域。", field="region")
        return region
    if room is not None:
        return room.region
    for topic in topics:
        return topic.community or topic.region
    raise ApplicationError("请选择议题或会议所在区域。", field="topics")


def find_conflicts(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room_id: int | None,
    people_ids: Iterable[int],
    member_ids: Iterable[int],
    exclude_id: int | None = None,
) -> list[Conflict]:
    """Other meetings at an overlapping time holding the same room (refused), the same host or
    recorder (refused), or an invited member who has not declined (a warning: they choose).
    ``people_ids`` are this meeting's host then recorder: a conflict is reported on that field."""
    fields: dict[int, str] = {}
    for name, pk in zip(("host", "recorder"), people_ids, strict=False):
        fields.setdefault(pk, name)
    people = set(fields)
    members = set(member_ids)
    overlapping = (
        Meeting.objects.filter(status__in=BOOKED_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .select_related("room", "host", "recorder")
        .order_by("starts_at", "pk")
    )
    if exclude_id is not None:
        overlapping = overlapping.exclude(pk=exclude_id)
    conflicts: list[Conflict] = []
    when = "{:%m月%d日 %H:%M}"
    for other in overlapping:
        at = when.format(timezone.localtime(other.starts_at))
        if room_id is not None and other.room_id == room_id:
            conflicts.append(
                Conflict("room", f"议事室“{other.room}”在{at}已安排“{other.title}”", other.pk, True)
            )
        for person in (other.host, other.recorder):
            if person.pk in people:
                conflicts.append(
                    Conflict(
                        fields[person.pk],
                        f"{person}在{at}已担任“{other.title}”的主持人或记录人",
                        other.pk,
                        True,
                    )
                )
        if members:
            busy = other.participants.filter(member_id__in=members).exclude(rsvp=Rsvp.DECLINED)
            for p in busy:
                conflicts.append(
                    Conflict("member", f"委员{p.name}在{at}已受邀参加“{other.title}”", other.pk, False)
                )
    return conflicts


def plan_check(meeting: Meeting) -> PlanCheck:
    """The conflicts and notice warnings of ``meeting`` as it stands."""
    member_ids = [i for i in meeting.participants.values_list("member_id", flat=True) if i is not None]
    conflicts = find_conflicts(
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        room_id=meeting.room_id,
        people_ids=[meeting.host_id, meeting.recorder_id],
        member_ids=member_ids,
        exclude_id=meeting.pk,
    )
    warnings = rules.notice_warnings(
        form=meeting.form,
        form_label=meeting.get_form_display(),
        today=timezone.localdate(),
        meeting_day=timezone.localtime(meeting.starts_at).date(),
        has_materials=meeting.materials.exists(),
        working_days_between=working_days_between_db,
    )
    return PlanCheck(conflicts=conflicts, warnings=warnings)


def _refuse_blocking(values: dict[str, Any], exclude_id: int | None) -> None:
    conflicts = find_conflicts(
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        room_id=values["room"].pk if values["room"] else None,
        people_ids=[values["host"].pk, values["recorder"].pk],
        member_ids=[],
        exclude_id=exclude_id,
    )
    blocking = [c for c in conflicts if c.blocking]
    if blocking:
        raise ApplicationError(
            sentence("时间冲突：" + join_clauses(c.message for c in blocking)), field=blocking[0].kind
        )


def _clean_files(files: Sequence[Any]) -> None:
    if len(files) > MAX_MATERIALS:
        raise ApplicationError(f"一次最多上传 {MAX_MATERIALS} 个文件。", field="files")
    for file in files:
        try:
            uploads.validate_upload(file)
        except ValidationError as exc:
            raise ApplicationError(
                f"文件“{getattr(file, 'name', '')}”未能上传：{exc.messages[0]}", field="files"
            ) from exc


def _store_files(meeting: Meeting, files: Sequence[Any], actor: Any) -> None:
    for file in files:
        name = str(getattr(file, "name", "附件"))[:200]
        material = MeetingMaterial(meeting=meeting, name=name, uploaded_by=_user(actor))
        material.file.save(name, file, save=False)
        material.save()


def meeting_create(
    *, draft: MeetingDraft, actor: Any, invitees: Sequence[Invitee] = (), files: Sequence[Any] = ()
) -> Meeting:
    """A meeting in draft with its invitees and materials; a room or host booked twice is refused."""
    values = _clean_draft(draft, actor=actor)
    topics = values.pop("_topics")
    _clean_files(files)
    with transaction.atomic():
        _refuse_blocking(values, None)
        meeting = Meeting.objects.create(**values, created_by=_user(actor))
        meeting.topics.set(topics)
        for invitee in invitees:
            _add_participant(meeting, invitee)
        _store_files(meeting, files, actor)
        audit.record(
            target=meeting,
            event_type="meeting.created",
            actor=actor,
            new={
                "status": meeting.status,
                "starts_at": meeting.starts_at.isoformat(),
                "topics": [t.pk for t in topics],
            },
        )
    return meeting


def locked_meeting(meeting_id: int, expected_version: int | None = None) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("region", "room", "host", "recorder")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise ApplicationError("没有找到该会议。")
    check_version(meeting, expected_version)
    return meeting


def meeting_update(
    *, meeting_id: int, draft: MeetingDraft, actor: Any, expected_version: int | None = None
) -> Meeting:
    """Change time, place, people or topics while the meeting is a draft, planned or postponed.
    A planned meeting whose time changes must be notified again, so it stays planned."""
    with transaction.atomic():
        meeting = locked_meeting(meeting_id, expected_version)
        if not permissions.can_edit_plan(scope_of(actor), meeting):
            if meeting.status not in EDITABLE_STATUSES:
                raise ApplicationError(f"会议{meeting.get_status_display()}，不能再修改安排。")
            raise PermissionDenied("您无权修改该会议的安排。")
        values = _clean_draft(draft, actor=actor, existing=meeting)
        topics = values.pop("_topics")
        _refuse_blocking(values, meeting.pk)
        old = {"starts_at": meeting.starts_at.isoformat(), "place": meeting.place}
        for key, value in values.items():
            setattr(meeting, key, value)
        meeting.version += 1
        meeting.save()
        meeting.topics.set(topics)
        audit.record(
            target=meeting,
            event_type="meeting.updated",
            actor=actor,
            old=old,
            new={"starts_at": meeting.starts_at.isoformat(), "place": meeting.place},
        )
    return meeting


def meeting_add_materials(*, meeting_id: int, files: Sequence[Any], actor: Any) -> Meeting:
    if not files:
        raise ApplicationError("请选择要上传的文件。", field="files")
    _clean_files(files)
    with transaction.atomic():
        meeting = locked_meeting(meeting_id)
        if not permissions.can_manage_meeting(scope_of(actor), meeting):
            raise PermissionDenied("您无权为该会议上传材料。")
        if meeting.materials.count() + len(files) > MAX_MATERIALS * 2:
            raise ApplicationError("该会议的材料已达上限。", field="files")
        _store_files(meeting, files, actor)
        audit.record(
            target=meeting, event_type="meeting.materials_added", actor=actor, new={"files": len(files)}
        )
    return meeting


# --- Participants ---------------------------------------------------------------------------------


def _add_participant(meeting: Meeting, invitee: Invitee, *, walk_in: bool = False) -> Participant:
    if invitee.role not in ParticipantRole.values:
        raise ApplicationError("请选择参会身份。", field="role")
    member = organisation = user = None
    name = (invitee.name or "").strip()
    if invitee.member_id:
        member = Member.objects.filter(pk=invitee.member_id, active=True).first()
        if member is None:
            raise ApplicationError("请选择在任的政协委员。", field="member")
        name = name or member.name
        user = User.objects.filter(member=member, is_active=True).first()
    if invitee.organisation_id:
        organisation = Organisation.objects.filter(pk=invitee.organisation_id, active=True).first()
        if organisation is None:
            raise ApplicationError("请选择有效的单位。", field="organisation")
        name = name or f"{organisation.short_name or organisation.name}负责同志"
    if invitee.user_id and user is None:
        user = User.objects.filter(pk=invitee.user_id, is_active=True).first()
        if user is None:
            raise ApplicationError("请选择有效的人员。", field="user")
        name = name or str(user)
    if not name:
        raise ApplicationError("请填写参会人员姓名。", field="name")
    if len(name) > 30:
        raise ApplicationError("姓名不能超过 30 字。", field="name")
    phone = ""
    if invitee.phone.strip():
        try:
            phone = personal.normalize_mobile(invitee.phone)
        except personal.InvalidPhone as exc:
            raise ApplicationError(f"{name}的手机号：{exc}", field="phone") from exc
    duplicate = Q(member=member) if member else Q(user=user) if user else None
    if duplicate is not None and meeting.participants.filter(duplicate).exists():
        raise ApplicationError(f"{name}已在参会名单中。", field="name")
    try:
        with transaction.atomic():
            return Participant.objects.create(
                meeting=meeting,
                role=invitee.role,
                name=name,
                unit=(
                    invitee.unit
                    or (organisation.name if organisation else "")
                    or (member.work_unit if member else "")
                )[:80],
                member=member,
                organisation=organisation,
                user=user,
                phone_encrypted=personal.encrypt(phone) if phone else "",
                walk_in=walk_in,
            )
    except IntegrityError as exc:
        raise ApplicationError(f"{name}已在参会名单中。", field="name") from exc


def participant_add(*, meeting_id: int, invitee: Invitee, actor: Any) -> Participant:
    """Invite one more person. After the notice went out, the new invitee is notified at once."""
    with transaction.atomic():
        meeting = locked_meeting(meeting_id)
        if not permissions.can_manage_meeting(scope_of(actor), meeting):
            raise PermissionDenied("您无权修改该会议的参会人员。")
        if meeting.status not in (*EDITABLE_STATUSES, MeetingStatus.NOTIFIED):
            raise ApplicationError(f"会议{meeting.get_status_display()}，不能再邀请参会人员。")
        participant = _add_participant(meeting, invitee)
        audit.record(
            target=meeting,
            event_type="meeting.participant_added",
            actor=actor,
            new={"participant": participant.pk, "role": participant.role},
        )
        if meeting.status == MeetingStatus.NOTIFIED:
            _invite(meeting, participant, site_url())
    return participant


def participant_remove(*, participant_id: int, actor: Any) -> None:
    with transaction.atomic():
        participant = Participant.objects.select_related("meeting").filter(pk=participant_id).first()
        if participant is None:
            raise ApplicationError("没有找到该参会人员。")
        meeting = locked_meeting(participant.meeting_id)
        if not permissions.can_manage_meeting(scope_of(actor), meeting):
            raise PermissionDenied("您无权修改该会议的参会人员。")
        if meeting.status not in EDITABLE_STATUSES:
            raise ApplicationError("会议通知已发出，不能移除参会人员；如其不能参加，请登记请假。")
        participant.delete()
        audit.record(
            target=meeting,
            event_type="meeting.participant_removed",
            actor=actor,
            old={"name": participant.name},
        )


def participant_phone(participant: Participant) -> str:
    """Where an SMS can reach the participant: their own number, or the member record's."""
    if participant.phone_encrypted:
        return personal.decrypt(participant.phone_encrypted)
    if participant.member is not None and participant.member.phone:
        return participant.member.phone
    if participant.user is not None and participant.user.phone:
        return str(participant.user.phone)
    return ""


def send_sms(phone: str, body: str, about: Any, key: str) -> None:
    if not phone:
        return
    try:
        enqueue_sms(phone=phone, body=body, about=about, dedupe_key=key)
    except personal.InvalidPhone:
        # A member record with a landline: the inbox notice (if they sign in) still reaches them.
        return


def when_text(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    return f"{start:%m月%d日 %H:%M}–{end:%H:%M}"


def _invite(meeting: Meeting, participant: Participant, base: str) -> None:
    link = base + reverse("meetings:invitation", kwargs={"token": participant.token})
    body = f"诚邀您参加协商议事会“{meeting.title}”，时间：{when_text(meeting)}，地点：{meeting.place}。请点击回复是否参加：{link}"
    key = f"meeting:{meeting.pk}:v{meeting.version}:invite:{participant.pk}"
    send_sms(participant_phone(participant), body, meeting, key)
    if participant.user is not None:
        enqueue_inbox(user=participant.user, body=body, about=meeting, dedupe_key=key + ":inbox")
    elif participant.organisation is not None:
        # An invited department: its officers see the invitation in their inbox and answer for it.
        for officer in User.objects.filter(
            role=Role.OFFICER, organisation=participant.organisation, is_active=True
        ).order_by("pk"):
            enqueue_inbox(
                user=officer,
                body=f"{participant.organisation.name}受邀参加协商议事会“{meeting.title}”，时间：{when_text(meeting)}，"
                f"地点：{meeting.place}。请回复是否派员参加：{link}",
                about=meeting,
                dedupe_key=f"{key}:inbox:{officer.pk}",
            )
    Participant.objects.filter(pk=participant.pk).update(invited_at=timezone.now())


def _tell_participants(meeting: Meeting, body: str, key: str) -> None:
    for participant in meeting.participants.select_related("member", "user").exclude(rsvp=Rsvp.DECLINED):
        participant_key = f"meeting:{meeting.pk}:{key}:{participant.pk}"
        send_sms(participant_phone(participant), body, meeting, participant_key)
        if participant.user is not None:
            enqueue_inbox(
                user=participant.user, body=body, about=meeting, dedupe_key=participant_key + ":inbox"
            )
    for registration in meeting.registrations.exclude(status=RegistrationStatus.CANCELLED):
        send_sms(
            personal.decrypt(registration.phone_encrypted),
            body,
            meeting,
            f"meeting:{meeting.pk}:{key}:r{registration.pk}",
        )


# --- State changes --------------------------------------------------------------------------------


def move(
    meeting: Meeting, new: str, actor: Any, *, reason: str = "", extra: dict[str, Any] | None = None
) -> bool:
    if meeting.status != new and not permissions.can_transition_meeting(scope_of(actor), meeting, new):
        raise PermissionDenied("您无权对该会议执行此操作。")
    return apply_transition(
        meeting,
        new=new,
        transitions=MEETING_TRANSITIONS,
        labels=LABELS,
        actor=actor,
        event_type=f"meeting.{new}",
        reason=reason,
        extra_fields=extra,
    )


def topics_follow(meeting: Meeting, targets: dict[str, str], actor: Any) -> None:
    """Move each topic of the meeting from a status in ``targets`` to its value (through the topics
    service, which tells the residents behind it)."""
    for topic in meeting.topics.all():
        new = targets.get(topic.status)
        if new is not None:
            topic_services.topic_transition(topic_id=topic.pk, new=new, actor=actor)


def meeting_plan(
    *, meeting_id: int, actor: Any, confirm_warnings: bool = False, expected_version: int | None = None
) -> Meeting:
    """draft (or postponed) → planned. Conflicts of room or host refuse; a short notice or a member
    invited elsewhere at the same time are warnings that must be confirmed."""
    with transaction.atomic():
        meeting = locked_meeting(meeting_id, expected_version)
        if meeting.status == MeetingStatus.PLANNED:
            return meeting
        if not permissions.can_transition_meeting(scope_of(actor), meeting, MeetingStatus.PLANNED):
            raise PermissionDenied("您无权安排该会议。")
        if meeting.starts_at < timezone.now():
            raise ApplicationError("开始时间已过，请先修改会议时间。", field="starts_at")
        check = plan_check(meeting)
        if check.blocking:
            raise ApplicationError(
                sentence("时间冲突：" + join_clauses(c.message for c in check.blocking)),
                field=check.blocking[0].kind,
            )
        if check.to_confirm and not confirm_warnings:
            raise ApplicationError(
                sentence("请确认以下提醒后再安排：" + join_clauses(check.to_confirm)),
                field="confirm_warnings",
            )
        move(
            meeting,
            MeetingStatus.PLANNED,
            actor,
            reason=join_clauses(check.to_confirm),
            extra={
                "short_notice_confirmed": bool(check.warnings),
                "postpone_reason": meeting.postpone_reason,
            },
        )
        topics_follow(meeting, {TopicStatus.APPROVED: TopicStatus.SCHEDULED}, actor)
    return meeting


def meeting_notify(*, meeting_id: int, actor: Any, expected_version: int | None = None) -> Meeting:
    """planned → notified: every invitee gets their personal link (SMS where there is a phone, the
    inbox where they have an account); the residents behind the topics hear when and where."""
    base = site_url()
    with transaction.atomic():
        meeting = locked_meeting(meeting_id, expected_version)
        if not meeting.participants.exists():
            raise ApplicationError("请先添加参会人员，再发送会议通知。")
        if move(meeting, MeetingStatus.NOTIFIED, actor, extra={"notified_at": timezone.now()}):
            for participant in meeting.participants.select_related("member", "user", "organisation"):
                _invite(meeting, participant, base)
            text = f"协商议事会“{meeting.title}”定于{when_text(meeting)}在{meeting.place}召开。"
            for topic in meeting.topics.all():
                concern_services.inform_residents(
                    concerns=topic_services.active_concerns(topic),
                    text=text,
                    event_type="concern.meeting_notified",
                    key=f"meeting:{meeting.pk}:v{meeting.version}:notified",
                    actor=actor,
                )
    return meeting


def meeting_postpone(
    *, meeting_id: int, reason: str, actor: Any, expected_version: int | None = None
) -> Meeting:
    reason = _reason(reason, "请说明延期原因。")
    with transaction.atomic():
        meeting = locked_meeting(meeting_id, expected_version)
        if move(meeting, MeetingStatus.POSTPONED, actor, reason=reason, extra={"postpone_reason": reason}):
            _tell_participants(
                meeting,
                f"原定{when_text(meeting)}召开的协商议事会“{meeting.title}”延期举行（{reason}），新的时间另行通知。",
                f"v{meeting.version}:postponed",
            )
    return meeting


def meeting_cancel(
    *, meeting_id: int, reason: str, actor: Any, expected_version: int | None = None
) -> Meeting:
    reason = _reason(reason, "请说明取消原因。")
    with transaction.atomic():
        meeting = locked_meeting(meeting_id, expected_version)
        was_notified = meeting.notified_at is not None
        if move(meeting, MeetingStatus.CANCELLED, actor, reason=reason, extra={"cancel_reason": reason}):
            if was_notified:
                _tell_participants(
                    meeting,
                    f"原定{when_text(meeting)}召开的协商议事会“{meeting.title}”已取消（{reason}）。",
                    "cancelled",
                )
            for topic in meeting.topics.filter(status=TopicStatus.SCHEDULED):
                still_booked = (
                    topic.meetings.filter(status__in=BOOKED_STATUSES).exclude(pk=meeting.pk).exists()
                )
                if not still_booked:
                    topic_services.topic_transition(
                        topic_id=topic.pk, new=TopicStatus.APPROVED, actor=actor, reason=reason
                    )
    return meeting


def meeting_open(*, meeting_id: int, actor: Any, expected_version: int | None = None) -> Meeting:
    """notified → held: the meeting begins (not before the check-in window opens)."""
    with transaction.atomic():
        meeting = locked_meeting(meeting_id, expected_version)
        if (
            meeting.status == MeetingStatus.NOTIFIED
            and timezone.now() < meeting.starts_at - rules.CHECKIN_OPENS_BEFORE
        ):
            raise ApplicationError("会议尚未到开始时间，不能开始会议。")
        move(meeting, MeetingStatus.HELD, actor, extra={"held_at": timezone.now()})
    return meeting


def meeting_close(*, meeting_id: int, actor: Any, expected_version: int | None = None) -> Meeting:
    """held → minutes_draft. Attendance follows for everyone not yet recorded: checked in (or
    recorded as speaking) → 出席;
    declined with a reason → 请假; anyone else → 缺席 (staff may correct it while drafting)."""
    with transaction.atomic():
        meeting = locked_meeting(meeting_id, expected_version)
        if move(meeting, MeetingStatus.MINUTES_DRAFT, actor, extra={"closed_at": timezone.now()}):
            spoke = set(meeting.speeches.values_list("participant_id", flat=True))
            for p in meeting.participants.filter(attendance=""):
                if p.checked_in_at is not None or p.pk in spoke:
                    p.attendance = Attendance.PRESENT
                elif p.rsvp == Rsvp.DECLINED:
                    p.attendance, p.leave_reason = Attendance.LEAVE, p.rsvp_reason or "已请假"
                else:
                    p.attendance = Attendance.ABSENT
                p.save(update_fields=["attendance", "leave_reason", "updated_at"])
    return meeting


def _reason(reason: str, required: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(required, field="reason")
    if len(reason) > 300:
        raise ApplicationError("原因不能超过 300 字。", field="reason")
    return reason


# --- Invitations, sign-up, check-in ---------------------------------------------------------------


def invitation_respond(*, token: str, accept: bool, reason: str = "") -> Participant:
    """The invitee's reply through their personal link: attend, or ask for leave with a reason."""
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update().select_related("meeting").filter(token=token).first()
        )
        if participant is None:
            raise ApplicationError("邀请链接无效。")
        meeting = participant.meeting
        if (
            meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED)
            or meeting.starts_at <= timezone.now()
        ):
            raise ApplicationError(f"会议{meeting.get_status_display()}，已不能回复。")
        reason = (reason or "").strip()
        if not accept and not reason:
            raise ApplicationError("请假须填写事由。", field="reason")
        if len(reason) > 200:
            raise ApplicationError("事由不能超过 200 字。", field="reason")
        old = participant.rsvp
        participant.rsvp = Rsvp.ACCEPTED if accept else Rsvp.DECLINED
        participant.rsvp_reason = "" if accept else reason
        participant.rsvp_at = timezone.now()
        participant.save(update_fields=["rsvp", "rsvp_reason", "rsvp_at", "updated_at"])
        audit.record(
            target=meeting,
            event_type="meeting.rsvp",
            actor=participant.user,
            actor_label=participant.name,
            old={"participant": participant.pk, "rsvp": old},
            new={"participant": participant.pk, "rsvp": participant.rsvp},
            reason=participant.rsvp_reason,
        )
    return participant


def signup_open(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Derived: a public meeting with a capacity, announced, not yet begun."""
    now = now or timezone.now()
    return (
        meeting.is_public
        and meeting.signup_capacity is not None
        and meeting.status in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED)
        and now < meeting.starts_at
    )


def registration_create(*, meeting_id: int, name: str, phone: str) -> Registration:
    """A resident signs up; past the capacity they go on the waiting list (told which)."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写称呼。", field="name")
    if len(name) > 30:
        raise ApplicationError("称呼不能超过 30 字。", field="name")
    try:
        number = personal.normalize_mobile(phone)
    except personal.InvalidPhone as exc:
        raise ApplicationError(str(exc), field="phone") from exc
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
        if meeting is None or not signup_open(meeting):
            raise ApplicationError("该会议目前不接受报名。")
        if (
            meeting.registrations.filter(phone_hash=personal.lookup_hash(number))
            .exclude(status=RegistrationStatus.CANCELLED)
            .exists()
        ):
            raise ApplicationError("该手机号已报名本次会议。", field="phone")
        confirmed = meeting.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        assert meeting.signup_capacity is not None
        status = (
            RegistrationStatus.CONFIRMED
            if confirmed < meeting.signup_capacity
            else RegistrationStatus.WAITLISTED
        )
        registration, _ = Registration.objects.update_or_create(
            meeting=meeting,
            phone_hash=personal.lookup_hash(number),
            defaults={
                "name": name,
                "phone_encrypted": personal.encrypt(number),
                "phone_masked": personal.mask_phone(number),
                "status": status,
            },
        )
        audit.record(
            target=meeting,
            event_type="meeting.registered",
            actor_label="公众报名",
            new={"registration": registration.pk, "status": status},
        )
        mine = links.absolute_url("meetings:registration", token=registration.token)
        text = (
            f"您已报名协商议事会“{meeting.title}”（{when_text(meeting)}，{meeting.place}）。"
            f"查看或取消报名：{mine}"
            if status == RegistrationStatus.CONFIRMED
            else f"协商议事会“{meeting.title}”名额已满，您已进入候补名单，有空位时将短信通知您。"
            f"查看或取消候补：{mine}"
        )
        send_sms(number, text, meeting, f"meeting:{meeting.pk}:registration:{registration.pk}:{status}")
    return registration


def registration_cancel(*, token: str) -> Registration:
    """A resident withdraws; the first on the waiting list moves up and is told."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().select_related("meeting").filter(token=token).first()
        )
        if registration is None:
            raise ApplicationError("报名凭证无效。")
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        meeting = registration.meeting
        if was_confirmed:
            first = (
                meeting.registrations.filter(status=RegistrationStatus.WAITLISTED)
                .order_by("created_at", "pk")
                .first()
            )
            if first is not None:
                first.status = RegistrationStatus.CONFIRMED
                first.save(update_fields=["status", "updated_at"])
                send_sms(
                    personal.decrypt(first.phone_encrypted),
                    f"有空位了：您已由候补转为正式报名协商议事会“{meeting.title}”（{when_text(meeting)}）。"
                    f"查看或取消报名：{links.absolute_url('meetings:registration', token=first.token)}",
                    meeting,
                    f"meeting:{meeting.pk}:registration:{first.pk}:promoted",
                )
        audit.record(
            target=meeting,
            event_type="meeting.registration_cancelled",
            actor_label="公众报名",
            old={"registration": registration.pk},
        )
    return registration


def _check_window(meeting: Meeting) -> None:
    if meeting.status not in (MeetingStatus.NOTIFIED, MeetingStatus.HELD):
        raise ApplicationError(f"会议{meeting.get_status_display()}，不能签到。")
    if (
        not rules.checkin_open(starts_at=meeting.starts_at, ends_at=meeting.ends_at, now=timezone.now())
        and meeting.status != MeetingStatus.HELD
    ):
        start = timezone.localtime(meeting.starts_at - rules.CHECKIN_OPENS_BEFORE)
        raise ApplicationError(f"签到时间为会议开始前 2 小时（{start:%m月%d日 %H:%M}）至会议结束。")


def _mark_present(participant: Participant, actor: Any) -> bool:
    """One record per person: a second check-in changes nothing and returns False."""
    if participant.checked_in_at is not None:
        return False
    participant.checked_in_at = timezone.now()
    participant.checked_in_by = _user(actor)
    participant.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    audit.record(
        target=participant.meeting,
        event_type="meeting.checked_in",
        actor=actor,
        new={"participant": participant.pk},
    )
    return True


def check_in_self(*, checkin_token: str, actor: Any) -> tuple[Participant, bool]:
    """A signed-in person opens the meeting's code: checked in if invited. At a public meeting a
    member who was not invited is added as a walk-in; at a closed meeting they are refused."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录再签到。")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(checkin_token=checkin_token).first()
        if meeting is None:
            raise ApplicationError("签到码无效。")
        _check_window(meeting)
        member_id = getattr(actor, "member_id", None)
        mine = Q(user=actor) | Q(member_id=member_id) if member_id else Q(user=actor)
        participant = meeting.participants.select_for_update().filter(mine).first()
        if participant is None:
            if not (meeting.is_public and member_id):
                raise PermissionDenied("您不在本次会议的邀请名单中，请联系现场工作人员登记。")
            participant = _add_participant(
                meeting,
                Invitee(role=ParticipantRole.MEMBER, member_id=member_id, user_id=actor.pk),
                walk_in=True,
            )
        return participant, _mark_present(participant, actor)


def check_in(*, participant_id: int, actor: Any) -> tuple[Participant, bool]:
    """Staff (or the host or recorder) check an invitee in from the list."""
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .select_related("meeting")
            .filter(pk=participant_id)
            .first()
        )
        if participant is None:
            raise ApplicationError("没有找到该参会人员。")
        meeting = participant.meeting
        if not permissions.can_check_in_others(scope_of(actor), meeting):
            raise PermissionDenied("您无权为他人签到。")
        _check_window(meeting)
        return participant, _mark_present(participant, actor)


def walk_in_add(*, meeting_id: int, invitee: Invitee, actor: Any) -> Participant:
    """Someone who came without an invitation, registered by staff on the spot (and checked in)."""
    with transaction.atomic():
        meeting = locked_meeting(meeting_id)
        if not permissions.can_check_in_others(scope_of(actor), meeting):
            raise PermissionDenied("只有工作人员可以现场登记参会人员。")
        _check_window(meeting)
        participant = _add_participant(meeting, invitee, walk_in=True)
        participant.rsvp = Rsvp.ACCEPTED
        participant.save(update_fields=["rsvp"])
        _mark_present(participant, actor)
    return participant


def attendance_set(*, participant_id: int, attendance: str, actor: Any, reason: str = "") -> Participant:
    """Correct one person's attendance while the minutes are drafted: 出席, 请假 (with reason), 缺席."""
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .select_related("meeting")
            .filter(pk=participant_id)
            .first()
        )
        if participant is None:
            raise ApplicationError("没有找到该参会人员。")
        meeting = participant.meeting
        if not permissions.can_manage_meeting(scope_of(actor), meeting):
            raise PermissionDenied("您无权登记出席情况。")
        if meeting.status != MeetingStatus.MINUTES_DRAFT:
            raise ApplicationError("会议结束后、纪要确认前才能登记出席情况。")
        if attendance not in Attendance.values:
            raise ApplicationError("请选择出席情况。", field="attendance")
        reason = (reason or "").strip()
        if attendance == Attendance.LEAVE and not reason:
            raise ApplicationError("请假须填写事由。", field="reason")
        old = participant.attendance
        participant.attendance = attendance
        participant.leave_reason = reason[:200] if attendance == Attendance.LEAVE else ""
        participant.save(update_fields=["attendance", "leave_reason", "updated_at"])
        audit.record(
            target=meeting,
            event_type="meeting.attendance",
            actor=actor,
            old={"participant": participant.pk, "attendance": old},
            new={"participant": participant.pk, "attendance": attendance},
            reason=participant.leave_reason,
        )
        unconfirm(meeting)
    return participant


def unconfirm(meeting: Meeting) -> None:
    """The minutes changed: a confirmation given to the earlier text no longer holds."""
    if meeting.host_confirmed_at or meeting.recorder_confirmed_at:
        Meeting.objects.filter(pk=meeting.pk).update(host_confirmed_at=None, recorder_confirmed_at=None)
        meeting.host_confirmed_at = meeting.recorder_confirmed_at = None
