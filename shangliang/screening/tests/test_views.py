"""The screening desk pages: filters, constant queries, bulk actions, decisions with stale forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shangliang.concerns.models import Concern, ConcernPhoto, ConcernStatus
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.testing import count_queries
from shangliang.screening.models import DeclineReason
from shangliang.text.models import Category
from shangliang.topics.models import Topic
from shangliang.topics.tests.factories import waiting_concern

pytestmark = pytest.mark.django_db


def many(district, n: int) -> list[Concern]:
    category = Category.objects.get_or_create(name="消防安全")[0]
    rows = [
        waiting_concern(district.community_a, category=category, region=district.grid_a) for _ in range(n)
    ]
    for concern in rows:
        ConcernPhoto.objects.create(
            concern=concern, image="x.jpg", thumbnail="x-thumb.jpg", width=40, height=30
        )
    return rows


def test_the_inbox_runs_the_same_queries_for_2_and_25_rows(client, district, staff):
    client.force_login(staff)
    url = reverse("screening:inbox") + "?status=waiting&sort=due"
    many(district, 2)
    client.get(url)  # warm the session and content types
    small = count_queries(lambda: client.get(url))
    many(district, 23)
    large = count_queries(lambda: client.get(url))
    assert small == large
    assert large <= 14


def test_the_inbox_budget_with_every_filter(client, district, staff, django_assert_max_num_queries):
    many(district, 30)
    client.force_login(staff)
    query = (
        f"?status=waiting&source=resident&street={district.street_a.pk}&community={district.community_a.pk}"
        f"&grid={district.grid_a.pk}&date_from=2020-01-01&date_to=2099-01-01&due=soon&dup=1&sort=support&page=1"
    )
    client.get(reverse("screening:inbox"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("screening:inbox") + query)
    assert response.status_code == 200


def test_filters_narrow_the_rows(client, district, staff):
    overdue = waiting_concern(
        district.community_a,
        text="逾期的诉求",
        first_response_due=timezone.localdate() - dt.timedelta(days=1),
    )
    waiting_concern(district.community_b, text="赤西村的诉求")
    waiting_concern(district.community_a, text="网格员的诉求", source="grid", likely_duplicates=2)
    ConcernFactory(community=district.community_a, text="已经不予立题", status=ConcernStatus.DECLINED)
    client.force_login(staff)
    inbox = reverse("screening:inbox")

    def texts(query: str) -> set[str]:
        body = client.get(inbox + query).content.decode()
        return {t for t in ("逾期的诉求", "赤西村的诉求", "网格员的诉求", "已经不予立题") if t in body}

    assert texts("") == {"逾期的诉求", "赤西村的诉求", "网格员的诉求"}
    assert texts("?due=overdue") == {"逾期的诉求"}
    assert texts(f"?street={district.street_b.pk}") == {"赤西村的诉求"}
    assert texts("?source=grid") == {"网格员的诉求"}
    assert texts("?dup=1") == {"网格员的诉求"}
    assert texts("?status=decided") == {"已经不予立题"}
    assert overdue.response_overdue


def test_a_grid_worker_sees_only_their_community(client, district, grid_worker):
    waiting_concern(district.community_a, text="政法路的诉求")
    waiting_concern(district.community_b, text="赤西村的诉求")
    client.force_login(grid_worker)
    body = client.get(reverse("screening:inbox")).content.decode()
    assert "政法路的诉求" in body
    assert "赤西村的诉求" not in body


def test_the_desk_is_closed_to_officers_and_members(client, district, department_officer, member):
    for user in (department_officer, member):
        client.force_login(user)
        assert client.get(reverse("screening:inbox")).status_code == 403


def test_bulk_topic_and_bulk_decline(client, district, secretary):
    a, b, c = (waiting_concern(district.community_a) for _ in range(3))
    reason = DeclineReason.objects.create(text="不属于公共事务")
    client.force_login(secretary)
    response = client.post(
        reverse("screening:bulk"), {"action": "topic", "ids": [a.pk, b.pk], "topic_title": "楼道飞线充电"}
    )
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert (topic.title, topic.links.count()) == ("楼道飞线充电", 2)
    client.post(reverse("screening:bulk"), {"action": "decline", "ids": [c.pk], "decline_reason": reason.pk})
    c.refresh_from_db()
    assert c.status == ConcernStatus.DECLINED


def test_bulk_without_selection_says_so(client, district, staff):
    client.force_login(staff)
    response = client.post(reverse("screening:bulk"), {"action": "merge"}, follow=True)
    assert "请先勾选诉求" in response.content.decode()


def test_decide_page_keeps_input_and_refuses_a_stale_form(client, district, staff, street_staff):
    concern = waiting_concern(district.community_a)
    url = reverse("screening:decide", args=[concern.pk])
    client.force_login(staff)
    # without a reason: refused, what was typed stays
    missing = client.post(url, {"kind": "topic", "topic_title": "飞线充电整治", "version": 1})
    assert missing.status_code == 400
    assert "请填写研判理由" in missing.content.decode()
    assert "飞线充电整治" in missing.content.decode()
    # the first decision wins
    assert client.post(url, {"kind": "topic", "reason": "多户反映", "version": 1}).status_code == 302
    # the second person's form was rendered at version 1
    client.force_login(street_staff)
    stale = client.post(url, {"kind": "topic", "reason": "我也要立题", "version": 1})
    assert stale.status_code == 409
    assert "该记录刚刚已被他人修改" in stale.content.decode()
    assert Topic.objects.count() == 1


def test_the_concern_page_offers_similar_concerns_to_merge(client, district, grid_worker):
    from shangliang.concerns import services as concern_services
    from shangliang.concerns.services import ConcernInput

    first, _ = concern_services.concern_submit(
        data=ConcernInput(
            text="政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险", region_id=district.community_a.pk
        )
    )
    second, _ = concern_services.concern_submit(
        data=ConcernInput(
            text="政法路5栋楼道有人私拉电线给电动车充电，太危险了", region_id=district.community_a.pk
        )
    )
    assert second.likely_duplicates == 1
    client.force_login(grid_worker)
    body = client.get(reverse("screening:concern", args=[second.pk])).content.decode()
    assert first.tracking_code in body
    assert "合并到此诉求" in body
    client.post(
        reverse("screening:merge", args=[second.pk]), {"into_concern": first.pk, "version": second.version}
    )
    second.refresh_from_db()
    assert second.merged_into_id == first.pk


def test_hot_issues_group_reports_of_one_problem(client, district, staff):
    from shangliang.concerns import services as concern_services
    from shangliang.concerns.services import ConcernInput

    for text in (
        "政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险",
        "政法路5栋楼道有人私拉电线给电动车充电，太危险了",
        "政法路5栋私拉电线给电动车充电，楼道很危险",
    ):
        concern_services.concern_submit(data=ConcernInput(text=text, region_id=district.community_a.pk))
    client.force_login(staff)
    body = client.get(reverse("screening:hot")).content.decode()
    assert "合并立题" in body
    assert body.count('name="ids"') == 3


def test_declining_on_the_concern_page_asks_for_confirmation(client, district, staff):
    # given a waiting concern and a listed reason
    from shangliang.screening.models import DeclineReason
    from shangliang.topics.tests.factories import waiting_concern

    concern = waiting_concern(district.community_a)
    listed = DeclineReason.objects.get(text="问题已经解决")
    client.force_login(staff)
    url = reverse("screening:decide", args=[concern.pk])
    data = {
        "version": concern.version,
        "kind": "decline",
        "decline_reason": listed.pk,
        "reason": "物业已修好",
    }
    # when 不予立题 is submitted without ticking the confirmation, then nothing is decided
    response = client.post(url, data)
    assert "请勾选确认后再提交不予立题。" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == "submitted"
    # and with it ticked the concern is declined
    client.post(url, {**data, "confirm_decline": "on"})
    concern.refresh_from_db()
    assert concern.status == "declined"
