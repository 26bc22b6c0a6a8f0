from __future__ import annotations

import pytest
from django.urls import reverse

from shangliang.core import registry
from shangliang.core.registry import TodoItem
from shangliang.core.scope import scope_of
from shangliang.notifications import selectors, services
from shangliang.notifications.models import OutboxMessage

INBOX = reverse("notifications:inbox")


@pytest.fixture
def notices(subject, staff, member):
    return {
        "mine": services.enqueue_inbox(user=staff, body="有新的诉求待研判", about=subject, dedupe_key="v:1"),
        "old": services.enqueue_inbox(user=staff, body="会议纪要已确认", about=subject, dedupe_key="v:2"),
        "theirs": services.enqueue_inbox(
            user=member, body="请报名参加协商会", about=subject, dedupe_key="v:3"
        ),
    }


def test_inbox_needs_a_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/notifications/"


def test_inbox_is_refused_to_a_resident_account(client, resident):
    client.force_login(resident)
    assert client.get(INBOX).status_code == 403


def test_inbox_shows_only_the_persons_own_notices(client, staff, notices):
    # given
    client.force_login(staff)
    # when
    response = client.get(INBOX)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert [m.pk for m in response.context["page"].object_list] == [notices["old"].pk, notices["mine"].pk]
    assert "有新的诉求待研判" in html
    assert "请报名参加协商会" not in html
    assert '<span class="badge warning">2 条未读</span>' in html


def test_inbox_with_nothing_says_so(client, grid_worker):
    client.force_login(grid_worker)
    assert "暂无通知。" in client.get(INBOX).content.decode()


def test_inbox_queries_do_not_grow_with_its_rows(client, staff, subject, django_assert_max_num_queries):
    # given
    for n in range(20):
        services.enqueue_inbox(user=staff, body=f"通知{n}", about=subject, dedupe_key=f"q:{n}")
    client.force_login(staff)
    # when / then
    with django_assert_max_num_queries(6):
        assert client.get(INBOX).status_code == 200


def test_mark_read_marks_ones_own_notice(client, staff, notices):
    # given
    client.force_login(staff)
    # when
    response = client.post(reverse("notifications:mark-read", args=[notices["mine"].pk]))
    # then
    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert selectors.inbox_unread_count(scope_of(staff)) == 1


def test_mark_read_of_someone_elses_notice_is_not_found_and_changes_nothing(client, staff, notices):
    # given
    client.force_login(staff)
    # when
    response = client.post(reverse("notifications:mark-read", args=[notices["theirs"].pk]))
    # then
    assert response.status_code == 404
    assert OutboxMessage.objects.get(pk=notices["theirs"].pk).read_at is None


def test_mark_read_needs_a_post(client, staff, notices):
    client.force_login(staff)
    assert client.get(reverse("notifications:mark-read", args=[notices["mine"].pk])).status_code == 405


def test_mark_all_read(client, staff, member, notices):
    # given
    client.force_login(staff)
    # when
    client.post(reverse("notifications:mark-all-read"))
    # then
    assert selectors.inbox_unread_count(scope_of(staff)) == 0
    assert selectors.inbox_unread_count(scope_of(member)) == 1


def test_every_back_office_role_has_the_inbox_in_its_navigation(staff, grid_worker, member, resident):
    assert "通知" in [e.label for e in registry.nav_for(scope_of(staff))]
    assert "通知" in [e.label for e in registry.nav_for(scope_of(grid_worker))]
    assert "通知" in [e.label for e in registry.nav_for(scope_of(member))]
    assert "通知" not in [e.label for e in registry.nav_for(scope_of(resident))]


def test_staff_home_lists_unread_notices_only_when_there_are_some(staff, member, notices):
    # given
    services.inbox_mark_read(user=member)
    # when / then
    assert selectors.inbox_todo(scope_of(staff)) == [TodoItem(title="未读通知", url=INBOX, count=2, order=90)]
    assert selectors.inbox_todo(scope_of(member)) == []
