"""Build the demo district: ``python manage.py seed_demo``. Safe to run again: nothing changes."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from shangliang.demo.builders import (
    accounts,
    concerns,
    duty,
    evaluations,
    figures,
    meetings,
    places,
    screening,
    story,
)
from shangliang.demo.logins import logins_table


class Command(BaseCommand):
    help = "Create the demo district (海城区: streets, communities, grids, rooms, members) and demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        with transaction.atomic():
            built = places.build()
            accounts.build(built["regions"], built["organisations"])
            demo_concerns = concerns.build()
            demo_topics = screening.build()  # before meetings: they consult the screened topics
            demo_meetings = meetings.build()
            demo_evaluations = evaluations.build()  # after meetings: it completes the topics they consulted
            # after meetings: a 以会代训 session trains at one; the committees hold their 2022 consultations
            demo_duty = duty.build()
            figures.build()  # the earlier years' work the article's figures count
            story.build()  # last: what happened before each held meeting is dated before it
        self.stdout.write(
            f"Demo district ready in {time.monotonic() - started:.1f} s: "
            f"{len(places.STREETS)} streets, {sum(len(v) for v in places.STREETS.values())} villages/communities, "
            f"{places.GRID_TOTAL} grids, {len(built['rooms'])} rooms, {len(built['members'])} members, "
            f"{len(built['groups'])} activity groups, {len(demo_concerns)} concerns, {len(demo_topics)} topics, {len(demo_evaluations)} evaluations closed, {len(demo_meetings)} meetings, "
            f"{demo_duty['sessions']} training sessions in {duty.DEMO_YEAR}."
        )
        if not options["quiet_logins"]:
            self.stdout.write("\n演示账号：\n" + logins_table())
