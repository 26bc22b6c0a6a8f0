from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django_tasks import task

from shangliang.core.models import PeriodicRun
from shangliang.ops import periodic

runs: list[str] = []


@task()
def record_run() -> None:
    runs.append("ran")


@pytest.fixture
def jobs(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    runs.clear()
    yield periodic
    runs.clear()


@pytest.mark.django_db
def test_a_job_is_enqueued_once_per_slot_however_often_the_scheduler_looks(jobs, time_machine):
    # given
    jobs.register_periodic("test.every_minute", record_run, every=timedelta(minutes=1))
    time_machine.move_to("2026-03-02 09:00:05 +08:00", tick=False)
    # when: two schedulers look in the same minute
    first = jobs.run_due()
    time_machine.move_to("2026-03-02 09:00:40 +08:00", tick=False)
    second = jobs.run_due()
    # then
    assert (first, second) == (["test.every_minute"], [])
    assert runs == ["ran"]
    assert list(PeriodicRun.objects.values_list("name", "slot")) == [
        ("test.every_minute", "2026-03-02T01:00:00Z")
    ]


@pytest.mark.django_db
def test_the_next_slot_enqueues_again(jobs, time_machine):
    # given
    jobs.register_periodic("test.every_minute", record_run, every=timedelta(minutes=1))
    time_machine.move_to("2026-03-02 09:00:59 +08:00", tick=False)
    jobs.run_due()
    # when
    time_machine.move_to("2026-03-02 09:01:00 +08:00", tick=False)
    enqueued = jobs.run_due()
    # then
    assert enqueued == ["test.every_minute"]
    assert runs == ["ran", "ran"]


@pytest.mark.django_db
def test_a_daily_job_waits_for_its_local_time_then_runs_once_that_day(jobs, time_machine):
    # given
    jobs.register_periodic("test.daily", record_run, daily_at=time(8, 0))
    # when
    time_machine.move_to("2026-03-02 07:59 +08:00", tick=False)
    before = jobs.run_due()
    time_machine.move_to("2026-03-02 08:00 +08:00", tick=False)
    at = jobs.run_due()
    time_machine.move_to("2026-03-02 23:59 +08:00", tick=False)
    later = jobs.run_due()
    time_machine.move_to("2026-03-03 08:30 +08:00", tick=False)
    next_day = jobs.run_due()
    # then
    assert (before, at, later, next_day) == ([], ["test.daily"], [], ["test.daily"])
    assert sorted(PeriodicRun.objects.values_list("slot", flat=True)) == ["2026-03-02", "2026-03-03"]


@pytest.mark.django_db
def test_old_run_rows_are_pruned(jobs, time_machine):
    # given
    jobs.register_periodic("test.every_minute", record_run, every=timedelta(minutes=1))
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    jobs.run_due()
    # when
    time_machine.move_to("2026-03-09 09:01 +08:00", tick=False)
    jobs.run_due()
    # then
    assert list(PeriodicRun.objects.values_list("slot", flat=True)) == ["2026-03-09T01:01:00Z"]


def test_a_job_needs_exactly_one_schedule(jobs):
    with pytest.raises(ValueError, match="exactly one"):
        jobs.register_periodic("x", record_run)
    with pytest.raises(ValueError, match="exactly one"):
        jobs.register_periodic("x", record_run, every=timedelta(minutes=5), daily_at=time(8))
    with pytest.raises(ValueError, match="a minute or more"):
        jobs.register_periodic("x", record_run, every=timedelta(seconds=10))


@pytest.mark.django_db
def test_run_periodic_once_enqueues_the_due_jobs(jobs, capsys, time_machine):
    # given
    time_machine.move_to("2026-03-02 09:00:05 +08:00", tick=False)
    jobs.register_periodic("test.every_minute", record_run, every=timedelta(minutes=1))
    # when
    call_command("run_periodic", "--once")
    call_command("run_periodic", "--once")
    # then
    out = capsys.readouterr().out
    assert out.count("run_periodic: enqueued test.every_minute") == 1
    assert runs == ["ran"]
