"""Supervision (督办) of action items and verification visits (回访核实).

The colour of an item on the board (red / amber / green) is derived from its deadline and today,
never stored. What is stored is what people did: 督办 records, escalations to the department's
supervising leader (once per item and deadline), and verification visits with photos.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from shangliang.core.models import TimeStampedModel


class Method(models.TextChoices):
    PHONE = "phone", "电话督办"
    LETTER = "letter", "发函督办"
    SITE_VISIT = "site_visit", "现场督办"
    MEETING = "meeting", "会议督办"


class SupervisionRecord(TimeStampedModel):
    item = models.ForeignKey(
        "actions.ActionItem",
        verbose_name="交办单",
        on_delete=models.CASCADE,
        related_name="supervision_records",
    )
    method = models.CharField("督办方式", max_length=12, choices=Method.choices)
    contact = models.CharField("对接人", max_length=60, blank=True)
    note = models.TextField("督办情况")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.get_method_display()}"


class Escalation(TimeStampedModel):
    """An overdue item raised to the department's supervising leader (分管领导)."""

    item = models.ForeignKey(
        "actions.ActionItem", verbose_name="交办单", on_delete=models.CASCADE, related_name="escalations"
    )
    deadline = models.DateField("当时的办理期限")
    overdue_working_days = models.PositiveSmallIntegerField("超期工作日")
    leader = models.CharField("分管领导", max_length=30, blank=True)

    class Meta:
        verbose_name = "超期提级督办"
        verbose_name_plural = "超期提级督办"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "deadline"], name="escalation_once_per_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.leader or '分管领导'}"


class VisitMethod(models.TextChoices):
    VISIT = "visit", "入户走访"
    PHONE = "phone", "电话回访"


class Finding(models.TextChoices):
    CONFIRMED = "confirmed", "属实，问题已解决"
    NOT_FIXED = "not_fixed", "问题未真正解决"


class VisitStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    APPLIED = "applied", "已确认"


class Verification(TimeStampedModel):
    """回访核实: what a grid worker or staff member heard from the residents after a department
    reported an item done. Staff apply it to the item (verified, or back to the department); when
    staff make the visit themselves it is applied at once."""

    item = models.ForeignKey(
        "actions.ActionItem", verbose_name="交办单", on_delete=models.CASCADE, related_name="verifications"
    )
    method = models.CharField("回访方式", max_length=8, choices=VisitMethod.choices)
    finding = models.CharField("回访结论", max_length=10, choices=Finding.choices)
    residents = models.CharField("回访对象", max_length=100)
    note = models.TextField("回访情况")
    status = models.CharField(
        "状态", max_length=8, choices=VisitStatus.choices, default=VisitStatus.PENDING, db_index=True
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回访人", on_delete=models.PROTECT, related_name="+"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "回访核实"
        verbose_name_plural = "回访核实"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.get_finding_display()}"


def visit_photo_upload_to(instance: VerificationPhoto, filename: str) -> str:
    return f"supervision/{instance.verification_id}/{filename}"


class VerificationPhoto(TimeStampedModel):
    verification = models.ForeignKey(
        Verification, verbose_name="回访核实", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("图片", upload_to=visit_photo_upload_to)
    thumbnail = models.ImageField("缩略图", upload_to=visit_photo_upload_to)

    class Meta:
        verbose_name = "回访照片"
        verbose_name_plural = "回访照片"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.verification_id} 照片{self.pk}"
