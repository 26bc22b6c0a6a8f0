import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from shangliang.ops import worker

pytestmark = pytest.mark.django_db


def _task_row(status, *, started_minutes_ago=None, worker_id="w-1"):
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="shangliang.ops.tasks.recover_stale_tasks",
        backend_name="default",
        run_after=now,
        started_at=None if started_minutes_ago is None else now - dt.timedelta(minutes=started_minutes_ago),
        worker_ids=[worker_id],
    )


def test_rows_left_running_by_a_dead_or_silent_worker_are_queued_again():
    # given a task of a killed worker, one running for hours, one running now elsewhere, one done
    of_dead = _task_row(TaskResultStatus.RUNNING, started_minutes_ago=1, worker_id="dead")
    stale = _task_row(TaskResultStatus.RUNNING, started_minutes_ago=180, worker_id="alive")
    fresh = _task_row(TaskResultStatus.RUNNING, started_minutes_ago=1, worker_id="alive")
    done = _task_row(TaskResultStatus.SUCCESSFUL, started_minutes_ago=180, worker_id="dead")
    # when the replacement worker starts
    recovered = worker.recover_tasks(dead_worker="dead")
    # then the dead worker's and the stale task run again; the others are left alone
    statuses = {
        row.pk: row.status
        for row in DBTaskResult.objects.filter(pk__in=[of_dead.pk, stale.pk, fresh.pk, done.pk])
    }
    assert recovered == 2
    assert statuses == {
        of_dead.pk: TaskResultStatus.READY,
        stale.pk: TaskResultStatus.READY,
        fresh.pk: TaskResultStatus.RUNNING,
        done.pk: TaskResultStatus.SUCCESSFUL,
    }
    assert DBTaskResult.objects.ready().filter(pk__in=[of_dead.pk, stale.pk]).count() == 2


def test_the_worker_waits_out_a_locked_database_instead_of_dying(monkeypatch):
    # given a loop that meets a locked database twice before it ends normally
    calls = []

    def loop(self):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")

    monkeypatch.setattr(db_worker.Worker, "run", loop)
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: None)
    supervised = worker.SupervisedWorker(
        queue_names=["*"],
        interval=1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w-2",
        excluded_queue_names=[],
    )
    # when it runs
    supervised.run()
    # then it went on after each lock
    assert len(calls) == 3


def test_other_database_errors_still_stop_the_worker(monkeypatch):
    def loop(self):
        raise OperationalError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr(db_worker.Worker, "run", loop)
    supervised = worker.SupervisedWorker(
        queue_names=["*"],
        interval=1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w-3",
        excluded_queue_names=[],
    )
    with pytest.raises(OperationalError):
        supervised.run()
