"""Consultation meetings (协商议事会): planning, invitations, check-in, the record of the meeting
(agenda, speakers, speeches, votes, consensus, unresolved items), minutes, and the duty facts members
earn from them.

The meeting's state follows ``MEETING_TRANSITIONS``; every move is one service in ``services``.
Facts that follow from dates (open for sign-up, check-in window, minutes overdue) are derived, never
stored flags.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q

from shangliang.core.models import TimeStampedModel, VersionedModel
from shangliang.topics.models import TopicForm, TopicPurpose


def new_token() -> str:
    """A personal link's secret: unguessable, URL-safe, short enough for an SMS."""
    return secrets.token_urlsafe(12)


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PLANNED = "planned", "已安排"
    NOTIFIED = "notified", "已通知"
    HELD = "held", "进行中"
    MINUTES_DRAFT = "minutes_draft", "纪要整理中"
    MINUTES_CONFIRMED = "minutes_confirmed", "纪要已确认"
    PUBLISHED = "published", "已公开"
    POSTPONED = "postponed", "已延期"
    CANCELLED = "cancelled", "已取消"


S = MeetingStatus
MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PLANNED, S.CANCELLED}),
    S.PLANNED: frozenset({S.NOTIFIED, S.POSTPONED, S.CANCELLED}),
    S.NOTIFIED: frozenset({S.HELD, S.POSTPONED, S.CANCELLED}),
    # A postponed meeting gets a new time and is planned (and notified) again.
    S.POSTPONED: frozenset({S.PLANNED, S.CANCELLED}),
    S.HELD: frozenset({S.MINUTES_DRAFT}),
    S.MINUTES_DRAFT: frozenset({S.MINUTES_CONFIRMED}),
    S.MINUTES_CONFIRMED: frozenset({S.PUBLISHED}),
    S.PUBLISHED: frozenset(),
    S.CANCELLED: frozenset(),
}

# The meeting still holds its room, host and members at its time (for conflict detection).
BOOKED_STATUSES = frozenset({S.DRAFT, S.PLANNED, S.NOTIFIED, S.HELD})
# Time, place and invitations may still change.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.PLANNED, S.POSTPONED})
# The meeting took place.
HELD_STATUSES = frozenset({S.HELD, S.MINUTES_DRAFT, S.MINUTES_CONFIRMED, S.PUBLISHED})
# The record of the meeting (agenda, speeches, votes, consensus …) may be written.
RECORDING_STATUSES = frozenset({S.NOTIFIED, S.HELD, S.MINUTES_DRAFT})
# Shown on the public site (a draft or a cancelled-before-notice meeting is not).
PUBLIC_STATUSES = frozenset(
    {
        S.PLANNED,
        S.NOTIFIED,
        S.HELD,
        S.MINUTES_DRAFT,
        S.MINUTES_CONFIRMED,
        S.PUBLISHED,
        S.POSTPONED,
        S.CANCELLED,
    }
)


class SiteKind(models.TextChoices):
    ROOM = "room", "协商议事室"
    DOOR = "door", "上门（居民家中）"
    ESTATE = "estate", "小区现场"
    COURTYARD = "courtyard", "庭院"
    ENTERPRISE = "enterprise", "企事业单位"
    OTHER = "other", "其他现场"


class Meeting(VersionedModel):
    title = models.CharField("会议名称", max_length=100)
    description = models.TextField(
        "会议说明", blank=True, help_text="公开会议会显示在公告页上，请勿填写个人信息。"
    )
    topics = models.ManyToManyField("topics.Topic", verbose_name="议题", related_name="meetings", blank=True)
    form = models.CharField("协商形式", max_length=12, choices=TopicForm.choices, default=TopicForm.MICRO)
    purpose = models.CharField(
        "协商目的", max_length=12, choices=TopicPurpose.choices, default=TopicPurpose.DELIBERATE
    )
    region = models.ForeignKey(
        "places.Region", verbose_name="所属区域", on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField("区域路径", max_length=255, db_index=True)
    site_kind = models.CharField(
        "会议地点类型", max_length=12, choices=SiteKind.choices, default=SiteKind.ROOM
    )
    room = models.ForeignKey(
        "places.Room",
        verbose_name="议事室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    address = models.CharField("现场地址", max_length=200, blank=True)
    starts_at = models.DateTimeField("开始时间", db_index=True)
    ends_at = models.DateTimeField("结束时间")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="主持人",
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
    )
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        on_delete=models.PROTECT,
        related_name="recorded_meetings",
    )
    status = models.CharField(
        "状态", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT, db_index=True
    )
    is_public = models.BooleanField(
        "公开会议", default=False, help_text="公开会议在网站上发布公告，会后公开纪要（不含个人信息）。"
    )
    signup_capacity = models.PositiveIntegerField(
        "公众报名名额", null=True, blank=True, help_text="留空表示不开放公众报名；报满后进入候补名单。"
    )
    checkin_token = models.CharField("签到码", max_length=32, unique=True, default=new_token, editable=False)
    short_notice_confirmed = models.BooleanField("已确认通知时限提醒", default=False)
    postpone_reason = models.CharField("延期原因", max_length=300, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    notified_at = models.DateTimeField("通知时间", null=True, blank=True)
    held_at = models.DateTimeField("开始时间（实际）", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间（实际）", null=True, blank=True)
    # People at the meeting who were neither invited nor registered nor checked in one by one (a
    # show of hands counts them too): recorded as a number with the vote.
    others_present = models.PositiveIntegerField("其他到会人数", default=0)
    minutes_summary = models.TextField("会议概述", blank=True)
    host_confirmed_at = models.DateTimeField("主持人确认时间", null=True, blank=True)
    recorder_confirmed_at = models.DateTimeField("记录人确认时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("纪要确认时间", null=True, blank=True)
    published_at = models.DateTimeField("纪要公开时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安排人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "协商议事会"
        verbose_name_plural = "协商议事会"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="meeting_status_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message="结束时间须晚于开始时间。",
            ),
            models.CheckConstraint(
                condition=~Q(site_kind="room") | Q(room__isnull=False),
                name="meeting_room_site_has_room",
                violation_error_message="在议事室召开的会议须选择议事室。",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="meeting_cancelled_has_reason",
                violation_error_message="取消会议须说明原因。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def place(self) -> str:
        if self.room_id is not None and self.room is not None:
            return f"{self.room.name}（{self.room.address}）"
        return f"{self.get_site_kind_display()}：{self.address}"

    @property
    def minutes_confirmed_by_both(self) -> bool:
        return self.host_confirmed_at is not None and self.recorder_confirmed_at is not None


class ParticipantRole(models.TextChoices):
    MEMBER = "member", "政协委员"
    GOVERNMENT = "government", "党委政府"
    DEPARTMENT = "department", "职能部门"
    RESIDENT = "resident", "居民代表"
    EXPERT = "expert", "专家"
    SOCIAL_WORKER = "social_worker", "社工/网格员"
    BUILDER = "builder", "施工方/企业代表"
    STAFF = "staff", "工作人员"


class Rsvp(models.TextChoices):
    PENDING = "pending", "待回复"
    ACCEPTED = "accepted", "参加"
    DECLINED = "declined", "请假"


class Attendance(models.TextChoices):
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class Participant(TimeStampedModel):
    """An invitee (or a walk-in added by staff), with their reply, check-in and attendance."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="participants"
    )
    role = models.CharField("身份", max_length=14, choices=ParticipantRole.choices)
    name = models.CharField("姓名", max_length=30)
    unit = models.CharField("单位/身份说明", max_length=80, blank=True)
    member = models.ForeignKey(
        "places.Member",
        verbose_name="政协委员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_participations",
    )
    organisation = models.ForeignKey(
        "places.Organisation",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_participations",
    )
    phone_encrypted = models.TextField("手机号（加密）", blank=True)
    token = models.CharField("邀请链接码", max_length=32, unique=True, default=new_token, editable=False)
    invited_at = models.DateTimeField("邀请发送时间", null=True, blank=True)
    rsvp = models.CharField("回复", max_length=10, choices=Rsvp.choices, default=Rsvp.PENDING)
    rsvp_reason = models.CharField("请假事由", max_length=200, blank=True)
    rsvp_at = models.DateTimeField("回复时间", null=True, blank=True)
    walk_in = models.BooleanField("现场登记", default=False)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签到操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendance = models.CharField("出席情况", max_length=10, choices=Attendance.choices, blank=True)
    leave_reason = models.CharField("请假事由", max_length=200, blank=True)

    class Meta:
        verbose_name = "参会人员"
        verbose_name_plural = "参会人员"
        ordering = ["meeting", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(member__isnull=False),
                name="participant_member_once",
                violation_error_message="该委员已在本次会议的参会名单中。",
            ),
            models.UniqueConstraint(
                fields=["meeting", "organisation", "name"],
                condition=Q(organisation__isnull=False),
                name="participant_organisation_name_once",
                violation_error_message="该单位的这位人员已在参会名单中。",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="participant_user_once",
                violation_error_message="该人员已在本次会议的参会名单中。",
            ),
            models.CheckConstraint(
                condition=~Q(attendance="leave") | ~Q(leave_reason=""),
                name="participant_leave_has_reason",
                violation_error_message="请假须填写事由。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "已报名"
    WAITLISTED = "waitlisted", "候补"
    CANCELLED = "cancelled", "已取消"


class Registration(TimeStampedModel):
    """A resident's public sign-up. Beyond the capacity it waits; a cancellation moves the first up."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField("称呼", max_length=30)
    phone_encrypted = models.TextField("手机号（加密）")
    phone_hash = models.CharField("手机号索引", max_length=64)
    phone_masked = models.CharField("手机号（脱敏）", max_length=20)
    status = models.CharField("状态", max_length=12, choices=RegistrationStatus.choices)
    token = models.CharField("报名凭证", max_length=32, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = "公众报名"
        verbose_name_plural = "公众报名"
        ordering = ["meeting", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "phone_hash"],
                name="registration_phone_once",
                violation_error_message="该手机号已报名本次会议。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.phone_masked}"


def material_upload_to(instance: MeetingMaterial, filename: str) -> str:
    return f"meetings/{instance.meeting_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class MeetingMaterial(TimeStampedModel):
    """A document for the participants; served only through a permission-checked view."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="materials"
    )
    file = models.FileField("文件", upload_to=material_upload_to)
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "会议材料"
        verbose_name_plural = "会议材料"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class AgendaItem(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField("顺序")
    title = models.CharField("议程", max_length=100)
    duration_minutes = models.PositiveSmallIntegerField("时长（分钟）", default=10)

    class Meta:
        verbose_name = "议程"
        verbose_name_plural = "议程"
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class SpeakerEntry(TimeStampedModel):
    """The speaker list, in order (发言顺序)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="speaker_list"
    )
    participant = models.ForeignKey(
        Participant, verbose_name="发言人", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField("顺序")
    done = models.BooleanField("已发言", default=False)

    class Meta:
        verbose_name = "发言顺序"
        verbose_name_plural = "发言顺序"
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.participant}"


class SpeechKind(models.TextChoices):
    ORAL = "oral", "口头发言"
    WRITTEN = "written", "书面发言"


class Speech(TimeStampedModel):
    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="speeches"
    )
    participant = models.ForeignKey(
        Participant, verbose_name="发言人", on_delete=models.PROTECT, related_name="speeches"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name="议程",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speeches",
    )
    kind = models.CharField("发言方式", max_length=8, choices=SpeechKind.choices, default=SpeechKind.ORAL)
    summary = models.TextField("发言要点")

    class Meta:
        verbose_name = "发言"
        verbose_name_plural = "发言"
        ordering = ["meeting", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.participant.name}：{self.summary[:20]}"


class Vote(TimeStampedModel):
    """A show of hands where a decision is needed. Simple majority: more than half of the votes cast."""

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="votes")
    question = models.CharField("表决事项", max_length=200)
    votes_for = models.PositiveIntegerField("赞成")
    votes_against = models.PositiveIntegerField("反对")
    votes_abstain = models.PositiveIntegerField("弃权")

    class Meta:
        verbose_name = "表决"
        verbose_name_plural = "表决"
        ordering = ["meeting", "created_at", "id"]

    def __str__(self) -> str:
        return self.question

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    @property
    def passed(self) -> bool:
        return vote_passes(self.votes_for, self.votes_against, self.votes_abstain)


def vote_passes(votes_for: int, votes_against: int, votes_abstain: int) -> bool:
    """Simple majority: the ayes are more than half of all votes cast (abstentions count as cast)."""
    return 2 * votes_for > votes_for + votes_against + votes_abstain


class ConsensusItem(TimeStampedModel):
    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="consensus_items"
    )
    topic = models.ForeignKey(
        "topics.Topic", verbose_name="议题", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("共识内容")
    dissent = models.TextField("不同意见", blank=True)
    department = models.ForeignKey(
        "places.Organisation",
        verbose_name="建议承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_person = models.CharField("责任人", max_length=30, blank=True)
    action_item = models.OneToOneField(
        "actions.ActionItem",
        verbose_name="交办单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "共识事项"
        verbose_name_plural = "共识事项"
        ordering = ["meeting", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class UnresolvedItem(TimeStampedModel):
    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="unresolved_items"
    )
    text = models.TextField("未决事项")
    next_step = models.CharField("下一步", max_length=200, blank=True)

    class Meta:
        verbose_name = "未决事项"
        verbose_name_plural = "未决事项"
        ordering = ["meeting", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class DutyFactKind(models.TextChoices):
    ATTENDANCE = "attendance", "出席协商议事会"
    UNEXCUSED_ABSENCE = "absence", "无故缺席"
    SPEECH_ORAL = "speech_oral", "口头发言"
    SPEECH_WRITTEN = "speech_written", "书面发言"
    CONVENING = "convening", "召集主持"


class MemberDutyFact(models.Model):
    """One thing a member did (or failed to do) at a meeting, for the duty record (履职档案).

    Written once when the minutes are confirmed; the unique source stops double counting. A later
    scoring step reads these rows and its own rule table (points, caps) — no points are stored here.
    """

    member = models.ForeignKey(
        "places.Member", verbose_name="委员", on_delete=models.PROTECT, related_name="meeting_duty_facts"
    )
    kind = models.CharField("类型", max_length=16, choices=DutyFactKind.choices)
    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="duty_facts"
    )
    meeting_form = models.CharField("协商形式", max_length=12, choices=TopicForm.choices)
    occurred_on = models.DateField("日期", db_index=True)
    source_model = models.CharField("来源记录类型", max_length=40)
    source_id = models.PositiveBigIntegerField("来源记录编号")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "委员履职记录（会议）"
        verbose_name_plural = "委员履职记录（会议）"
        ordering = ["-occurred_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "source_model", "source_id"], name="duty_fact_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.occurred_on}"
