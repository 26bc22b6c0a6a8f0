"""Reading notifications: a record's messages for its timeline, and a person's inbox."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse

from shangliang.core import prepared
from shangliang.core.registry import TodoItem
from shangliang.notifications.models import Channel, OutboxMessage
from shangliang.notifications.permissions import can_use_inbox


def messages_about(obj: models.Model, *, channel: str | None = None) -> QuerySet[OutboxMessage]:
    """Every message about ``obj``, oldest first; show ``recipient_label`` (masked phone), never the number.

    A resident's tracking page passes ``channel=Channel.SMS``: staff inbox notices are internal.
    """
    messages = OutboxMessage.objects.filter(
        about_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), about_id=str(obj.pk)
    )
    if channel is not None:
        messages = messages.filter(channel=channel)
    return messages.select_related("recipient_user").defer("phone_encrypted").order_by("created_at", "pk")


_SMS = [c for c in prepared.all_columns(OutboxMessage) if c != "phone_encrypted"]
_SMS_ABOUT = prepared.PreparedRead(
    lambda about_type, about_id: (
        OutboxMessage.objects.filter(about_type_id=about_type, about_id=about_id, channel=Channel.SMS)
        .order_by("created_at", "pk")
        .values_list(*_SMS)
    ),
    about_type=int,
    about_id=str,
)


def sms_about(obj: models.Model) -> list[OutboxMessage]:
    """The text messages about ``obj`` (a resident's tracking page), oldest first, as
    ``messages_about(obj, channel=Channel.SMS)`` gives them (the number itself is not read)."""
    about_type = ContentType.objects.get_for_model(obj, for_concrete_model=False).pk
    return [
        prepared.instance(OutboxMessage, _SMS, row)
        for row in _SMS_ABOUT.rows(about_type=about_type, about_id=str(obj.pk))
    ]


def inbox_for(user: Any) -> QuerySet[OutboxMessage]:
    """``user``'s own notices, newest first."""
    return OutboxMessage.objects.filter(channel=Channel.INBOX, recipient_user=user).order_by(
        "-created_at", "-pk"
    )


def inbox_unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox_for(user).filter(read_at__isnull=True).count()


def inbox_todo(user: Any) -> list[TodoItem]:
    """The staff home's line for unread notices, when there are any."""
    if not can_use_inbox(user):
        return []
    unread = inbox_unread_count(user)
    if unread == 0:
        return []
    return [TodoItem(title="未读通知", url=reverse("notifications:inbox"), count=unread, order=90)]
