"""Sending due SMS from the outbox: claim, send, record the outcome.

A claim moves a row to ``sending`` and counts the attempt in a committed transaction before
anything is sent, with a compare-and-set on ``attempts`` (and row locks that skip rows another
worker holds, where the database has them), so two workers never send one row. A worker that dies
mid-send leaves the row ``sending``; after ``SENDING_LEASE`` it is due again, and the gateway sees
the same ``request_id``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shangliang.notifications.models import Channel, OutboxMessage, Status
from shangliang.notifications.sms import SmsSendError, get_backend
from shangliang.privacy.personal import decrypt, mask_phone

logger = logging.getLogger(__name__)

# Wait after the 1st, 2nd, … failed attempt; the last wait repeats until the attempts run out.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
# Far longer than the HTTP timeout: a live worker always finishes well within it.
SENDING_LEASE = timedelta(minutes=10)
BATCH_SIZE = 50
MAX_BATCHES = 20


def retry_delay(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _due(now: datetime) -> Q:
    return Q(
        channel=Channel.SMS,
        status__in=(Status.PENDING, Status.FAILED, Status.SENDING),
        next_attempt_at__lte=now,
    )


def claim_due(
    *, now: datetime | None = None, message_id: int | None = None, limit: int = BATCH_SIZE
) -> list[OutboxMessage]:
    """Take up to ``limit`` due SMS for this worker; a row claimed here is claimed by no one else."""
    now = now or timezone.now()
    claimed: list[int] = []
    with transaction.atomic():
        candidates = OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
        if message_id is not None:
            candidates = candidates.filter(pk=message_id)
        if connection.features.has_select_for_update:
            candidates = candidates.select_for_update(
                skip_locked=connection.features.has_select_for_update_skip_locked
            )
        for pk, attempts in candidates.values_list("pk", "attempts")[:limit]:
            won = (
                OutboxMessage.objects.filter(_due(now), pk=pk, attempts=attempts).update(
                    status=Status.SENDING, attempts=attempts + 1, next_attempt_at=now + SENDING_LEASE
                )
                == 1
            )
            if won:
                claimed.append(pk)
    return list(OutboxMessage.objects.filter(pk__in=claimed).order_by("pk"))


def send_claimed(message: OutboxMessage) -> bool:
    """Send one claimed row and record the outcome; True when the gateway accepted it."""
    phone = decrypt(message.phone_encrypted)
    if not phone:
        _record_failure(message, "无法解密手机号（密钥可能已更换）", give_up=True)
        return False
    try:
        provider_id = get_backend().send(phone=phone, text=message.body, request_id=str(message.request_id))
    except SmsSendError as error:
        _record_failure(message, str(error).replace(phone, mask_phone(phone)))
        return False
    except Exception as error:
        _record_failure(message, f"{type(error).__name__}: {error}".replace(phone, mask_phone(phone)))
        return False
    _claimed(message).update(
        status=Status.SENT, sent_at=timezone.now(), provider_message_id=provider_id[:100], last_error=""
    )
    logger.info("sms %s sent to %s", message.pk, message.phone_masked)
    return True


def _claimed(message: OutboxMessage) -> QuerySet[OutboxMessage]:
    # Only the claim that sent it may record the outcome.
    return OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, attempts=message.attempts)


def _record_failure(message: OutboxMessage, error: str, *, give_up: bool = False) -> None:
    now = timezone.now()
    dead = give_up or message.attempts >= settings.SHANGLIANG_OUTBOX_MAX_ATTEMPTS
    _claimed(message).update(
        status=Status.DEAD if dead else Status.FAILED,
        last_error=error[:500],
        next_attempt_at=now if dead else now + retry_delay(message.attempts),
    )
    logger.warning(
        "sms %s to %s failed (attempt %s%s): %s",
        message.pk,
        message.phone_masked,
        message.attempts,
        ", giving up" if dead else "",
        error[:200],
    )


def deliver_due(*, message_id: int | None = None) -> dict[str, int]:
    """Claim and send due SMS (only ``message_id`` when given) until none are left or the cap is hit."""
    counts = {"sent": 0, "failed": 0}
    for _ in range(1 if message_id is not None else MAX_BATCHES):
        batch = claim_due(message_id=message_id)
        for message in batch:
            counts["sent" if send_claimed(message) else "failed"] += 1
        if len(batch) < BATCH_SIZE:
            break
    return counts
