from __future__ import annotations

import pytest

from shangliang.core.models import AuditEvent
from shangliang.core.scope import scope_of
from shangliang.notifications import selectors, services
from shangliang.notifications.models import Channel, OutboxMessage, Status
from shangliang.privacy.personal import InvalidPhone, decrypt, lookup_hash


def test_enqueue_sms_stores_the_number_encrypted_and_masked(subject, time_machine):
    # given
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    # when
    message = services.enqueue_sms(
        phone="+86 138-1234-5678", body="您反映的问题已受理。", about=subject, dedupe_key="t:1"
    )
    # then
    message.refresh_from_db()
    assert message.channel == Channel.SMS
    assert message.status == Status.PENDING
    assert message.attempts == 0
    assert message.phone_masked == "138****5678"
    assert message.recipient_label == "138****5678"
    assert message.phone_hash == lookup_hash("13812345678")
    assert "13812345678" not in message.phone_encrypted
    assert decrypt(message.phone_encrypted) == "13812345678"
    assert message.about == subject
    assert message.next_attempt_at.isoformat() == "2026-03-02T01:00:00+00:00"


def test_enqueue_sms_twice_with_one_key_makes_one_row(subject, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.enqueue_sms(phone="13812345678", body="第一次", about=subject, dedupe_key="t:dup")
    # when
    with django_capture_on_commit_callbacks() as again:
        second = services.enqueue_sms(phone="13812345678", body="第二次", about=subject, dedupe_key="t:dup")
    # then
    assert second.pk == first.pk
    assert second.body == "第一次"
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1
    assert len(again) == 0


def test_enqueue_sms_sends_only_after_the_commit(subject, django_capture_on_commit_callbacks, sms_outbox):
    # given / when: the caller's transaction has not committed yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.enqueue_sms(phone="13812345678", body="已受理", about=subject, dedupe_key="t:2")
    assert sms_outbox == []
    # when the commit happens
    for callback in callbacks:
        callback()
    # then
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert sms_outbox == [
        {"phone": "13812345678", "text": "【珠事好商量】已受理", "request_id": str(message.request_id)}
    ]


def test_enqueue_sms_refuses_a_number_that_is_not_a_mainland_mobile(subject):
    with pytest.raises(InvalidPhone):
        services.enqueue_sms(phone="0779-1234567", body="x", about=subject, dedupe_key="t:3")
    assert OutboxMessage.objects.count() == 0


def test_enqueue_inbox_is_delivered_by_being_written(subject, staff, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        message = services.enqueue_inbox(user=staff, body="有新的诉求待研判", about=subject, dedupe_key="t:4")
    # then
    message.refresh_from_db()
    assert message.channel == Channel.INBOX
    assert message.status == Status.SENT
    assert message.read_at is None
    assert message.recipient_label == str(staff)
    assert callbacks == []
    assert selectors.inbox_unread_count(scope_of(staff)) == 1


def test_messages_about_lists_a_records_messages_oldest_first(subject, staff, time_machine):
    # given
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    sms = services.enqueue_sms(phone="13812345678", body="已受理", about=subject, dedupe_key="a:1")
    time_machine.move_to("2026-03-03 09:00 +08:00", tick=False)
    notice = services.enqueue_inbox(user=staff, body="待研判", about=subject, dedupe_key="a:2")
    services.enqueue_sms(phone="13812345678", body="别的事", about=staff, dedupe_key="a:3")
    # when
    everything = list(selectors.messages_about(subject))
    for_resident = list(selectors.messages_about(subject, channel=Channel.SMS))
    # then
    assert [m.pk for m in everything] == [sms.pk, notice.pk]
    assert [m.pk for m in for_resident] == [sms.pk]
    assert [m.recipient_label for m in everything] == ["138****5678", str(staff)]


def test_mark_read_touches_only_the_persons_own_notices(subject, staff, member):
    # given
    mine = services.enqueue_inbox(user=staff, body="我的", about=subject, dedupe_key="r:1")
    theirs = services.enqueue_inbox(user=member, body="别人的", about=subject, dedupe_key="r:2")
    # when
    changed_other = services.inbox_mark_read(user=staff, message_id=theirs.pk)
    changed_own = services.inbox_mark_read(user=staff, message_id=mine.pk)
    # then
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (changed_other, changed_own) == (0, 1)
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_mark_all_read(subject, staff):
    # given
    for n in range(3):
        services.enqueue_inbox(user=staff, body=f"通知{n}", about=subject, dedupe_key=f"all:{n}")
    # when
    changed = services.inbox_mark_read(user=staff)
    # then
    assert changed == 3
    assert selectors.inbox_unread_count(scope_of(staff)) == 0


def test_retry_now_makes_a_dead_sms_due_and_audits_it(
    subject, admin_user, django_capture_on_commit_callbacks
):
    # given
    message = services.enqueue_sms(phone="13812345678", body="x", about=subject, dedupe_key="d:1")
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.DEAD, attempts=6, last_error="余额不足")
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        count = services.outbox_retry_now(message_ids=[message.pk], actor=admin_user)
    # then
    message.refresh_from_db()
    assert count == 1
    assert len(callbacks) == 1
    assert message.status == Status.SENT
    assert message.attempts == 7
    event = AuditEvent.objects.get(event_type="notification.retried")
    assert (event.actor, event.old_value, event.new_value) == (admin_user, "dead", "pending")


def test_retry_now_leaves_sent_messages_alone(subject, admin_user):
    # given
    message = services.enqueue_sms(phone="13812345678", body="x", about=subject, dedupe_key="d:2")
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENT, attempts=1)
    # when
    count = services.outbox_retry_now(message_ids=[message.pk], actor=admin_user)
    # then
    message.refresh_from_db()
    assert count == 0
    assert message.status == Status.SENT
    assert AuditEvent.objects.count() == 0


def test_erasing_the_phone_keeps_the_texts_and_gives_up_unsent_messages(subject, staff):
    # given: one SMS sent, one waiting, one about another record
    sent = services.enqueue_sms(phone="13812345678", body="已受理", about=subject, dedupe_key="e:1")
    OutboxMessage.objects.filter(pk=sent.pk).update(status=Status.SENT)
    waiting = services.enqueue_sms(phone="13812345678", body="已立项", about=subject, dedupe_key="e:2")
    other = services.enqueue_sms(phone="13812345678", body="别的事", about=staff, dedupe_key="e:3")
    # when
    changed = services.outbox_erase_phone(about=subject)
    # then
    assert changed == 2
    rows = {m.pk: m for m in OutboxMessage.objects.all()}
    assert [
        (rows[pk].status, rows[pk].phone_encrypted, rows[pk].phone_hash) for pk in (sent.pk, waiting.pk)
    ] == [
        (Status.SENT, "", ""),
        (Status.DEAD, "", ""),
    ]
    assert rows[waiting.pk].last_error == "联系方式已删除"
    assert rows[waiting.pk].recipient_label == "（号码已删除）"
    assert [m.body for m in selectors.messages_about(subject)] == ["已受理", "已立项"]
    assert (rows[other.pk].status, rows[other.pk].phone_masked) == (Status.PENDING, "138****5678")
