"""The inbox's prepared reads give the rows the ORM gives, for every shape of filter."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.http import QueryDict
from django.utils import timezone

from shangliang.concerns.models import ConcernStatus
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.screening import selectors
from shangliang.text.models import Category
from shangliang.topics.tests.factories import waiting_concern

pytestmark = pytest.mark.django_db


def _orm_ids(user, filters: selectors.InboxFilters) -> list[int]:
    start = (filters.page - 1) * selectors.PAGE_SIZE
    qs = selectors.filter_concerns(user, filters).order_by(*selectors.SORTS[filters.sort])
    return list(qs.values_list("pk", flat=True)[start : start + selectors.PAGE_SIZE])


def test_every_filter_shape_reads_what_the_orm_reads(district, staff, street_staff):
    category = Category.objects.get_or_create(name="消防安全")[0]
    today = timezone.localdate()
    for n in range(30):
        community = [district.community_a, district.community_a2, district.community_b][n % 3]
        waiting_concern(
            community,
            region=district.grid_a if n % 3 == 0 else community,
            category=category if n % 2 else None,
            source=["resident", "grid", "member"][n % 3],
            first_response_due=today + dt.timedelta(days=n % 5 - 2),
            likely_duplicates=n % 4,
            supporters_count=n % 7,
        )
    ConcernFactory(community=district.community_a, status=ConcernStatus.DECLINED)
    queries = [
        "",
        "status=all",
        "status=decided",
        f"source=grid&category={category.pk}",
        f"street={district.street_a.pk}&sort=due",
        f"street={district.street_b.pk}&community={district.community_b.pk}",
        f"grid={district.grid_a.pk}&community={district.community_a.pk}&street={district.street_a.pk}",
        f"street={10**6}",
        f"date_from={today - dt.timedelta(days=1)}&date_to={today}&sort=old",
        "due=overdue&sort=support",
        "due=soon&dup=1",
        "page=2&sort=old",
    ]
    found = 0
    for user, query in itertools.product((staff, street_staff), queries):
        filters = selectors.InboxFilters.from_query(QueryDict(query))
        for _ in range(2):  # compiled, then replayed
            page = selectors.inbox(user, filters)
            assert [row.pk for row in page.rows] == _orm_ids(user, filters), (user.username, query)
        assert page.count == min(selectors.filter_concerns(user, filters).count(), selectors.COUNT_CAP)
        found += bool(page.rows)
    assert found >= 16  # most shapes find rows: the comparison is not between two empty lists
