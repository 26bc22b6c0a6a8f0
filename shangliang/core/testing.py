"""Helpers for the test suite (importable from any app's tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(func: Callable[[], Any]) -> int:
    """How many SQL queries ``func`` runs. Use it to show a page's queries do not grow with its rows."""
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)
