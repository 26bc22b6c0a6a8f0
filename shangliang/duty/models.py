"""Members' work (练好内功): the duty rule table, the ledger derived from what the platform records,
self-reports, the annual assessment with appeals, training sessions, committees' annual plans,
activity-group visits and members' own 社情民意 and 提案 drafts.

The ledger is derived: ``services.ledger_recompute`` rebuilds a member's entries for a year from the
source records, keyed by (member, rule, source record) so that nothing counts twice however often
or however concurrently it runs.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from shangliang.core.models import TimeStampedModel, VersionedModel
from shangliang.files.uploads import validate_document_or_image
from shangliang.meetings.models import new_token
from shangliang.topics.models import TopicForm

# --- Rule table -----------------------------------------------------------------------------------


class DutyItem(models.Model):
    """An assessed item (考核项目): its annual cap and whether it is a key item (重要考评内容)."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("考核项目", max_length=40)
    annual_cap = models.PositiveIntegerField(
        "年度上限（分）", null=True, blank=True, help_text="留空表示不设上限；扣分不受上限限制。"
    )
    is_key = models.BooleanField("重要考评内容", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "履职考核项目"
        verbose_name_plural = "履职考核项目"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class DutyRule(models.Model):
    """One scoring rule: what earns points under an item, per unit."""

    code = models.SlugField("代码", max_length=30, unique=True)
    item = models.ForeignKey(
        DutyItem, verbose_name="考核项目", on_delete=models.PROTECT, related_name="rules"
    )
    label = models.CharField("计分事项", max_length=60)
    unit = models.CharField("计分单位", max_length=10, default="每次")
    points = models.IntegerField("分值", validators=[MinValueValidator(-100), MaxValueValidator(100)])
    self_reportable = models.BooleanField(
        "可自报", default=False, help_text="委员可以就本事项提交自报材料，经工作人员核实后计分。"
    )
    active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "履职计分规则"
        verbose_name_plural = "履职计分规则"
        ordering = ["item__sort_order", "sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.item.name} · {self.label}"


# --- Ledger and assessment ------------------------------------------------------------------------


class DutyEntry(models.Model):
    """One ledger line: a member earned (or lost) points under a rule from one source record.

    ``points`` is the rule's value; ``counted`` is what is left of it once the item's annual cap is
    applied in date order. Rebuilt by ``services.ledger_recompute``; never edited by hand.
    """

    member = models.ForeignKey(
        "places.Member", verbose_name="委员", on_delete=models.PROTECT, related_name="duty_entries"
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    rule = models.ForeignKey(DutyRule, verbose_name="规则", on_delete=models.PROTECT, related_name="entries")
    source_model = models.CharField("来源记录类型", max_length=40)
    source_id = models.PositiveBigIntegerField("来源记录编号")
    occurred_on = models.DateField("日期")
    label = models.CharField("说明", max_length=200)
    points = models.IntegerField("分值")
    counted = models.IntegerField("计入分值")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "履职记分"
        verbose_name_plural = "履职记分"
        ordering = ["member", "occurred_on", "id"]
        indexes = [models.Index(fields=["year", "member"], name="duty_entry_year_member_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "rule", "source_model", "source_id"], name="duty_entry_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.rule.code} {self.source_model}#{self.source_id}"


class AssessmentYear(TimeStampedModel):
    """One year of the annual assessment; published to members once the office has checked it."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "年度履职考核"
        verbose_name_plural = "年度履职考核"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "已采纳"
    PARTLY_UPHELD = "partly_upheld", "部分采纳"
    DISMISSED = "dismissed", "维持原评定"


# What an upheld appeal may add to (or take from) the member's total, in points.
APPEAL_ADJUSTMENT_LIMIT = 30


class Appeal(VersionedModel):
    """A member's appeal (申诉) against a published assessment, with the office's decision. An upheld
    (or partly upheld) appeal may carry an adjustment: a ledger entry of its own (rule
    ``appeal_adjustment``, source this appeal), so the total, grade and ranks follow it."""

    member = models.ForeignKey(
        "places.Member", verbose_name="委员", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    reason = models.TextField("申诉理由")
    status = models.CharField(
        "状态", max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decision = models.TextField("处理意见", blank=True)
    adjustment = models.SmallIntegerField(
        "调整分值",
        default=0,
        validators=[MinValueValidator(-APPEAL_ADJUSTMENT_LIMIT), MaxValueValidator(APPEAL_ADJUSTMENT_LIMIT)],
        help_text="采纳或部分采纳申诉时对年度记分的调整，正数加分、负数减分。",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核申诉"
        verbose_name_plural = "考核申诉"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(status="pending"),
                name="appeal_one_pending_per_year",
                violation_error_message="本年度已有待处理的申诉。",
            ),
            models.CheckConstraint(
                condition=Q(adjustment=0) | Q(status__in=["upheld", "partly_upheld"]),
                name="appeal_adjusted_only_when_upheld",
                violation_error_message="只有采纳或部分采纳的申诉可以调整分值。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} 申诉"


# --- Self-reports ---------------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    PENDING = "pending", "待核实"
    VERIFIED = "verified", "已核实"
    REJECTED = "rejected", "未通过"


def evidence_upload_to(instance: SelfReport, filename: str) -> str:
    return f"duty/evidence/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class SelfReport(VersionedModel):
    """A member's own report of duty work the platform did not record (调研、视察 …), with evidence."""

    member = models.ForeignKey(
        "places.Member", verbose_name="委员", on_delete=models.PROTECT, related_name="duty_self_reports"
    )
    rule = models.ForeignKey(
        DutyRule,
        verbose_name="履职事项",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"self_reportable": True, "active": True},
    )
    occurred_on = models.DateField("活动日期")
    title = models.CharField("活动名称", max_length=100)
    description = models.TextField("情况说明", blank=True)
    evidence = models.FileField(
        "佐证材料", upload_to=evidence_upload_to, blank=True, validators=[validate_document_or_image]
    )
    evidence_name = models.CharField("材料原文件名", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    reject_reason = models.CharField("未通过原因", max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核实人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("核实时间", null=True, blank=True)
    client_token = models.CharField("提交标识", max_length=64, blank=True)

    class Meta:
        verbose_name = "履职自报"
        verbose_name_plural = "履职自报"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="self_report_rejected_has_reason",
                violation_error_message="不予核实须说明原因。",
            ),
            models.UniqueConstraint(
                fields=["member", "client_token"],
                condition=~Q(client_token=""),
                name="self_report_once_per_token",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- Training -------------------------------------------------------------------------------------


class TrainingKind(models.TextChoices):
    OUTBOUND = "outbound", "走出去"
    INVITED = "invited", "请进来"
    MEETING = "meeting", "以会代训"


class TrainingStatus(models.TextChoices):
    PLANNED = "planned", "已安排"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "已取消"


def material_upload_to(instance: TrainingSession, filename: str) -> str:
    return f"duty/training/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class TrainingSession(VersionedModel):
    """A 履职培训 session. Members check themselves in on the day with its code (QR or link, as at a
    meeting) or staff check them in; a 以会代训 session attached to a meeting takes its attendance
    from the members checked in at that meeting."""

    kind = models.CharField("培训方式", max_length=10, choices=TrainingKind.choices)
    subject = models.CharField("培训主题", max_length=100)
    held_on = models.DateField("培训日期", db_index=True)
    place = models.CharField("地点", max_length=100)
    organiser = models.CharField("组织单位", max_length=60)
    materials = models.TextField("培训内容与材料", blank=True)
    material_file = models.FileField(
        "培训材料", upload_to=material_upload_to, blank=True, validators=[validate_document_or_image]
    )
    meeting = models.OneToOneField(
        "meetings.Meeting",
        verbose_name="所附会议（以会代训）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training",
    )
    status = models.CharField(
        "状态", max_length=10, choices=TrainingStatus.choices, default=TrainingStatus.PLANNED
    )
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    checkin_token = models.CharField("签到码", max_length=32, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "履职培训"
        verbose_name_plural = "履职培训"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=True) | Q(kind="meeting"),
                name="training_meeting_only_for_meeting_kind",
                violation_error_message="只有“以会代训”的培训可以关联会议。",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class TrainingAttendee(TimeStampedModel):
    """A member signed up for (or invited to) a session, and their check-in."""

    session = models.ForeignKey(
        TrainingSession, verbose_name="培训", on_delete=models.CASCADE, related_name="attendees"
    )
    member = models.ForeignKey(
        "places.Member", verbose_name="委员", on_delete=models.PROTECT, related_name="+"
    )
    invited = models.BooleanField("邀请参加", default=False)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签到操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "培训学员"
        verbose_name_plural = "培训学员"
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                name="training_member_once",
                violation_error_message="该委员已报名。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.member_id}"


# --- Committees' annual plans ---------------------------------------------------------------------


class CommitteePlan(VersionedModel):
    committee = models.ForeignKey(
        "places.Organisation",
        verbose_name="专门委员会",
        on_delete=models.PROTECT,
        related_name="annual_plans",
        limit_choices_to={"kind": "special_committee"},
    )
    year = models.PositiveSmallIntegerField("年度")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "专委会年度协商计划"
        verbose_name_plural = "专委会年度协商计划"
        ordering = ["-year", "committee__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year"],
                name="committee_plan_once_per_year",
                violation_error_message="该专委会本年度已有计划。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.year}年度计划"


class PlannedConsultation(models.Model):
    plan = models.ForeignKey(
        CommitteePlan, verbose_name="计划", on_delete=models.CASCADE, related_name="items"
    )
    subject = models.CharField("协商主题", max_length=100)
    form = models.CharField("协商形式", max_length=12, choices=TopicForm.choices)
    month = models.PositiveSmallIntegerField(
        "计划月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )

    class Meta:
        verbose_name = "计划协商"
        verbose_name_plural = "计划协商"
        ordering = ["plan", "month", "id"]

    def __str__(self) -> str:
        return self.subject


# --- Activity-group visits ------------------------------------------------------------------------


class VisitStatus(models.TextChoices):
    RECORDED = "recorded", "已登记"
    WITHDRAWN = "withdrawn", "已撤回"


def visit_photo_upload_to(instance: VisitPhoto, filename: str) -> str:
    return f"duty/visits/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Visit(VersionedModel):
    """An activity group's visit to its village/community (走访): who went, what was heard."""

    group = models.ForeignKey(
        "places.ActivityGroup", verbose_name="活动小组", on_delete=models.PROTECT, related_name="visits"
    )
    community = models.ForeignKey(
        "places.Region", verbose_name="走访村/社区", on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField("走访日期", db_index=True)
    members = models.ManyToManyField("places.Member", verbose_name="参加委员", related_name="duty_visits")
    heard = models.TextField("听取的意见和情况")
    status = models.CharField(
        "状态", max_length=10, choices=VisitStatus.choices, default=VisitStatus.RECORDED
    )
    concerns = models.ManyToManyField(
        "concerns.Concern", verbose_name="走访中收集的诉求", blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "活动小组走访"
        verbose_name_plural = "活动小组走访"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.group} {self.visited_on}"


class VisitPhoto(TimeStampedModel):
    """A photo of a visit, re-encoded without metadata under a random name, with its thumbnail
    (empty for photos kept before thumbnails were made)."""

    visit = models.ForeignKey(Visit, verbose_name="走访", on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to=visit_photo_upload_to, validators=[validate_document_or_image])
    thumbnail = models.FileField("缩略图", upload_to=visit_photo_upload_to, blank=True)
    name = models.CharField("文件名", max_length=200)

    class Meta:
        verbose_name = "走访照片"
        verbose_name_plural = "走访照片"
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return self.name


# --- Members' writing -----------------------------------------------------------------------------


class WritingKind(models.TextChoices):
    SOCIAL_OPINION = "social_opinion", "社情民意信息"
    PROPOSAL = "proposal", "提案"


class WritingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    ADOPTED = "adopted", "已采用"
    NOT_ADOPTED = "not_adopted", "未采用"


WRITING_TRANSITIONS: dict[str, frozenset[str]] = {
    WritingStatus.DRAFT: frozenset({WritingStatus.SUBMITTED}),
    # Returned to the member for changes, or decided by the office.
    WritingStatus.SUBMITTED: frozenset(
        {WritingStatus.DRAFT, WritingStatus.ADOPTED, WritingStatus.NOT_ADOPTED}
    ),
    WritingStatus.ADOPTED: frozenset(),
    WritingStatus.NOT_ADOPTED: frozenset(),
}


class AdoptionLevel(models.TextChoices):
    DISTRICT = "district", "区级采用"
    CITY = "city", "市级采用"
    PROVINCE = "province", "省（自治区）级采用"
    NATIONAL = "national", "全国政协采用"


class MemberWriting(VersionedModel):
    """A member's 社情民意信息 or 提案 draft: written by the member, reviewed (and edited) by the
    office, adopted at a level. An adopted 提案 waits for its formal reply (3 months by default)."""

    kind = models.CharField("类型", max_length=16, choices=WritingKind.choices)
    member = models.ForeignKey(
        "places.Member", verbose_name="委员", on_delete=models.PROTECT, related_name="writings"
    )
    topic = models.ForeignKey(
        "topics.Topic",
        verbose_name="来源议题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文")
    status = models.CharField(
        "状态", max_length=12, choices=WritingStatus.choices, default=WritingStatus.DRAFT
    )
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=300, blank=True)
    level = models.CharField("采用层级", max_length=10, choices=AdoptionLevel.choices, blank=True)
    decided_on = models.DateField("采用日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply_text = models.TextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)

    class Meta:
        verbose_name = "委员撰写（社情民意/提案）"
        verbose_name_plural = "委员撰写（社情民意/提案）"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="adopted") | ~Q(level=""),
                name="writing_adopted_has_level",
                violation_error_message="采用须选择层级。",
            )
        ]

    def __str__(self) -> str:
        return self.title
