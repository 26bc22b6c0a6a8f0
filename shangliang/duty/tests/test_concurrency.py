"""Two recomputations of the same year at once leave one entry per (member, rule, source)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from shangliang.duty import ledger
from shangliang.duty.models import DutyEntry
from shangliang.duty.tests.factories import held_meeting, member_user
from shangliang.places.tests import factories as pf


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: the race needs PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_recomputations_create_no_duplicate_entry(
    district: Any, staff: Any, duty_rules: None
) -> None:
    # given: three members at three meetings (3 × 3 attendances, 3 oral speeches)
    members = [member_user(f"委员{n}", district.district).member for n in range(3)]
    room = pf.RoomFactory(region=district.community_a)
    for day in (1, 2, 3):
        held_meeting(
            room=room,
            host=staff,
            recorder=staff,
            form="thematic",
            day=dt.date(2025, 3, day),
            present=members,
            oral=members[:1],
        )
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            ledger.recompute(2025)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # then
    assert errors == []
    keys = list(DutyEntry.objects.values_list("member_id", "rule_id", "source_model", "source_id"))
    assert len(keys) == 12
    assert len(set(keys)) == 12


@pytest.mark.django_db
def test_the_unique_key_refuses_a_second_entry_for_the_same_source_and_rule(
    district: Any, staff: Any
) -> None:
    # given
    member = member_user("委员", district.district).member
    room = pf.RoomFactory(region=district.community_a)
    held_meeting(
        room=room, host=staff, recorder=staff, form="micro", day=dt.date(2025, 3, 1), present=[member]
    )
    ledger.recompute(2025)
    entry = DutyEntry.objects.get()

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyEntry.objects.create(
            member=member,
            year=2025,
            rule=entry.rule,
            source_model=entry.source_model,
            source_id=entry.source_id,
            occurred_on=entry.occurred_on,
            label="重复",
            points=3,
            counted=3,
        )
    assert DutyEntry.objects.count() == 1
