from __future__ import annotations

from django.urls import reverse

from shangliang.notifications import services
from shangliang.notifications.models import OutboxMessage, Status

CHANGELIST = reverse("admin:notifications_outboxmessage_changelist")


def test_admin_list_shows_the_number_masked(client, django_user_model, subject):
    # given
    services.enqueue_sms(phone="13812345678", body="已受理", about=subject, dedupe_key="ad:1")
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    # when
    response = client.get(CHANGELIST)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in html
    assert "13812345678" not in html


def test_admin_finds_a_message_by_the_full_number(client, django_user_model, subject):
    # given
    wanted = services.enqueue_sms(phone="13812345678", body="a", about=subject, dedupe_key="ad:2")
    services.enqueue_sms(phone="13987654321", body="b", about=subject, dedupe_key="ad:3")
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    # when
    response = client.get(CHANGELIST, {"q": "138 1234 5678"})
    # then
    assert [m.pk for m in response.context["cl"].result_list] == [wanted.pk]


def test_admin_retry_now_action_sends_a_failed_message(
    client, django_user_model, subject, sms_outbox, django_capture_on_commit_callbacks
):
    # given
    message = services.enqueue_sms(phone="13812345678", body="已受理", about=subject, dedupe_key="ad:4")
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.DEAD, attempts=6)
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "retry_now", "_selected_action": [message.pk]}, follow=True
        )
    # then
    message.refresh_from_db()
    assert response.status_code == 200
    assert "已安排重试 1 条短信" in response.content.decode()
    assert (message.status, message.attempts) == (Status.SENT, 7)
    assert len(sms_outbox) == 1
