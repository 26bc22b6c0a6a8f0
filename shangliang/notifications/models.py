from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    SMS = "sms", "短信"
    INBOX = "inbox", "站内通知"


class Status(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败（将重试）"
    DEAD = "dead", "发送失败（已放弃）"


class OutboxMessage(models.Model):
    """A message to one person, written in the same transaction as the change it reports.

    SMS rows are sent by ``tasks.deliver_outbox``; inbox rows are delivered by being written and
    are read on the staff inbox page. ``about`` is the record the message concerns, so that
    record's timeline can list every message sent about it.
    """

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    # SMS recipient: encrypted number, keyed hash for look-ups, and the masked form for display.
    phone_encrypted = models.TextField("手机号（加密）", blank=True, editable=False)
    phone_hash = models.CharField("手机号索引", max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField("手机号", max_length=20, blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    body = models.TextField("内容")
    about_type = models.ForeignKey(
        ContentType, verbose_name="相关对象类型", null=True, blank=True, on_delete=models.CASCADE
    )
    about_id = models.CharField("相关对象编号", max_length=64, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    dedupe_key = models.CharField("去重键", max_length=200, unique=True)
    # Sent to the gateway with every attempt, so a gateway that deduplicates drops a retried copy.
    request_id = models.UUIDField("请求编号", default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    # When a pending or failed row may be tried next; while sending, when the claim lapses.
    next_attempt_at = models.DateTimeField("下次尝试时间")
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    provider_message_id = models.CharField("服务商消息编号", max_length=100, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知消息"
        verbose_name_plural = "通知消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["about_type", "about_id", "created_at"], name="outbox_about_idx"),
            models.Index(fields=["recipient_user", "read_at"], name="outbox_inbox_idx"),
        ]
        constraints = [
            # An SMS may have lost its number (the resident erased their contact data); a notice
            # always has its reader.
            models.CheckConstraint(
                condition=Q(channel="sms") | Q(recipient_user__isnull=False),
                name="outbox_inbox_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient_label} #{self.pk}"

    @property
    def recipient_label(self) -> str:
        """Never the full number: the masked phone, or the person's name."""
        if self.channel == Channel.SMS:
            return self.phone_masked or "（号码已删除）"
        return str(self.recipient_user) if self.recipient_user_id else ""
