"""The desk's default page on SQLite: planned on statistics, it walks the creation-time index and
stops after one page; planned without them, it reads every waiting concern and sorts them (ADR 74)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from shangliang.concerns.models import Concern, ConcernStatus
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.scope import EVERYTHING
from shangliang.ops.statistics import refresh_statistics
from shangliang.screening import selectors

STATUSES = [
    ConcernStatus.SUBMITTED,
    ConcernStatus.SCREENING,
    ConcernStatus.ACCEPTED,
    ConcernStatus.ASSIGNED_DIRECTLY,
    ConcernStatus.CLOSED,
]


def _page_plan() -> str:
    qs = selectors.filter_concerns(EVERYTHING, selectors.InboxFilters())
    return qs.order_by(*selectors.SORTS["new"]).values(*selectors.ROW_FIELDS)[:25].explain()


def test_the_default_page_reads_one_page_once_the_planner_has_statistics(district):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its own statistics")
    # given 500 concerns over two years, two in five waiting for a decision
    first = ConcernFactory(community=district.community_a, status=ConcernStatus.SUBMITTED)
    start = timezone.now() - dt.timedelta(days=730)
    Concern.objects.bulk_create(
        Concern(
            tracking_code=f"T{i:07d}",
            text=first.text,
            region=first.region,
            community=first.community,
            region_path=first.region_path,
            status=STATUSES[i % 5],
        )
        for i in range(1, 500)
    )
    Concern.objects.update(created_at=start)
    for i, pk in enumerate(Concern.objects.order_by("pk").values_list("pk", flat=True)):
        Concern.objects.filter(pk=pk).update(created_at=start + dt.timedelta(hours=35 * i))
    # when the planner has no statistics, then it sorts every waiting concern for one page
    before = _page_plan()
    assert "USE TEMP B-TREE FOR ORDER BY" in before
    # when the daily job has stored them, then it walks the index in the page's order
    tables = refresh_statistics()
    after = _page_plan()
    assert "concerns_concern" in tables
    assert "TEMP B-TREE" not in after
    assert "SCAN concerns_concern USING INDEX" in after
