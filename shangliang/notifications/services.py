"""Writing notifications. Call ``enqueue_*`` inside the transaction that makes the change they report.

The outbox row commits with the change or not at all; the delivery task is enqueued only after the
commit, so it never looks for a row that is not there yet.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from shangliang.core import audit
from shangliang.notifications.links import check_message
from shangliang.notifications.models import Channel, OutboxMessage, Status
from shangliang.privacy.personal import encrypt, lookup_hash, mask_phone, normalize_mobile


def _about_fields(about: models.Model | None) -> dict[str, Any]:
    if about is None:
        return {"about_type": None, "about_id": ""}
    return {
        "about_type": ContentType.objects.get_for_model(about, for_concrete_model=False),
        "about_id": str(about.pk),
    }


def _deliver_after_commit(message_id: int) -> None:
    from shangliang.notifications.tasks import deliver_outbox

    # robust: a queue that is down must not turn a committed change into an error page;
    # the periodic sweep sends the message later.
    transaction.on_commit(partial(deliver_outbox.enqueue, message_id=message_id), robust=True)


def enqueue_sms(*, phone: str, body: str, about: models.Model | None, dedupe_key: str) -> OutboxMessage:
    """An SMS to ``phone`` (any accepted mainland format; raises ``InvalidPhone``).

    The same ``dedupe_key`` twice gives the first row back and sends nothing more: use a key naming
    the event, e.g. ``concern:42:declined``.
    """
    number = normalize_mobile(phone)
    check_message(body)
    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "channel": Channel.SMS,
            "phone_encrypted": encrypt(number),
            "phone_hash": lookup_hash(number),
            "phone_masked": mask_phone(number),
            "body": body,
            "next_attempt_at": timezone.now(),
            **_about_fields(about),
        },
    )
    if created:
        _deliver_after_commit(message.pk)
    return message


def enqueue_inbox(*, user: Any, body: str, about: models.Model | None, dedupe_key: str) -> OutboxMessage:
    """A notice in ``user``'s staff inbox. Writing the row is the delivery, so no task is needed."""
    now = timezone.now()
    message, _ = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "channel": Channel.INBOX,
            "recipient_user": user,
            "body": body,
            "status": Status.SENT,
            "sent_at": now,
            "next_attempt_at": now,
            **_about_fields(about),
        },
    )
    return message


def inbox_mark_read(*, user: Any, message_id: int | None = None) -> int:
    """Mark one of ``user``'s notices read, or all of them when ``message_id`` is None.

    Returns how many changed; another person's notice is never touched (0).
    """
    unread = OutboxMessage.objects.filter(channel=Channel.INBOX, recipient_user=user, read_at__isnull=True)
    if message_id is not None:
        unread = unread.filter(pk=message_id)
    return unread.update(read_at=timezone.now())


RETRYABLE = (Status.PENDING, Status.FAILED, Status.DEAD)


@transaction.atomic
def outbox_retry_now(*, message_ids: list[int], actor: Any) -> int:
    """Make failed or given-up SMS due at once (one more try each); returns how many."""
    messages = list(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=message_ids, channel=Channel.SMS, status__in=RETRYABLE)
        .order_by("pk")
    )
    now = timezone.now()
    for message in messages:
        old = message.status
        message.status = Status.PENDING
        message.next_attempt_at = now
        message.save(update_fields=["status", "next_attempt_at"])
        audit.record(
            target=message, event_type="notification.retried", actor=actor, old=old, new=message.status
        )
        _deliver_after_commit(message.pk)
    return len(messages)


@transaction.atomic
def outbox_erase_phone(*, about: models.Model) -> int:
    """Remove the phone number from every SMS about ``about`` (the resident deleted their contact data).

    Unsent ones are given up. The texts stay for the record's timeline; returns how many rows changed.
    """
    about_fields = _about_fields(about)
    messages = OutboxMessage.objects.select_for_update().filter(channel=Channel.SMS, **about_fields)
    messages.filter(status__in=(Status.PENDING, Status.FAILED, Status.SENDING)).update(
        status=Status.DEAD, last_error="联系方式已删除"
    )
    return messages.exclude(phone_hash="", phone_encrypted="", phone_masked="").update(
        phone_encrypted="", phone_hash="", phone_masked=""
    )
