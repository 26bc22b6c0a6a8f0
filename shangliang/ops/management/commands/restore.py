"""``manage.py restore DIR --yes``: replace this instance's database and uploaded files by a backup's,
then compare every table's row count and every file with the backup's manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shangliang.ops import backup


class Command(BaseCommand):
    help = "Restore a backup made by manage.py backup (stop the site, workers and scheduler first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="The backup directory.")
        parser.add_argument("--yes", action="store_true", help="Replace the current data without asking.")

    def handle(self, *args: Any, source: str, yes: bool = False, **options: Any) -> None:
        path = Path(source)
        try:
            manifest = backup.read_manifest(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup: {backup.describe(manifest)}")
        if not yes:
            raise CommandError(
                "Restoring replaces every record and uploaded file here: run again with --yes."
            )
        if not backup.keys_match(manifest):
            self.stderr.write(
                "Warning: SHANGLIANG_FIELD_KEY does not hold the key this backup was written with; "
                "contact data will read as 无法解密 until it does."
            )
        try:
            backup.restore(path)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        problems = backup.differences(manifest)
        if problems:
            raise CommandError("Restored, but it differs from the backup:\n" + "\n".join(problems))
        self.stdout.write("Restored; every table's row count and every file match the backup.")
