"""``manage.py run_worker``: the database task worker as deployed (``ops.worker``)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands import db_worker

from shangliang.ops.worker import SupervisedWorker


class Command(db_worker.Command):
    help = "Run the background task worker; it outlives a locked database and recovers tasks left running."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--recover-from",
            default="",
            help="Worker id of a worker that died: its running tasks are put back in the queue first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        recover_from = options.pop("recover_from", "")
        original = db_worker.Worker

        def build(**kwargs: Any) -> SupervisedWorker:
            return SupervisedWorker(recover_from=recover_from, **kwargs)

        db_worker.Worker = build  # type: ignore[misc,assignment]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
