"""Action items (交办单): a responsible department, person and deadline for one thing to be done.

An item comes from a direct assignment of a concern (直接交办) now, and from a consensus item of a
meeting later (``source_type`` / ``source_id``, generic, so that the meetings app can attach
without this app importing it). Overdue is derived from the deadline, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shangliang.core.models import TimeStampedModel, VersionedModel


class ActionStatus(models.TextChoices):
    ASSIGNED = "assigned", "待签收"
    ACCEPTED = "accepted", "已签收"
    RETURN_REQUESTED = "return_requested", "申请退回"
    REASSIGNED = "reassigned", "已改派"
    IN_PROGRESS = "in_progress", "办理中"
    EXTENSION_REQUESTED = "extension_requested", "申请延期"
    EXTENDED = "extended", "已延期"
    DONE = "done", "已办结待核实"
    VERIFIED = "verified", "已核实"
    CLOSED = "closed", "已关闭"
    REOPENED = "reopened", "重新办理"


ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionStatus.ASSIGNED: frozenset({ActionStatus.ACCEPTED, ActionStatus.RETURN_REQUESTED}),
    ActionStatus.REASSIGNED: frozenset({ActionStatus.ACCEPTED, ActionStatus.RETURN_REQUESTED}),
    # Staff either send it to another department or refuse the return (back to waiting for 签收).
    ActionStatus.RETURN_REQUESTED: frozenset({ActionStatus.REASSIGNED, ActionStatus.ASSIGNED}),
    ActionStatus.ACCEPTED: frozenset(
        {ActionStatus.IN_PROGRESS, ActionStatus.EXTENSION_REQUESTED, ActionStatus.DONE}
    ),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.EXTENSION_REQUESTED, ActionStatus.DONE}),
    ActionStatus.EXTENSION_REQUESTED: frozenset({ActionStatus.EXTENDED, ActionStatus.IN_PROGRESS}),
    ActionStatus.EXTENDED: frozenset({ActionStatus.EXTENSION_REQUESTED, ActionStatus.DONE}),
    # Verification (回访核实) may find the work not done: back to the department.
    ActionStatus.DONE: frozenset({ActionStatus.VERIFIED, ActionStatus.IN_PROGRESS}),
    ActionStatus.VERIFIED: frozenset({ActionStatus.CLOSED}),
    ActionStatus.CLOSED: frozenset({ActionStatus.REOPENED}),
    ActionStatus.REOPENED: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE}),
}

# Work is still owed in these states: the deadline applies (overdue is derived from it).
OPEN_STATUSES = frozenset(
    {
        ActionStatus.ASSIGNED,
        ActionStatus.ACCEPTED,
        ActionStatus.RETURN_REQUESTED,
        ActionStatus.REASSIGNED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.EXTENSION_REQUESTED,
        ActionStatus.EXTENDED,
        ActionStatus.REOPENED,
    }
)
# Waiting for the department's 签收 or return request.
AWAITING_ACCEPTANCE = frozenset({ActionStatus.ASSIGNED, ActionStatus.REASSIGNED})
# The department is working on it: progress reports and completion.
WORKING_STATUSES = frozenset(
    {ActionStatus.ACCEPTED, ActionStatus.IN_PROGRESS, ActionStatus.EXTENDED, ActionStatus.REOPENED}
)


class ResultClass(models.TextChoices):
    SOLVED = "A", "A 已解决"
    PLANNED = "B", "B 列入计划"
    HARD = "C", "C 暂难解决"


class SourceType(models.TextChoices):
    DIRECT = "direct", "直接交办"
    CONSENSUS = "consensus", "协商共识"


class ActionItem(VersionedModel):
    title = models.CharField("事项", max_length=100)
    description = models.TextField("交办内容", blank=True)
    source_type = models.CharField(
        "来源", max_length=10, choices=SourceType.choices, default=SourceType.DIRECT
    )
    concern = models.ForeignKey(
        "concerns.Concern",
        verbose_name="来源诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    topic = models.ForeignKey(
        "topics.Topic",
        verbose_name="所属议题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    # A consensus item of a meeting (or another record) this item implements; generic so that later
    # apps attach without this app importing them.
    source_model = models.CharField("来源记录类型", max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField("来源记录编号", null=True, blank=True)
    department = models.ForeignKey(
        "places.Organisation", verbose_name="承办单位", on_delete=models.PROTECT, related_name="action_items"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="交办人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "places.Region", verbose_name="所在区域", on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField("区域路径", max_length=255, db_index=True)
    status = models.CharField(
        "状态", max_length=20, choices=ActionStatus.choices, default=ActionStatus.ASSIGNED, db_index=True
    )
    urgent = models.BooleanField("紧急", default=False)
    assigned_at = models.DateTimeField("交办时间", default=timezone.now)
    accept_due = models.DateField("签收期限")
    deadline = models.DateField("办理期限")
    return_reason = models.CharField("退回理由", max_length=300, blank=True)
    extension_until = models.DateField("申请延期至", null=True, blank=True)
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    result_class = models.CharField("办理结果", max_length=1, choices=ResultClass.choices, blank=True)
    result_text = models.TextField("办理情况", blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "交办单"
        verbose_name_plural = "交办单"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["department", "status", "deadline"], name="action_department_idx"),
            models.Index(fields=["status", "deadline"], name="action_status_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["done", "verified"]) | ~Q(result_class=""),
                name="action_done_has_result",
                violation_error_message="办结须选择办理结果。",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.localdate() > self.deadline

    @property
    def acceptance_overdue(self) -> bool:
        return self.status in AWAITING_ACCEPTANCE and timezone.localdate() > self.accept_due


def photo_upload_to(instance: ActionPhoto, filename: str) -> str:
    return f"actions/{instance.item_id}/{filename}"


class ActionProgress(TimeStampedModel):
    """A progress report, a completion report, or a note from the office (退回, 延期, 核实)."""

    item = models.ForeignKey(
        ActionItem, verbose_name="交办单", on_delete=models.CASCADE, related_name="reports"
    )
    text = models.TextField("情况")
    is_completion = models.BooleanField("办结报告", default=False)
    public = models.BooleanField("居民可见", default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "办理进展"
        verbose_name_plural = "办理进展"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.text[:20]}"


class ActionPhoto(TimeStampedModel):
    """A photo of progress or evidence of completion, re-encoded without metadata."""

    item = models.ForeignKey(
        ActionItem, verbose_name="交办单", on_delete=models.CASCADE, related_name="photos"
    )
    report = models.ForeignKey(
        ActionProgress, verbose_name="进展", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("图片", upload_to=photo_upload_to)
    thumbnail = models.ImageField("缩略图", upload_to=photo_upload_to)

    class Meta:
        verbose_name = "办理照片"
        verbose_name_plural = "办理照片"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} 照片{self.pk}"


class CategoryPolicy(TimeStampedModel):
    """Per concern category: the working days a direct assignment gets and the usual department."""

    category = models.OneToOneField(
        "text.Category", verbose_name="诉求类别", on_delete=models.CASCADE, related_name="action_policy"
    )
    working_days = models.PositiveSmallIntegerField("直接交办办理时限（工作日）", default=5)
    urgent_working_days = models.PositiveSmallIntegerField("紧急事项时限（工作日）", default=1)
    department = models.ForeignKey(
        "places.Organisation",
        verbose_name="默认承办单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "department"},
    )

    class Meta:
        verbose_name = "类别交办规则"
        verbose_name_plural = "类别交办规则"
        ordering = ["category__sort_order", "category__name"]
        constraints = [
            models.CheckConstraint(condition=Q(working_days__gte=1), name="policy_working_days_positive"),
            models.CheckConstraint(
                condition=Q(urgent_working_days__gte=1), name="policy_urgent_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}：{self.working_days} 个工作日"
