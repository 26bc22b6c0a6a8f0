"""Django's SQLite backend, but a statement's placeholders are converted once per process.

Django writes SQL with ``%s`` placeholders and its SQLite cursor turns them into ``?`` with a
regular expression on every execution; for a long statement (the similar-concern lookup's is
about a thousand characters) that scan costs more than binding the values. The conversion
depends on the text alone, so it is kept for the most recent statements (ADR 60). Everything
else, including the execute wrappers that count and log queries, is Django's.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db.backends.sqlite3 import base

STATEMENTS_KEPT = 2048


@lru_cache(maxsize=STATEMENTS_KEPT)
def to_qmark(query: str) -> str:
    """A statement in Django's "format" style (``%s``, ``%%``) in SQLite's "qmark" style."""
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: Sequence[str] | None = None) -> str:
        if param_names is None:
            return to_qmark(query)
        return str(super().convert_query(query, param_names=param_names))


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: Any = None) -> Any:
        return self.connection.cursor(factory=SQLiteCursorWrapper)
