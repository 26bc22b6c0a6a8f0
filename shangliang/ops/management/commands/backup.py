"""``manage.py backup [--output DIR]``: the database, the uploaded files and a manifest (``ops.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shangliang.ops import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new directory (never the keys)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", default="", help="Directory to write the backup into (default var/backups)."
        )

    def handle(self, *args: Any, output: str = "", **options: Any) -> None:
        try:
            target = backup.backup(Path(output) if output else backup.default_destination())
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        manifest = backup.read_manifest(target)
        self.stdout.write(f"{target}\n{backup.describe(manifest)}")
        self.stdout.write(
            "The keys are not in the backup: keep SHANGLIANG_FIELD_KEY and SHANGLIANG_LOOKUP_KEY apart."
        )
