"""Periodic jobs: a registry of tasks to enqueue every N minutes or daily at a time.

django-tasks has no scheduler, so ``manage.py run_periodic`` wakes every ~30 seconds and enqueues
each due job once per time slot. The slot is recorded in ``PeriodicRun`` under a unique constraint
in the same transaction as the enqueue, so any number of schedulers can run without enqueuing a
job twice. Jobs themselves must be idempotent: a slot missed while no scheduler ran is not caught
up, the next one simply runs.

Apps register their jobs in ``AppConfig.ready``; core never imports them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shangliang.core.models import PeriodicRun

logger = logging.getLogger(__name__)

# Interval slots are counted from this instant, so a slot is the same for every scheduler.
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# PeriodicRun rows older than this are pruned; they only guard the current slot.
KEEP_RUNS = timedelta(days=7)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Any  # a django_tasks Task taking no arguments
    every: timedelta | None = None
    daily_at: time | None = None

    def slot_at(self, now: datetime) -> str | None:
        """The slot ``now`` falls in, or None when the job is not due yet (a daily job before its time)."""
        if self.every is not None:
            count = (now - _EPOCH) // self.every
            return (_EPOCH + count * self.every).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert self.daily_at is not None
        local = timezone.localtime(now)
        if local.time() < self.daily_at:
            return None
        return local.date().isoformat()


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(
    name: str, task: Any, *, every: timedelta | None = None, daily_at: time | None = None
) -> PeriodicJob:
    """Enqueue ``task`` (no arguments) every ``every``, or once a day at local time ``daily_at``."""
    if (every is None) == (daily_at is None):
        raise ValueError("Give exactly one of every= or daily_at=.")
    if every is not None and every < timedelta(minutes=1):
        raise ValueError("The scheduler wakes about every 30 seconds; use an interval of a minute or more.")
    job = PeriodicJob(name=name, task=task, every=every, daily_at=daily_at)
    _jobs[name] = job
    return job


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def run_due(now: datetime | None = None) -> list[str]:
    """Enqueue every job due at ``now`` whose slot no scheduler has claimed; returns their names."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for job in registered_jobs():
        slot = job.slot_at(now)
        if slot is None:
            continue
        try:
            # The run row and the task row (database backend) commit together or not at all.
            with transaction.atomic():
                PeriodicRun.objects.create(name=job.name, slot=slot)
                job.task.enqueue()
        except IntegrityError:
            continue  # another scheduler claimed this slot
        logger.info("periodic job %s enqueued for slot %s", job.name, slot)
        enqueued.append(job.name)
    PeriodicRun.objects.filter(enqueued_at__lt=now - KEEP_RUNS).delete()
    return enqueued
