"""Outputs (协商成果): drafts that screening creates when a concern becomes a proposal (转提案) or a
public-opinion report (转社情民意). A later capability adds approval, addressees, 批示 and replies."""

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


class Output(VersionedModel):
    kind = models.CharField("类型", max_length=20, choices=OutputKind.choices)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文", blank=True)
    status = models.CharField("状态", max_length=12, choices=OutputStatus.choices, default=OutputStatus.DRAFT)
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

    class Meta:
        verbose_name = "协商成果"
        verbose_name_plural = "协商成果"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"
