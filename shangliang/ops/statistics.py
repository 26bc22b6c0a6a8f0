"""The query planner's statistics on SQLite.

SQLite chooses between indexes by the statistics ``ANALYZE`` stores in ``sqlite_stat1``; Django
never writes them, so a deployment that never ran ``ANALYZE`` is planned on guesses. The guess
that hurts is the staff desk's: without statistics SQLite takes ``status IN (…)`` for a narrow
filter, reads every waiting concern through the status index and sorts them all for one page of
25 (ADR 74). With statistics it walks the ``created_at`` index backwards and stops after the page.
PostgreSQL keeps its statistics itself (autovacuum), so there this does nothing.
"""

from __future__ import annotations

from django.db import connection


def refresh_statistics() -> list[str]:
    """``ANALYZE`` each table on its own (each one a short write of its statistics, so writers wait
    for one table at a time, not for the whole database); the tables analysed."""
    if connection.vendor != "sqlite":
        return []
    tables = sorted(t for t in connection.introspection.table_names() if not t.startswith("sqlite_"))
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return tables
