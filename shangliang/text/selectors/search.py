"""Staff search across concerns, topics, meetings and outputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.safestring import SafeString

from shangliang.core.errors import ApplicationError
from shangliang.core.scope import ANONYMOUS, Scope
from shangliang.text import fulltext, segment
from shangliang.text.highlight import highlight
from shangliang.text.models import DocumentKind, SearchDocument
from shangliang.text.selectors.common import (
    LIST_FIELDS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    DocumentFilters,
    DocumentRow,
    document_conditions,
)
from shangliang.text.services import ensure_dictionary


@dataclass(frozen=True)
class SearchHit:
    id: int
    kind: str
    kind_label: str
    object_id: int
    title: str
    snippet: SafeString
    category: str
    status: str
    created_at: dt.datetime
    score: float


@dataclass(frozen=True)
class SearchPage:
    query: str
    terms: list[str]
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def search(
    *,
    query: str,
    scope: Scope = ANONYMOUS,
    kinds: Sequence[str] | None = None,
    region_path: str = "",
    category: str = "",
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: int = 1,
    per_page: int = 20,
    any_word: bool = False,
) -> SearchPage:
    """Every document ``scope`` may see that holds every word of ``query`` (any of them with
    ``any_word``: those holding more of the words first) and passes the filters, best first, one
    page of them, with the matched words marked in the snippet. The filters are part of the
    statement that finds the matches: an old record is found as a new one is."""
    query = (query or "").strip()
    if not query:
        raise ApplicationError("请输入要检索的内容。", field="q")
    if len(query) > MAX_QUERY_CHARS:
        raise ApplicationError(f"检索内容过长，请不超过{MAX_QUERY_CHARS}个字。", field="q")
    page = max(1, page)
    per_page = min(max(1, per_page), 100)
    ensure_dictionary()
    terms = segment.query_terms(query)[:MAX_QUERY_TERMS]
    if any_word:
        terms = _with_parts(terms)
    if not terms:
        return SearchPage(query, [], [], 0, page, per_page)
    filters = DocumentFilters(
        kinds=tuple(kinds or ()),
        region_path=region_path,
        category=category,
        status=status,
        date_from=date_from,
        date_to=date_to,
    )
    conditions, params = document_conditions(scope, filters)
    matched = _matches(terms, conditions, params, any_term=any_word)
    needles = [f" {t} " for t in terms]
    scores = _relevance(matched, needles)
    if any_word and len(terms) > 1:
        held = {pk: sum(n in f" {doc_terms} " for n in needles) for pk, doc_terms in matched}
        ids = sorted(scores, key=lambda pk: (-held[pk], -scores[pk], -pk))
    else:
        ids = sorted(scores, key=lambda pk: (-scores[pk], -pk))
    page_ids = ids[(page - 1) * per_page : page * per_page]
    rows = {
        values[0]: DocumentRow._make(values)
        for values in SearchDocument.objects.filter(pk__in=page_ids).values_list(*LIST_FIELDS)
    }
    hits = [
        SearchHit(
            id=row.id,
            kind=row.kind,
            kind_label=_kind_label(row.kind),
            object_id=row.object_id,
            title=row.title,
            snippet=highlight(f"{row.title} {row.body}" if row.title else row.body, terms),
            category=row.category,
            status=row.status,
            created_at=row.source_created_at,
            score=scores[row.id],
        )
        for row in (rows[pk] for pk in page_ids if pk in rows)
    ]
    return SearchPage(query, terms, hits, len(ids), page, per_page)


def _with_parts(terms: list[str]) -> list[str]:
    """The query's words and the words inside its longer ones ("飞线充电" → 飞线, 充电): with any of
    the words enough, a compound finds what each of its parts finds."""
    tokenizer = segment.tokenizer()
    found: dict[str, None] = dict.fromkeys(terms)
    for term in terms:
        if len(term) > 2:
            for part in tokenizer.cut_for_search(term):
                if len(part) >= 2 and part not in segment.STOPWORDS:
                    found.setdefault(part, None)
    return list(found)[:MAX_QUERY_TERMS]


_KIND_LABELS: dict[str, str] = {}


def _matches(
    terms: Sequence[str], conditions: Sequence[str], params: Sequence[Any], *, any_term: bool = False
) -> list[tuple[int, str]]:
    """(id, terms) of every document holding all ``terms`` (any of them with ``any_term``) that
    passes ``conditions`` (SQL on the alias ``d``): the full-text index and the conditions in one
    statement, each using its index."""
    where = "".join(f" AND {c}" for c in conditions)
    with connection.cursor() as cursor:
        if fulltext.vendor() == "sqlite":
            cursor.execute(
                "SELECT d.id, d.terms FROM text_searchdocument d "
                "WHERE d.id IN (SELECT rowid FROM text_fts WHERE text_fts MATCH %s)" + where,
                [(" OR " if any_term else " AND ").join(fulltext.fts_quote(t) for t in terms), *params],
            )
        else:
            cursor.execute(
                "SELECT d.id, d.terms FROM text_searchdocument d "
                "WHERE d.terms_tsv @@ to_tsquery('simple', %s)" + where,
                [(" | " if any_term else " & ").join(fulltext.ts_quote(t) for t in terms), *params],
            )
        return [(int(pk), str(doc_terms)) for pk, doc_terms in cursor.fetchall()]


def _kind_label(kind: str) -> str:
    return str(DocumentKind(kind).label)


def _score(occurrences: int, words: int) -> float:
    """Occurrences of the query words, damped by document length (a BM25-like term weight)."""
    return round(occurrences / (1 + 0.1 * words) ** 0.5, 4)


def _relevance(rows: list[tuple[int, str]], needles: list[str]) -> dict[int, float]:
    """The score of each (id, terms) row for the query words (``needles``: each word between two
    spaces).

    Counted with C string methods: with every separator doubled and the text padded, each word
    has spaces of its own on both sides, so ``count(" word ")`` counts whole words and misses
    none of two in a row."""
    scores: dict[int, float] = {}
    single = needles[0] if len(needles) == 1 else None
    for pk, doc_terms in rows:
        padded = " " + doc_terms.replace(" ", "  ") + " "
        occurrences = padded.count(single) if single else sum([padded.count(n) for n in needles])
        scores[pk] = _score(occurrences, doc_terms.count(" ") + 1)
    return scores
