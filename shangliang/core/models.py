from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class TimeStampedModel(models.Model):
    """Every domain record knows when it was created and last changed."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record edited in forms: ``version`` goes up on every save so a stale form is detected."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One state change or sensitive access: who did what to which record, from what to what, and why.

    The same rows feed the resident's timeline (``public=True`` rows, without personal data),
    the staff audit trail and the reports.
    """

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("操作人说明", max_length=100, blank=True)
    event_type = models.CharField("事件类型", max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.CASCADE)
    object_id = models.CharField("对象编号", max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    old_value: Any = models.JSONField("原值", null=True, blank=True)
    new_value: Any = models.JSONField("新值", null=True, blank=True)
    reason = models.TextField("原因", blank=True)
    public = models.BooleanField("居民可见", default=False)
    public_text = models.CharField("公开说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event_type} {self.object_id}"


class HolidayOverride(models.Model):
    """An official day off or make-up working day (调休) that the bundled calendar lacks or gets wrong."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日", help_text="勾选表示调休上班，不勾选表示放假。")
    name = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}"


class PeriodicRun(models.Model):
    """One enqueue of a periodic job for one time slot; the unique pair stops a second scheduler."""

    name = models.CharField("任务", max_length=100)
    slot = models.CharField("时段", max_length=40)
    enqueued_at = models.DateTimeField("入队时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "定时任务记录"
        verbose_name_plural = "定时任务记录"
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="periodic_run_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot}"


class CodeAttempts(models.Model):
    """Tries at one issued one-time code (``privacy.otp``). Counted by one conditional UPDATE in the
    database, so concurrent guesses on several app servers can never pass the limit together."""

    key = models.CharField("代码索引", max_length=64, unique=True)
    tries = models.PositiveSmallIntegerField("已尝试次数", default=0)
    expires_at = models.DateTimeField("过期时间", db_index=True)

    class Meta:
        verbose_name = "验证码尝试"
        verbose_name_plural = "验证码尝试"

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.tries}"
