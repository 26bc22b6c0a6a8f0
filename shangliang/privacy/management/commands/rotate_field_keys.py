"""``manage.py rotate_field_keys``: encrypt every stored personal field again under the first key of
``SHANGLIANG_FIELD_KEY``; with ``--rehash``, compute the phone lookup hashes again with the current
``SHANGLIANG_LOOKUP_KEY``.

Rotation: put the new key first in SHANGLIANG_FIELD_KEY and keep the old ones after it, restart, run
this command, then remove the old keys. Values no configured key opens are counted and left as
they are (nothing is lost: add the missing key and run again).

The fields are found by their shape, whichever app defines them: every ``EncryptedTextField``, every
text field named ``*_encrypted``, and (for ``--rehash``) every ``phone_hash`` beside a
``phone_encrypted``. Hashes kept without the clear value beside them (a vote's phone, a supporter's
address) cannot be computed again; they are named in the output.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from shangliang.privacy import personal
from shangliang.privacy.fields import EncryptedTextField

BATCH = 500


def _encrypted_columns(model: type[models.Model]) -> tuple[list[str], list[str]]:
    """(EncryptedTextField names, names of text fields holding tokens)."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, models.TextField)]
    managed = [f.name for f in fields if isinstance(f, EncryptedTextField)]
    tokens = [
        f.name for f in fields if f.name.endswith("_encrypted") and not isinstance(f, EncryptedTextField)
    ]
    return managed, tokens


class Command(BaseCommand):
    help = "Encrypt stored personal fields again under the first field key (and, with --rehash, recompute lookup hashes)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rehash", action="store_true", help="Compute phone lookup hashes again.")

    def handle(self, *args: Any, rehash: bool = False, **options: Any) -> None:
        rotated = unreadable = rehashed = 0
        unhashable: list[str] = []
        for model in apps.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            managed, tokens = _encrypted_columns(model)
            names = {f.name for f in model._meta.concrete_fields}
            can_rehash = rehash and {"phone_encrypted", "phone_hash"} <= names
            if rehash and "phone_hash" in names and not can_rehash:
                unhashable.append(model._meta.label)
            if not managed and not tokens:
                continue
            manager = model._base_manager
            last = None
            while True:
                batch = manager.order_by("pk")
                if last is not None:
                    batch = batch.filter(pk__gt=last)
                rows = list(batch.values("pk", *managed, *tokens)[:BATCH])
                if not rows:
                    break
                last = rows[-1]["pk"]
                with transaction.atomic():
                    for row in rows:
                        changes: dict[str, Any] = {}
                        for name in managed:
                            value = row[name]
                            if isinstance(value, personal.Unreadable):
                                unreadable += 1
                            elif value:
                                changes[name] = value  # saved through the field: the first key
                        for name in tokens:
                            if not row[name]:
                                continue
                            try:
                                changes[name] = personal.rotate(row[name])
                            except InvalidToken:
                                unreadable += 1
                                continue
                            if name == "phone_encrypted" and can_rehash:
                                changes["phone_hash"] = personal.lookup_hash(personal.decrypt(changes[name]))
                                rehashed += 1
                        if changes:
                            manager.filter(pk=row["pk"]).update(**changes)
                            rotated += 1
        self.stdout.write(f"re-encrypted rows: {rotated}; unreadable values left as they were: {unreadable}")
        if rehash:
            self.stdout.write(f"lookup hashes computed again: {rehashed}")
            if unhashable:
                self.stdout.write(
                    "hashes without a stored clear value, not recomputed: " + ", ".join(sorted(unhashable))
                )
        if unreadable:
            self.stderr.write(
                "Some values could not be decrypted: add the key they were written with and run again."
            )
