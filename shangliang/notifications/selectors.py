"""Reading notifications: a record's messages for its timeline, and a person's inbox."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse

from shangliang.core.registry import TodoItem
from shangliang.core.scope import Scope
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


def sms_about(obj: models.Model) -> list[OutboxMessage]:
    """The text messages about ``obj`` (a resident's tracking page), oldest first (the number
    itself is not read)."""
    return list(
        OutboxMessage.objects.filter(
            about_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            about_id=str(obj.pk),
            channel=Channel.SMS,
        )
        .defer("phone_encrypted")
        .order_by("created_at", "pk")
    )


def inbox_for(scope: Scope) -> QuerySet[OutboxMessage]:
    """The person's own notices, newest first."""
    return OutboxMessage.objects.filter(channel=Channel.INBOX, recipient_user_id=scope.user_id).order_by(
        "-created_at", "-pk"
    )


def inbox_unread_count(scope: Scope) -> int:
    if not scope.is_authenticated:
        return 0
    return inbox_for(scope).filter(read_at__isnull=True).count()


def inbox_todo(scope: Scope) -> list[TodoItem]:
    """The staff home's line for unread notices, when there are any."""
    if not can_use_inbox(scope):
        return []
    unread = inbox_unread_count(scope)
    if unread == 0:
        return []
    return [TodoItem(title="未读通知", url=reverse("notifications:inbox"), count=unread, order=90)]
