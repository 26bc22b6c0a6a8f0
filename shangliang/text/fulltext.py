"""The SQL of the full-text index, one implementation per database vendor.

Nothing outside ``services`` and ``selectors`` calls this module. Every user-supplied word reaches
the database as a bound parameter inside a quoted FTS5 string or a ``tsquery`` lexeme, so query
syntax typed by a user (quotes, ``AND``, ``*``, ``:``, parentheses) is always literal text.

- ``write(rows)`` / ``delete(rows)``: keep the FTS5 table in step with SearchDocument (SQLite; on
  PostgreSQL the GIN indexes are on expressions of the row and need nothing).
- ``match_all(terms, limit)``: ids of the newest ``limit`` documents that contain every term
  (recency-bounded, so a very common word never costs a scan of its whole posting list).
- ``postings(term, limit)``: ids of the newest ``limit`` documents holding one term (candidate
  retrieval for similar concerns, one short community-scoped list per word).
- ``doc_counts(terms)``: how many documents hold each term (capped on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

# On PostgreSQL a count stops here: beyond it a word is "common" and its exact count is irrelevant.
PG_COUNT_CAP = 20_000


def fts_quote(term: str) -> str:
    """A term as an FTS5 string literal: double quotes, inner quotes doubled."""
    return '"' + term.replace('"', '""') + '"'


def ts_quote(term: str) -> str:
    """A term as a tsquery lexeme literal: single quotes, inner quotes and backslashes escaped."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def vendor() -> str:
    return connection.vendor


def write(rows: Iterable[tuple[int, str, str]]) -> None:
    """Add (id, terms, scoped_terms) rows to the index."""
    if vendor() != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO text_fts(rowid, terms, scoped_terms) VALUES (%s, %s, %s)", list(rows))


def delete(rows: Iterable[tuple[int, str, str]]) -> None:
    """Remove (id, old terms, old scoped_terms) rows from the index."""
    if vendor() != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO text_fts(text_fts, rowid, terms, scoped_terms) VALUES ('delete', %s, %s, %s)",
            list(rows),
        )


def rebuild() -> None:
    if vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO text_fts(text_fts) VALUES ('rebuild')")


def match_all(terms: Sequence[str], limit: int) -> list[int]:
    """Ids of the newest ``limit`` documents holding every term, newest first."""
    if not terms:
        return []
    with connection.cursor() as cursor:
        if vendor() == "sqlite":
            cursor.execute(
                "SELECT rowid FROM text_fts WHERE text_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
                [" AND ".join(fts_quote(t) for t in terms), limit],
            )
        else:
            cursor.execute(
                "SELECT id FROM text_searchdocument WHERE to_tsvector('simple', terms) @@ to_tsquery('simple', %s) "
                "ORDER BY id DESC LIMIT %s",
                [" & ".join(ts_quote(t) for t in terms), limit],
            )
        return [int(row[0]) for row in cursor.fetchall()]


def postings(term: str, limit: int, *, scoped: bool = False) -> list[int]:
    """Ids of the newest ``limit`` documents holding ``term`` (a plain or a community-scoped term).

    Relevance is computed by the caller from document counts: FTS5's bm25() reads every matched
    row's length and costs more than the whole lookup."""
    with connection.cursor() as cursor:
        if vendor() == "sqlite":
            cursor.execute(
                "SELECT rowid FROM text_fts WHERE text_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
                [fts_quote(term), limit],
            )
        else:
            column = "scoped_terms" if scoped else "terms"
            cursor.execute(
                f"SELECT id FROM text_searchdocument WHERE to_tsvector('simple', {column}) @@ to_tsquery('simple', %s) "
                "ORDER BY id DESC LIMIT %s",
                [ts_quote(term), limit],
            )
        return [int(row[0]) for row in cursor.fetchall()]


def doc_counts(terms: Sequence[str], *, scoped: bool = False) -> dict[str, int]:
    """Number of documents holding each term (0 when absent)."""
    counts = dict.fromkeys(terms, 0)
    if not terms:
        return counts
    with connection.cursor() as cursor:
        if vendor() == "sqlite":
            placeholders = ", ".join(["%s"] * len(terms))
            cursor.execute(
                f"SELECT term, doc FROM text_fts_vocab WHERE term IN ({placeholders})", list(terms)
            )
            counts.update({str(term): int(doc) for term, doc in cursor.fetchall()})
        else:
            column = "scoped_terms" if scoped else "terms"
            for term in terms:
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM text_searchdocument WHERE "
                    f"to_tsvector('simple', {column}) @@ to_tsquery('simple', %s) LIMIT %s) s",
                    [ts_quote(term), PG_COUNT_CAP],
                )
                counts[term] = int(cursor.fetchone()[0])
    return counts
