"""Staff search across concerns, topics, meetings and outputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from shangliang.core.errors import ApplicationError
from shangliang.core.prepared import instance
from shangliang.text import fulltext, segment
from shangliang.text.highlight import highlight
from shangliang.text.models import DocumentKind, SearchDocument
from shangliang.text.selectors.common import (
    LIST_FIELDS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    DocumentFilters,
    documents,
)
from shangliang.text.services import ensure_dictionary

# Search ranks within the newest matches of all query words.
SEARCH_WINDOW = 200


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
    truncated: bool = False

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def search(
    *,
    query: str,
    user: Any = None,
    kinds: Sequence[str] | None = None,
    region_path: str = "",
    category: str = "",
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """Documents holding every word of ``query``, best first (ranked among the newest
    SEARCH_WINDOW matches), with the matched words marked in the snippet."""
    query = (query or "").strip()
    if not query:
        raise ApplicationError("请输入要检索的内容。", field="q")
    if len(query) > MAX_QUERY_CHARS:
        raise ApplicationError(f"检索内容过长，请不超过{MAX_QUERY_CHARS}个字。", field="q")
    page = max(1, page)
    per_page = min(max(1, per_page), 100)
    ensure_dictionary()
    terms = segment.query_terms(query)[:MAX_QUERY_TERMS]
    if not terms:
        return SearchPage(query, [], [], 0, page, per_page)
    window = fulltext.match_all(terms, SEARCH_WINDOW)
    if not window:
        return SearchPage(query, terms, [], 0, page, per_page)
    filters = DocumentFilters(
        kinds=tuple(kinds or ()),
        region_path=region_path,
        category=category,
        status=status,
        date_from=date_from,
        date_to=date_to,
    )
    scores = {
        pk: _relevance(doc_terms, terms)
        for pk, doc_terms in documents(window, user=user, fields=("id", "terms"), filters=filters)
    }
    ids = list(scores)
    ids.sort(key=lambda pk: (-scores[pk], -pk))
    page_ids = ids[(page - 1) * per_page : page * per_page]
    rows = {
        row.pk: row
        for row in (
            instance(SearchDocument, LIST_FIELDS, values)
            for values in documents(page_ids, user=user, fields=LIST_FIELDS)
        )
    }
    hits = [
        SearchHit(
            id=row.pk,
            kind=row.kind,
            kind_label=DocumentKind(row.kind).label,
            object_id=row.object_id,
            title=row.title,
            snippet=highlight(f"{row.title} {row.body}" if row.title else row.body, terms),
            category=row.category,
            status=row.status,
            created_at=row.source_created_at,
            score=round(scores[row.pk], 4),
        )
        for row in (rows[pk] for pk in page_ids if pk in rows)
    ]
    return SearchPage(query, terms, hits, len(ids), page, per_page, truncated=len(window) >= SEARCH_WINDOW)


def _relevance(doc_terms: str, query_terms: list[str]) -> float:
    """Occurrences of the query words, damped by document length (a BM25-like term weight)."""
    words = doc_terms.split(" ")
    counts = sum(words.count(t) for t in query_terms)
    return round(counts / (1 + 0.1 * len(words)) ** 0.5, 4)
