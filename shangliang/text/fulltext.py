"""The SQL of the full-text index, one implementation per database vendor.

Nothing outside ``services`` and ``selectors`` calls this module. Every user-supplied word reaches
the database as a bound parameter inside a quoted FTS5 string or a ``tsquery`` lexeme, so query
syntax typed by a user (quotes, ``AND``, ``*``, ``:``, parentheses) is always literal text.

- ``write(rows)`` / ``delete(rows)``: keep the FTS5 table in step with SearchDocument (SQLite; on
  PostgreSQL the GIN indexes are on expressions of the row and need nothing).
- ``match_all(terms, limit)``: ids and a relevance score of the newest ``limit`` documents that
  contain every term (recency-bounded, so a very common word never costs a scan of its whole
  posting list).
- ``match_any_scoped(terms, limit)``: ids and scores of the best documents that share at least one
  of the community-scoped terms (candidate retrieval for similar concerns).
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


def match_all(terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
    """(id, score) of the newest ``limit`` documents holding every term; higher score is better."""
    return _match(terms, limit, every=True)


def match_any_scoped(terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
    """(id, score) of the best ``limit`` documents holding any of ``terms``; higher is better."""
    return _match(terms, limit, every=False)


def _match(terms: Sequence[str], limit: int, *, every: bool) -> list[tuple[int, float]]:
    # "every" ranks among the newest matches (cheap on long posting lists); "any" ranks all
    # matches by relevance, which is cheap because community-scoped posting lists are short.
    if not terms:
        return []
    with connection.cursor() as cursor:
        if vendor() == "sqlite":
            order = "rowid DESC" if every else "rank"
            cursor.execute(
                f"SELECT rowid, -bm25(text_fts) FROM text_fts WHERE text_fts MATCH %s ORDER BY {order} LIMIT %s",
                [(" AND " if every else " OR ").join(fts_quote(t) for t in terms), limit],
            )
        else:
            column = "terms" if every else "scoped_terms"
            order = "id DESC" if every else "r DESC, id DESC"
            cursor.execute(
                f"SELECT id, ts_rank(to_tsvector('simple', {column}), q) AS r FROM text_searchdocument, "
                f"to_tsquery('simple', %s) q WHERE to_tsvector('simple', {column}) @@ q ORDER BY {order} LIMIT %s",
                [(" & " if every else " | ").join(ts_quote(t) for t in terms), limit],
            )
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]


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
