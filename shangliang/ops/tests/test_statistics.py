"""The planner's statistics: every table analysed once a day on SQLite, nothing to do on PostgreSQL."""

from datetime import time

import pytest
from django.db import connection

from shangliang.ops import periodic, tasks
from shangliang.ops.statistics import refresh_statistics


@pytest.mark.django_db
def test_every_table_gets_statistics_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL analyses its tables itself")
    # given a database whose tables were never analysed
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert cursor.fetchone()[0] == 0
    every_table = sorted(connection.introspection.table_names())
    # when the statistics are refreshed
    tables = refresh_statistics()
    # then each table was analysed, and the indexes of those holding rows have their statistics
    assert tables == every_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1 WHERE tbl = 'core_periodicrun'")
        assert cursor.fetchall() == []  # empty tables have nothing to describe
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1 WHERE tbl = 'django_migrations'")
        assert cursor.fetchall() == [("django_migrations",)]


@pytest.mark.django_db
def test_nothing_is_done_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite needs its statistics written")
    assert refresh_statistics() == []


def test_the_refresh_runs_every_night():
    job = next(j for j in periodic.registered_jobs() if j.name == "ops.refresh_planner_statistics")
    assert job.task is tasks.refresh_planner_statistics
    assert job.daily_at == time(3, 30)
    assert job.every is None
