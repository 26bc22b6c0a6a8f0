from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction

from shangliang.notifications import delivery, services
from shangliang.notifications.models import OutboxMessage, Status
from shangliang.notifications.tasks import deliver_outbox
from shangliang.notifications.tests import fakes

REJECTING = "shangliang.notifications.tests.fakes.RejectingSmsBackend"


@pytest.fixture
def message(subject, time_machine):
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    return services.enqueue_sms(phone="13812345678", body="您的诉求已受理。", about=subject, dedupe_key="m:1")


@pytest.fixture
def rejecting(settings):
    settings.SHANGLIANG_SMS_BACKEND = REJECTING
    fakes.calls.clear()
    return fakes.calls


def test_a_due_message_is_sent_and_recorded(message, sms_outbox, time_machine):
    # when
    result = deliver_outbox.enqueue()
    # then
    message.refresh_from_db()
    assert result.return_value == {"sent": 1, "failed": 0}
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert message.sent_at.isoformat() == "2026-03-02T01:00:00+00:00"
    assert message.provider_message_id == "locmem-1"
    assert message.last_error == ""
    assert [m["text"] for m in sms_outbox] == ["【珠事好商量】您的诉求已受理。"]


def test_a_rejected_message_fails_with_the_error_masked_and_waits_a_minute(message, rejecting, time_machine):
    # when
    result = deliver_outbox.enqueue()
    # then
    message.refresh_from_db()
    assert result.return_value == {"sent": 0, "failed": 1}
    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert message.last_error == "网关拒绝 code=1001: 号码 138****5678 余额不足"
    assert message.next_attempt_at.isoformat() == "2026-03-02T01:01:00+00:00"
    assert message.sent_at is None


def test_an_unexpected_backend_error_is_a_failure_too(message, settings):
    # given
    settings.SHANGLIANG_SMS_BACKEND = "shangliang.notifications.tests.fakes.CrashingSmsBackend"
    # when
    deliver_outbox.enqueue()
    # then
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Status.FAILED, "RuntimeError: connection reset")


def test_failures_back_off_then_give_up(message, rejecting, settings, time_machine):
    # given
    settings.SHANGLIANG_OUTBOX_MAX_ATTEMPTS = 6
    waits = []
    # when: every time the message is due, the sweep tries it again
    for _ in range(6):
        deliver_outbox.enqueue()
        message.refresh_from_db()
        waits.append((message.status, message.next_attempt_at - delivery.timezone.now()))
        time_machine.move_to(message.next_attempt_at, tick=False)
    # then
    assert waits == [
        (Status.FAILED, timedelta(minutes=1)),
        (Status.FAILED, timedelta(minutes=5)),
        (Status.FAILED, timedelta(minutes=30)),
        (Status.FAILED, timedelta(hours=2)),
        (Status.FAILED, timedelta(hours=12)),
        (Status.DEAD, timedelta(0)),
    ]
    assert message.attempts == 6
    assert len(rejecting) == 6
    assert len(set(rejecting)) == 1  # the same request id on every attempt


def test_a_failed_message_is_not_tried_before_its_time(message, rejecting, time_machine):
    # given
    deliver_outbox.enqueue()
    # when
    time_machine.move_to("2026-03-02 09:00:59 +08:00", tick=False)
    result = deliver_outbox.enqueue()
    # then
    message.refresh_from_db()
    assert result.return_value == {"sent": 0, "failed": 0}
    assert message.attempts == 1


def test_a_dead_message_is_never_tried_again(message, rejecting, settings, time_machine):
    # given
    settings.SHANGLIANG_OUTBOX_MAX_ATTEMPTS = 1
    deliver_outbox.enqueue()
    # when
    time_machine.shift(timedelta(days=3))
    deliver_outbox.enqueue()
    # then
    message.refresh_from_db()
    assert (message.status, message.attempts, len(rejecting)) == (Status.DEAD, 1, 1)


def test_a_row_claimed_once_cannot_be_claimed_again(message):
    # given: the first worker claims the message
    first = delivery.claim_due()
    # when: a second worker looks for due messages
    second = delivery.claim_due()
    # then
    assert [m.pk for m in first] == [message.pk]
    assert second == []
    assert OutboxMessage.objects.get().status == Status.SENDING


def test_the_message_is_sent_once_when_two_deliveries_run(message, sms_outbox):
    # when: the on_commit task and the periodic sweep both run
    deliver_outbox.enqueue(message_id=message.pk)
    deliver_outbox.enqueue()
    # then
    assert len(sms_outbox) == 1


def test_a_stale_claim_is_taken_over_and_its_outcome_ignored(message, sms_outbox, time_machine):
    # given: a worker claimed the message and then hung
    [stale] = delivery.claim_due()
    # when: the claim lapses, another worker sends it, then the hung one wakes up
    time_machine.shift(delivery.SENDING_LEASE)
    [fresh] = delivery.claim_due()
    assert delivery.send_claimed(fresh) is True
    delivery.send_claimed(stale)
    # then: the row keeps the second worker's outcome
    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_message_id) == (Status.SENT, 2, "locmem-1")


def test_a_message_that_cannot_be_decrypted_is_given_up(message):
    # given
    OutboxMessage.objects.filter(pk=message.pk).update(phone_encrypted="not-a-token")
    # when
    deliver_outbox.enqueue()
    # then
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Status.DEAD, "无法解密手机号（密钥可能已更换）")


def test_the_sweep_sends_every_due_message(subject, sms_outbox, settings, monkeypatch):
    # given: more messages than one batch
    monkeypatch.setattr(delivery, "BATCH_SIZE", 2)
    for n in range(5):
        services.enqueue_sms(phone="13812345678", body=f"第{n}条", about=subject, dedupe_key=f"s:{n}")
    # when
    result = deliver_outbox.enqueue()
    # then
    assert result.return_value == {"sent": 5, "failed": 0}
    assert [m["text"] for m in sms_outbox] == [f"【珠事好商量】第{n}条" for n in range(5)]


def test_inbox_messages_are_not_claimed(subject, staff):
    # given
    services.enqueue_inbox(user=staff, body="x", about=subject, dedupe_key="i:1")
    # when
    claimed = delivery.claim_due()
    # then
    assert claimed == []


@pytest.mark.skipif(
    not connection.features.has_select_for_update_skip_locked, reason="needs row locks (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_a_row_locked_by_another_worker_is_skipped(subject, monkeypatch):
    # given: another worker holds the row's lock in its own transaction
    monkeypatch.setattr(services, "_deliver_after_commit", lambda message_id: None)
    message = services.enqueue_sms(phone="13812345678", body="x", about=subject, dedupe_key="l:1")
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            OutboxMessage.objects.select_for_update().get(pk=message.pk)
            locked.set()
            release.wait(5)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    locked.wait(5)
    # when
    claimed = delivery.claim_due()
    release.set()
    thread.join()
    # then
    assert claimed == []
    assert OutboxMessage.objects.get().status == Status.PENDING
