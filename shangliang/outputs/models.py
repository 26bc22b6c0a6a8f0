"""Outputs (协商成果): 建议案, 专项报告, 社情民意信息, 协商成果建议书 (and drafts of 提案 from screening).

An output is drafted (from a topic, or by screening from a concern), approved when its kind needs it
(``SHANGLIANG["OUTPUTS"]["APPROVAL_KINDS"]``, 建议案 by default), sent to addressees who see it in
their inbox, and then followed: 批示 (a leader's instruction), replies and adoption.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from shangliang.core.models import VersionedModel


class OutputKind(models.TextChoices):
    RECOMMENDATION = "recommendation", "建议案"
    SPECIAL_REPORT = "special_report", "专项报告"
    SOCIAL_OPINION = "social_opinion", "社情民意信息"
    PROPOSAL_LETTER = "proposal_letter", "协商成果建议书"
    PROPOSAL = "proposal", "提案"


class OutputStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING_APPROVAL = "pending_approval", "待审定"
    APPROVED = "approved", "已审定"
    SENT = "sent", "已报送"


OUTPUT_TRANSITIONS: dict[str, frozenset[str]] = {
    OutputStatus.DRAFT: frozenset({OutputStatus.PENDING_APPROVAL, OutputStatus.SENT}),
    # Returned for changes, or approved by 主席会议 / 常委会.
    OutputStatus.PENDING_APPROVAL: frozenset({OutputStatus.DRAFT, OutputStatus.APPROVED}),
    OutputStatus.APPROVED: frozenset({OutputStatus.SENT}),
    OutputStatus.SENT: frozenset(),
}


class Adoption(models.TextChoices):
    PENDING = "pending", "待反馈"
    ADOPTED = "adopted", "已采纳"
    PARTLY = "partly", "部分采纳"
    NOTED = "noted", "留作参考"
    NOT_ADOPTED = "not_adopted", "未采纳"


class Output(VersionedModel):
    kind = models.CharField("类型", max_length=20, choices=OutputKind.choices)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文", blank=True)
    status = models.CharField("状态", max_length=20, choices=OutputStatus.choices, default=OutputStatus.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "places.Region", verbose_name="所属区域", on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField("区域路径", max_length=255, db_index=True)
    source_topics = models.ManyToManyField(
        "topics.Topic", verbose_name="来源议题", blank=True, related_name="outputs"
    )
    source_concerns = models.ManyToManyField(
        "concerns.Concern", verbose_name="来源诉求", blank=True, related_name="outputs"
    )

    # The official layout: 主送 (from the addressees when sent), 落款 and date.
    signatory = models.CharField("落款", max_length=60, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    approval_body = models.CharField("审定会议", max_length=30, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审定登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    sent_at = models.DateTimeField("报送时间", null=True, blank=True)
    adoption = models.CharField("采纳情况", max_length=12, choices=Adoption.choices, default=Adoption.PENDING)
    adoption_note = models.CharField("采纳说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "协商成果"
        verbose_name_plural = "协商成果"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class Addressee(models.Model):
    """主送 / 抄送: an organisation (its users are told) or one person."""

    output = models.ForeignKey(
        Output, verbose_name="成果", on_delete=models.CASCADE, related_name="addressees"
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
        verbose_name="个人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "报送对象"
        verbose_name_plural = "报送对象"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(user__isnull=False),
                name="addressee_names_someone",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation or self.user)


class LeaderLevel(models.TextChoices):
    DISTRICT = "district", "区领导"
    CITY = "city", "市领导"
    REGION = "region", "自治区领导"
    NATIONAL = "national", "全国层面"


class Instruction(models.Model):
    """批示: a leader's written instruction on an output."""

    output = models.ForeignKey(
        Output, verbose_name="成果", on_delete=models.CASCADE, related_name="instructions"
    )
    leader = models.CharField("批示领导", max_length=30)
    level = models.CharField("层级", max_length=10, choices=LeaderLevel.choices)
    text = models.TextField("批示内容")
    given_on = models.DateField("批示日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return f"{self.leader}批示"


class Reply(models.Model):
    """A reply (答复 / 办理情况) from an addressee."""

    output = models.ForeignKey(Output, verbose_name="成果", on_delete=models.CASCADE, related_name="replies")
    organisation = models.ForeignKey(
        "places.Organisation",
        verbose_name="答复单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField("答复内容")
    replied_on = models.DateField("答复日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["replied_on", "id"]

    def __str__(self) -> str:
        return f"{self.output_id} 答复"
