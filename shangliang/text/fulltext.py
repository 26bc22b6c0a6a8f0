"""The SQL of the full-text index, one implementation per database vendor.

Nothing outside ``services`` and ``selectors`` calls this module. Every user-supplied word reaches
the database as a bound parameter inside a quoted FTS5 string or a ``tsquery`` lexeme, so query
syntax typed by a user (quotes, ``AND``, ``*``, ``:``, parentheses) is always literal text.

- ``write(rows)`` / ``delete(rows)`` / ``replace(old, new)``: keep the index in step with
  SearchDocument. SQLite: the FTS5 table, whose vocabulary table counts each term's documents.
  PostgreSQL: ``terms_tsv`` is a generated column with a GIN index (the database keeps it);
  the community terms (``scoped_terms``) are rows of ``text_posting`` (term, document id; its
  primary key reads a term's newest postings backwards, index only) and their document counts
  rows of ``text_termcount``.
- ``ranked(terms, conditions, params, limit, offset)``: one page of every document holding the
  terms that passes the conditions, ranked in the database (``bm25`` on SQLite, ``ts_rank`` on
  PostgreSQL), and how many there are.
- ``postings(term, limit)``: ids of the newest ``limit`` documents holding one term (candidate
  retrieval for similar concerns, one short community-scoped list per word).
- ``weighted_newest(weights, per_term, limit)``: ids of the ``limit`` documents whose words weigh
  most among the newest ``per_term`` postings of each weighted term (one statement).
- ``weighted_rows(weights, per_term, limit, columns, conditions, params)``: the columns of those
  documents that pass the conditions (one statement).
- ``doc_counts(terms)``: how many documents hold each term (a plain word's count is capped on
  PostgreSQL; community terms are counted at index time on both).
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

# On PostgreSQL a count stops here (GIN has no cheap document count): beyond it a word is common,
# and the exact figure matters little for its weight.
PG_COUNT_CAP = 2_000


# The match is materialised first so that the planner reads the GIN index instead of walking the
# primary key backwards and testing every row; it is tried on the newest ids first (a bitmap AND
# of the GIN and primary-key indexes), so a common word never loads all of its matches.
_PG_NEWEST = (
    "WITH m AS MATERIALIZED (SELECT id FROM text_searchdocument WHERE {column} @@ to_tsquery('simple', %s) "
    "AND id > %s) SELECT id FROM m ORDER BY id DESC LIMIT %s"
)
PG_ID_SPANS = (20_000, 200_000)
# The newest id is read at most this often (seconds); a lookup between reads misses nothing, it
# only starts its first, narrow window a little lower.
PG_NEWEST_ID_TTL = 1.0
_newest_id: list[float] = [0.0, 0.0]


def _pg_newest(cursor: Any, column: str, query: str, limit: int) -> list[int]:
    now = time.monotonic()
    if now - _newest_id[0] > PG_NEWEST_ID_TTL:
        cursor.execute("SELECT coalesce(max(id), 0) FROM text_searchdocument")
        _newest_id[:] = [now, float(cursor.fetchone()[0])]
    newest = int(_newest_id[1])
    for span in (*PG_ID_SPANS, None):
        floor = newest - span if span is not None else 0
        cursor.execute(_PG_NEWEST.format(column=column), [query, floor, limit])
        ids = [int(row[0]) for row in cursor.fetchall()]
        if len(ids) >= limit or floor <= 0:
            return ids
    return ids


def fts_quote(term: str) -> str:
    """A term as an FTS5 string literal: double quotes, inner quotes doubled."""
    return '"' + term.replace('"', '""') + '"'


def ts_quote(term: str) -> str:
    """A term as a tsquery lexeme literal: single quotes, inner quotes and backslashes escaped."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def vendor() -> str:
    return connection.vendor


def _query(terms: Sequence[str], *, any_term: bool) -> str:
    """The full-text query of ``terms``, every one of them required unless ``any_term``."""
    if vendor() == "sqlite":
        return (" OR " if any_term else " AND ").join(fts_quote(t) for t in terms)
    return (" | " if any_term else " & ").join(ts_quote(t) for t in terms)


def _scoped(rows: Iterable[tuple[int, str, str]]) -> set[tuple[str, int]]:
    """The (community term, document id) postings of (id, terms, scoped_terms) rows."""
    return {(term, pk) for pk, _terms, scoped in rows for term in scoped.split(" ") if term}


# Counts change by one statement per write, terms in one order: two transactions indexing in
# the same community lock the rows they share in the same order and wait rather than deadlock.
_PG_COUNT = (
    "INSERT INTO text_termcount (term, documents) SELECT * FROM unnest(%s::text[], %s::integer[]) "
    "ON CONFLICT (term) DO UPDATE SET documents = text_termcount.documents + EXCLUDED.documents"
)
_PG_ADD = "INSERT INTO text_posting (term, document_id) SELECT * FROM unnest(%s::text[], %s::bigint[])"
_PG_DROP = (
    "DELETE FROM text_posting p USING unnest(%s::text[], %s::bigint[]) AS x(term, document_id) "
    "WHERE p.term = x.term AND p.document_id = x.document_id"
)


def _pg_change(added: set[tuple[str, int]], dropped: set[tuple[str, int]]) -> None:
    delta: Counter[str] = Counter(term for term, _pk in added)
    delta.subtract(term for term, _pk in dropped)
    terms = sorted(t for t, n in delta.items() if n)
    with connection.cursor() as cursor:
        for statement, postings_ in ((_PG_DROP, dropped), (_PG_ADD, added)):
            if postings_:
                ordered = sorted(postings_)
                cursor.execute(statement, [[t for t, _ in ordered], [pk for _, pk in ordered]])
        if terms:
            cursor.execute(_PG_COUNT, [terms, [delta[t] for t in terms]])


def write(rows: Iterable[tuple[int, str, str]]) -> None:
    """Add (id, terms, scoped_terms) rows to the index."""
    rows = list(rows)
    if vendor() != "sqlite":
        _pg_change(_scoped(rows), set())
        return
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO text_fts(rowid, terms, scoped_terms) VALUES (%s, %s, %s)", rows)


def delete(rows: Iterable[tuple[int, str, str]]) -> None:
    """Remove (id, old terms, old scoped_terms) rows from the index."""
    rows = list(rows)
    if vendor() != "sqlite":
        _pg_change(set(), _scoped(rows))
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO text_fts(text_fts, rowid, terms, scoped_terms) VALUES ('delete', %s, %s, %s)",
            rows,
        )


def replace(old: Sequence[tuple[int, str, str]], new: Sequence[tuple[int, str, str]]) -> None:
    """Replace indexed rows (their old values) by their new values: ``delete(old)`` then
    ``write(new)``; on PostgreSQL only the postings and counts that differ are written (a status
    change that adds or drops the open family touches those alone)."""
    if vendor() == "sqlite":
        delete(old)
        write(new)
        return
    before, after = _scoped(old), _scoped(new)
    _pg_change(after - before, before - after)


def rebuild() -> None:
    if vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO text_fts(text_fts) VALUES ('rebuild')")


# The relevance of a document for the query words, by vendor (ADR 76): FTS5's BM25 on the terms
# column (the community column weighs nothing; bm25() is negative, smaller is better; the
# occurrences are read from the positions the index keeps, text migration 0013), and PostgreSQL's
# ts_rank with normalisation 1 (each word's occurrences with diminishing returns, divided by
# 1 + log2 of the document's length in words).
_RANK = {
    "sqlite": "-bm25(text_fts, 1.0, 0.0)",
    "postgresql": "ts_rank(d.terms_tsv, to_tsquery('simple', %s), 1)",
}
# Whether a document holds one query word: the word between spaces in its terms on SQLite (no
# SQL function of FTS5 tells which of a query's words a row holds), the word in its vector on
# PostgreSQL.
_HOLDS = {
    "sqlite": "(instr(' ' || d.terms || ' ', %s) > 0)",
    "postgresql": "(d.terms_tsv @@ to_tsquery('simple', %s))::int",
}
# PostgreSQL would pull the ranked subquery up and compute the rank above the count's window,
# which would then hold every match's vector (past work_mem, on disk); OFFSET 0 keeps the
# subquery, so the window holds (id, score, held) alone.
_FENCE = {"sqlite": "", "postgresql": " OFFSET 0"}
_MATCHED = {
    "sqlite": "FROM text_fts JOIN text_searchdocument d ON d.id = text_fts.rowid WHERE text_fts MATCH %s",
    "postgresql": "FROM text_searchdocument d WHERE d.terms_tsv @@ to_tsquery('simple', %s)",
}


def ranked(
    terms: Sequence[str],
    conditions: Sequence[str],
    params: Sequence[Any],
    *,
    limit: int,
    offset: int = 0,
    any_term: bool = False,
) -> tuple[list[tuple[int, float]], int]:
    """(id, relevance) of one page of the documents holding every term (any of them with
    ``any_term``) that pass ``conditions`` (SQL on the alias ``d``, joined by AND, with ``params``),
    best first, and how many documents match in all.

    Ordered by relevance, then newest first (id descending); with ``any_term`` and several terms,
    documents holding more of the terms come first. Matching, conditions, ranking, counting and
    the page are one statement (the count a window over the matches, read before the page is cut);
    a page past the last match is counted by a statement of its own."""
    if not terms:
        return [], 0
    sqlite = vendor() == "sqlite"
    query = _query(terms, any_term=any_term)
    by_words = any_term and len(terms) > 1
    held = " + ".join([_HOLDS[vendor()]] * len(terms)) if by_words else "0"
    held_params = [f" {t} " if sqlite else ts_quote(t) for t in terms] if by_words else []
    # A document is ranked on every query word it holds, whichever of them the match required.
    rank_params = [] if sqlite else [_query(terms, any_term=True)]
    where = "".join(f" AND {c}" for c in conditions)
    with connection.cursor() as cursor:
        # The ranked matches are a subquery: FTS5 refuses bm25() beside a window function.
        cursor.execute(
            f"SELECT id, score, count(*) OVER () FROM (SELECT d.id, {_RANK[vendor()]} AS score, "
            f"{held} AS held {_MATCHED[vendor()]}{where}{_FENCE[vendor()]}) m "
            "ORDER BY held DESC, score DESC, id DESC LIMIT %s OFFSET %s",
            [*rank_params, *held_params, query, *params, limit, offset],
        )
        fetched = cursor.fetchall()
        if fetched:
            return [(int(pk), float(score)) for pk, score, _total in fetched], int(fetched[0][2])
        if not offset:
            return [], 0
        cursor.execute(f"SELECT count(*) {_MATCHED[vendor()]}{where}", [query, *params])
        return [], int(cursor.fetchone()[0])


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
        elif scoped:
            cursor.execute(
                "SELECT document_id FROM text_posting WHERE term = %s ORDER BY document_id DESC LIMIT %s",
                [term, limit],
            )
        else:
            return _pg_newest(cursor, "terms_tsv", ts_quote(term), limit)
        return [int(row[0]) for row in cursor.fetchall()]


# Each term's newest postings with its weight: FTS5's rowid order on SQLite, the posting table's
# primary key read backwards on PostgreSQL (an index-only scan that stops after ``per_term``).
_NEWEST_WEIGHTED = {
    "sqlite": (
        "SELECT * FROM (SELECT rowid AS id, %s AS w FROM text_fts WHERE text_fts MATCH %s "
        "ORDER BY rowid DESC LIMIT %s)"
    ),
    "postgresql": (
        "(SELECT document_id AS id, %s::float8 AS w FROM text_posting WHERE term = %s "
        "ORDER BY document_id DESC LIMIT %s)"
    ),
}


def _weighted_pick(weights: Sequence[tuple[str, float]], per_term: int, limit: int) -> tuple[str, list[Any]]:
    """The statement (and its parameters) of ``weighted_newest``'s ids, for SQLite's index or
    PostgreSQL's community postings."""
    sqlite = vendor() == "sqlite"
    union = " UNION ALL ".join([_NEWEST_WEIGHTED["sqlite" if sqlite else "postgresql"]] * len(weights))
    params: list[Any] = []
    for term, weight in weights:
        params.extend((weight, fts_quote(term) if sqlite else term, per_term))
    return (
        f"SELECT id FROM ({union}) p GROUP BY id ORDER BY sum(w) DESC, id DESC LIMIT %s",
        [*params, limit],
    )


def _direct(scoped: bool) -> bool:
    """Whether the database picks weighted candidates in one statement: always on SQLite, for
    community terms on PostgreSQL (a plain word's postings are read from GIN and summed here)."""
    return scoped or vendor() == "sqlite"


def weighted_newest(
    weights: Sequence[tuple[str, float]],
    per_term: int,
    limit: int,
    *,
    scoped: bool = False,
) -> list[int]:
    """Ids of the ``limit`` documents with the largest sum of the weights of the (term, weight)
    pairs they hold, counting only each term's newest ``per_term`` postings; ties newest first.

    One statement (the postings never reach Python), except for plain words on PostgreSQL,
    whose postings are read word by word and summed here."""
    if not weights:
        return []
    if _direct(scoped):
        with connection.cursor() as cursor:
            cursor.execute(*_weighted_pick(weights, per_term, limit))
            return [int(row[0]) for row in cursor.fetchall()]
    totals: dict[int, float] = {}
    for term, weight in weights:
        for pk in postings(term, per_term):
            totals[pk] = totals.get(pk, 0.0) + weight
    return heapq.nsmallest(limit, totals, key=lambda pk: (-totals[pk], -pk))


def weighted_rows(
    weights: Sequence[tuple[str, float]],
    per_term: int,
    limit: int,
    columns: Sequence[str],
    conditions: Sequence[str],
    params: Sequence[Any],
    *,
    scoped: bool = False,
) -> list[tuple[Any, ...]]:
    """``columns`` of the documents ``weighted_newest`` picks that pass ``conditions`` (SQL on the
    alias ``d``, joined by AND, with ``params``), as the database returns them, in no particular
    order; picked and read in one statement where ``weighted_newest`` is one."""
    if not weights:
        return []
    selected = ", ".join(f"d.{c}" for c in columns)
    where = "".join(f" AND {c}" for c in conditions)
    with connection.cursor() as cursor:
        if _direct(scoped):
            pick, picked = _weighted_pick(weights, per_term, limit)
            cursor.execute(
                f"SELECT {selected} FROM ({pick}) c JOIN text_searchdocument d ON d.id = c.id "
                f"WHERE 1 = 1{where}",
                [*picked, *params],
            )
        else:
            ids = weighted_newest(weights, per_term, limit, scoped=scoped)
            if not ids:
                return []
            cursor.execute(
                f"SELECT {selected} FROM text_searchdocument d WHERE d.id = ANY(%s){where}", [ids, *params]
            )
        return list(cursor.fetchall())


def community_size(community_id: int) -> int:
    """How many documents a community has (the count of its ``c<id>`` marker term)."""
    return doc_counts([f"c{community_id}"], scoped=True)[f"c{community_id}"]


def doc_counts(terms: Sequence[str], *, scoped: bool = False) -> dict[str, int]:
    """Number of documents holding each term (0 when absent). Community terms (``scoped``) are
    counted at index time (FTS5's vocabulary on SQLite, ``TermCount`` on PostgreSQL); a plain
    word's count on PostgreSQL stops at PG_COUNT_CAP."""
    counts = dict.fromkeys(terms, 0)
    if not terms:
        return counts
    with connection.cursor() as cursor:
        if vendor() == "sqlite":
            placeholders = ", ".join(["%s"] * len(terms))
            cursor.execute(
                f"SELECT term, doc FROM text_fts_vocab WHERE term IN ({placeholders})", list(terms)
            )
        elif scoped:
            cursor.execute("SELECT term, documents FROM text_termcount WHERE term = ANY(%s)", [list(terms)])
        else:
            for term in terms:
                cursor.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM text_searchdocument WHERE "
                    "terms_tsv @@ to_tsquery('simple', %s) LIMIT %s) s",
                    [ts_quote(term), PG_COUNT_CAP],
                )
                counts[term] = int(cursor.fetchone()[0])
            return counts
        counts.update({str(term): int(doc) for term, doc in cursor.fetchall()})
    return counts
