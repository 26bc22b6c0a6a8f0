"""Prepared reads give what the ORM gives, compile once, and refuse reads they cannot run safely."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shangliang.core.models import AuditEvent
from shangliang.core.prepared import PREFIX, PreparedModelRead, PreparedRead, in_batches, instance, padded
from shangliang.places.models import Region

pytestmark = pytest.mark.django_db


def _events(district: Any) -> None:
    region_type = ContentType.objects.get_for_model(Region)
    for n, public in enumerate([True, False, True]):
        AuditEvent.objects.create(
            event_type=f"region.checked{n}",
            content_type=region_type,
            object_id=str(district.community_a.pk),
            public=public,
            public_text=f"第{n}次",
        )


def test_rows_are_the_orm_rows_with_its_conversions(district: Any) -> None:
    _events(district)

    def build(content_type: int, object_id: str) -> Any:
        return (
            AuditEvent.objects.filter(content_type_id=content_type, object_id=object_id)
            .order_by("id")
            .values_list("created_at", "public", "public_text")
        )

    read = PreparedRead(build, content_type=int, object_id=str)
    region_type = ContentType.objects.get_for_model(Region).pk

    rows = read.rows(content_type=region_type, object_id=str(district.community_a.pk))

    assert rows == list(build(region_type, str(district.community_a.pk)))
    assert [public for _, public, _ in rows] == [True, False, True]  # booleans, not 0 and 1
    assert rows[0][0].tzinfo is not None  # aware datetimes, not text
    assert read.rows(content_type=region_type, object_id="no such object") == []


def test_compiles_once_and_each_call_is_one_counted_query(district: Any) -> None:
    built = []

    def build(pk: int) -> Any:
        built.append(pk)
        return Region.objects.filter(pk=pk).values_list("name")

    read = PreparedRead(build, pk=int)
    with CaptureQueriesContext(connection) as queries:
        names = [read.first(pk=r.pk) for r in (district.street_a, district.community_b, district.grid_a)]

    assert names == [("中街街道",), ("赤西村",), ("政法路第1网格",)]
    assert len(built) == 1
    assert len(queries) == 3


def test_a_list_of_fixed_length_padded_with_a_value_that_matches_nothing(district: Any) -> None:
    read = PreparedRead(
        lambda ids: Region.objects.filter(pk__in=ids).order_by("pk").values_list("name", flat=False),
        ids=(int, 4),
    )

    rows = read.rows(ids=padded([district.community_a.pk, district.community_b.pk], 4))

    assert rows == [("政法路社区",), ("赤西村",)]
    assert read.rows(ids=[district.community_a.pk, district.community_b.pk]) == rows  # padded by rows
    assert padded([1, 2, 3, 4, 5], 4) == [1, 2, 3, 4]
    with pytest.raises(ValueError, match="in_batches"):
        read.rows(ids=[1, 2, 3, 4, 5])


def test_count_is_the_number_of_rows_up_to_the_slice(district: Any) -> None:
    read = PreparedRead(
        lambda prefix: Region.objects.filter(path__startswith=prefix).order_by("pk").values_list("pk")[:3],
        prefix=PREFIX,
    )
    under_street = Region.objects.filter(path__startswith=district.street_a.path).count()

    with CaptureQueriesContext(connection) as queries:
        counts = [read.count(prefix=district.street_a.path), read.count(prefix=district.grid_a.path)]

    assert under_street > 3
    assert counts == [3, 1]
    assert len(queries) == 2


def test_in_batches_reads_a_list_longer_than_the_read_takes(district: Any) -> None:
    read = PreparedRead(lambda ids: Region.objects.filter(pk__in=ids).values_list("pk"), ids=(int, 3))
    everything = sorted(Region.objects.values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        rows = in_batches(read, "ids", everything)

    assert sorted(pk for (pk,) in rows) == everything
    assert len(queries) == -(-len(everything) // 3)


@pytest.mark.parametrize(
    ("build", "kinds"),
    [
        # The value reaches the SQL changed (wrapped in a LIKE pattern): it cannot be replaced.
        (lambda name: Region.objects.filter(name__icontains=name).values_list("pk"), {"name": str}),
        # A value used twice: both places cannot be told apart from other parameters.
        (lambda pk: Region.objects.filter(pk=pk, parent_id=pk).values_list("name"), {"pk": int}),
        (lambda when: Region.objects.filter(pk=1).values_list("pk"), {"when": float}),
        # A prefix read as an exact value.
        (lambda path: Region.objects.filter(path=path).values_list("pk"), {"path": "prefix"}),
    ],
)
def test_refuses_reads_it_cannot_run_with_new_values(district: Any, build: Any, kinds: Any) -> None:
    read = PreparedRead(build, **kinds)

    with pytest.raises(ImproperlyConfigured):
        read.rows(**dict.fromkeys(kinds, 1))


def test_model_reads_attach_related_objects_and_load_the_rest_on_access(
    district: Any, django_assert_num_queries: Any
) -> None:
    read = PreparedModelRead(
        Region,
        lambda pk: {"pk": pk},
        related={"parent": ["path", "name"], "parent__parent": ["name"]},
        pk=int,
    )

    with django_assert_num_queries(1):
        grid = read.first(pk=district.grid_a.pk)
        assert (grid.name, grid.parent.name, grid.parent.parent.name) == (
            "政法路第1网格",
            "政法路社区",
            "中街街道",
        )
        assert grid.parent.path == district.community_a.path
    with django_assert_num_queries(1):
        assert grid.parent.level == district.community_a.level  # not read: loaded when asked for

    top = read.first(pk=district.district.pk)
    assert top is not None
    assert top.parent is None
    assert read.first(pk=10**9) is None


def test_prefixes_dates_and_datetimes_are_adapted_as_the_orm_adapts_them(district: Any) -> None:
    _events(district)
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None

    def build(path: str, since: dt.datetime, founded: dt.date) -> Any:
        # (a date compared with a datetime column's date: a DateField lookup's adaptation)
        return (
            Region.objects.filter(path__startswith=path, created_at__gte=since, created_at__date__gte=founded)
            .order_by("path")
            .values_list("name")
        )

    read = PreparedRead(build, path=PREFIX, since=dt.datetime, founded=dt.date)
    since = first.created_at - dt.timedelta(days=1)
    today = timezone.localdate()

    assert read.rows(path=district.street_a.path, since=since, founded=today - dt.timedelta(days=1)) == list(
        build(district.street_a.path, since, today - dt.timedelta(days=1))
    )
    assert len(read.rows(path=district.street_a.path, since=since, founded=today - dt.timedelta(days=1))) == 5
    assert read.rows(path=district.street_a.path, since=since + dt.timedelta(days=2), founded=today) == []
    assert read.rows(path="%", since=since, founded=today - dt.timedelta(days=1)) == []  # "%" is a character


def test_instances_take_values_in_any_order() -> None:
    region = instance(Region, ["path", "name", "id"], ["/1/2/", "赤西村", 2])

    assert (region.pk, region.name, region.path) == (2, "赤西村", "/1/2/")
    with pytest.raises(ImproperlyConfigured):
        instance(Region, ["id", "parent"], [1, None])  # the relation, not its column
