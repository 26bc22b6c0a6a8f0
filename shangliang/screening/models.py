"""The screening desk's records: each decision on a concern (研判结果) and the editable list of
reasons for declining (不予立题)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from shangliang.core.models import TimeStampedModel


class DecisionKind(models.TextChoices):
    TOPIC = "topic", "立题"
    ASSIGN = "assign", "直接交办"
    REFER = "refer", "转介"
    PROPOSAL = "proposal", "转提案"
    OPINION = "opinion", "转社情民意"
    DECLINE = "decline", "不予立题"


class DecisionLevel(models.TextChoices):
    FIRST = "first", "社区初审"
    FINAL = "final", "研判决定"


class DeclineReason(TimeStampedModel):
    """An administrator-editable reason for 不予立题, shown to the resident with the free text."""

    text = models.CharField("理由", max_length=100, unique=True)
    needs_contact = models.BooleanField(
        "须能联系反映人",
        default=False,
        help_text="理由说已向反映人解释或告知时勾选：匿名且未留联系方式的诉求不能选用。",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "不予立题理由"
        verbose_name_plural = "不予立题理由"
        ordering = ["sort_order", "text"]

    def __str__(self) -> str:
        return self.text


class Decision(models.Model):
    """One screening decision on a concern, with what it created (topic, action item, output)."""

    concern = models.ForeignKey(
        "concerns.Concern", verbose_name="诉求", on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField("研判结果", max_length=10, choices=DecisionKind.choices)
    level = models.CharField("层级", max_length=6, choices=DecisionLevel.choices, default=DecisionLevel.FINAL)
    reason = models.CharField("理由", max_length=300)
    decline_reason = models.ForeignKey(
        DeclineReason,
        verbose_name="不予立题理由",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    topic = models.ForeignKey(
        "topics.Topic", verbose_name="议题", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_item = models.ForeignKey(
        "actions.ActionItem",
        verbose_name="交办单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    output = models.ForeignKey(
        "outputs.Output",
        verbose_name="成果草稿",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referral_body = models.ForeignKey(
        "places.Organisation",
        verbose_name="转介平台",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referral_ref = models.CharField("对方受理编号", max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="研判人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("研判时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "研判记录"
        verbose_name_plural = "研判记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.get_kind_display()}"
