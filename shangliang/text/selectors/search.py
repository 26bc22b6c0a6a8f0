"""Staff search across concerns, topics, meetings and outputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

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
    page of them, with the matched words marked in the snippet. Matching, filters, ranking,
    counting and the page are one statement in the database (``fulltext.ranked``): an old record
    is found as a new one is, and only the page's rows reach Python."""
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
    ranking, total = fulltext.ranked(
        terms, conditions, params, limit=per_page, offset=(page - 1) * per_page, any_term=any_word
    )
    scores = dict(ranking)
    rows = {
        values[0]: DocumentRow._make(values)
        for values in SearchDocument.objects.filter(pk__in=scores).values_list(*LIST_FIELDS)
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
        for row in (rows[pk] for pk in scores if pk in rows)
    ]
    return SearchPage(query, terms, hits, total, page, per_page)


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


def _kind_label(kind: str) -> str:
    return str(DocumentKind(kind).label)
