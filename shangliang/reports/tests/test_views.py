import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shangliang.concerns.models import ConcernSource
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.errors import PermissionDenied
from shangliang.core.scope import scope_of
from shangliang.reports import rollups, selectors

pytestmark = pytest.mark.django_db

# The staff statistics page whatever the number of records: the session and the person, the rollup
# state with the newest ids (one query), the region tree, the filters' streets and communities,
# the figures that are a state now and the trainings, the breakdown's labels, the navigation.
STATISTICS_PAGE_QUERIES = 10
# The days after the last refresh, counted again when something changed: one query per fact.
LIVE_QUERIES = 14


def test_staff_see_the_figures_of_their_street_only(client: Any, district: Any, street_staff: Any) -> None:
    # given two concerns in street A and one in street B
    ConcernFactory(community=district.community_a, source=ConcernSource.GRID)
    ConcernFactory(community=district.community_a2)
    ConcernFactory(community=district.community_b)
    client.force_login(street_staff)
    # when the statistics page is opened with a breakdown by source
    response = client.get(reverse("reports:statistics"), {"period": "year", "breakdown": "source"})
    # then it counts the street's concerns, by source, with each counting rule
    stats = response.context["stats"]
    received = stats.figure("concerns_received")
    assert received.value == 2
    assert {g.label: g.value for g in received.groups} == {"网格筛题": 1, "群众出题": 1}
    assert "居民自行提交和工作人员代录的反映总数" in response.content.decode()


def test_a_community_outside_the_scope_is_refused_with_a_message(
    client: Any, district: Any, street_staff: Any
) -> None:
    # given a street's staff
    client.force_login(street_staff)
    # when they ask for a community of another street
    response = client.get(reverse("reports:statistics"), {"community": district.community_b.pk})
    # then the form says so and the figures stay within their street
    assert response.context["form"].errors["community"] == ["所选区域不存在或不在您的统计范围内。"]
    assert response.context["stats"].figure("concerns_received").value == 0


def test_residents_and_officers_may_not_open_the_staff_statistics(
    client: Any, district: Any, grid_worker: Any, department_officer: Any
) -> None:
    for user in (grid_worker, department_officer):
        client.force_login(user)
        assert client.get(reverse("reports:statistics")).status_code == 403


def test_the_public_page_needs_no_login_and_shows_the_whole_platform(client: Any, district: Any) -> None:
    # given concerns in two streets
    ConcernFactory(community=district.community_a)
    ConcernFactory(community=district.community_b)
    # when
    response = client.get(reverse("reports:public-statistics"), {"period": "since2021"})
    # then
    assert response.status_code == 200
    assert response.context["stats"].figure("concerns_received").value == 2
    assert "下载 Excel" not in response.content.decode()


def test_the_xlsx_export_holds_the_figures_of_the_page(client: Any, district: Any, staff: Any) -> None:
    # given concerns, rolled up, and the page's filters
    ConcernFactory(community=district.community_a)
    ConcernFactory(community=district.community_b)
    rollups.refresh()
    client.force_login(staff)
    query = {"period": "since2021", "street": district.street_b.pk}
    page = client.get(reverse("reports:statistics"), query).context["stats"]
    # when the workbook is downloaded with the same filters
    response = client.get(reverse("reports:export-statistics", args=["xlsx"]), query)
    # then its figures sheet has the page's values
    sheet = load_workbook(io.BytesIO(response.content))["指标"]
    values = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] is None}
    assert values == {f.label: f.value for f in page.figures}
    assert values["收到群众反映"] == 1


def test_the_csv_export_starts_with_a_bom_and_the_header(client: Any, district: Any, staff: Any) -> None:
    client.force_login(staff)
    response = client.get(reverse("reports:export-statistics", args=["csv"]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff【指标】\r\n指标,分项,数值,单位,统计期间,统计口径\r\n")


def test_the_page_reads_a_bounded_number_of_queries(
    client: Any, district: Any, staff: Any, django_assert_max_num_queries: Any
) -> None:
    # given rolled-up figures
    for _ in range(3):
        ConcernFactory(community=district.community_a)
    rollups.refresh()
    client.force_login(staff)
    # when / then
    with django_assert_max_num_queries(40):
        client.get(reverse("reports:statistics"), {"breakdown": "community"})


def test_presets_cover_this_month_quarter_year_and_since_2021() -> None:
    import datetime as dt

    today = dt.date(2026, 8, 19)
    assert selectors.preset_period("month", today).start == dt.date(2026, 8, 1)
    assert selectors.preset_period("quarter", today).start == dt.date(2026, 7, 1)
    assert selectors.preset_period("year", today).start == dt.date(2026, 1, 1)
    assert selectors.preset_period("since2021", today).start == dt.date(2021, 1, 1)


def test_the_staff_figures_refuse_a_region_outside_the_persons_statistics(
    district: Any, street_staff: Any, department_officer: Any
) -> None:
    # given the street's staff and a department officer (no statistics)
    period = selectors.preset_period("year")
    # when figures of another street, or any figures, are asked for with their scopes
    for scope, path in ((scope_of(street_staff), district.street_b.path), (scope_of(department_officer), "")):
        # then they are refused
        with pytest.raises(PermissionDenied):
            selectors.statistics(scope=scope, path_prefix=path, period=period)
    # and their own street is read
    own = selectors.statistics(
        scope=scope_of(street_staff), path_prefix=district.street_a.path, period=period
    )
    assert own.figure("concerns_received").value == 0


def test_the_statistics_page_reads_a_bounded_number_of_queries_however_many_records(
    client: Any, district: Any, staff: Any, django_assert_max_num_queries: Any
) -> None:
    # given rolled-up concerns, a page read once, and then many more concerns today
    ConcernFactory.create_batch(3, community=district.community_a)
    rollups.refresh()
    client.force_login(staff)
    url, filters = reverse("reports:statistics"), {"period": "since2021", "breakdown": "community"}
    client.get(url, filters)
    ConcernFactory.create_batch(12, community=district.community_b)
    # when the page is read again: the days after the rollups are counted again, once
    with django_assert_max_num_queries(STATISTICS_PAGE_QUERIES + LIVE_QUERIES):
        counted = client.get(url, filters)
    # and once more, nothing having changed: the figures come from the cache
    with django_assert_max_num_queries(STATISTICS_PAGE_QUERIES):
        cached = client.get(url, filters)
    # then both give the new figure
    for response in (counted, cached):
        assert response.context["stats"].figure("concerns_received").value == 15
