"""Staff search across concerns, topics, meetings and outputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from shangliang.core.errors import ApplicationError
from shangliang.text import fulltext, segment
from shangliang.text.highlight import highlight
from shangliang.text.models import DocumentKind
from shangliang.text.selectors.common import (
    LIST_FIELDS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    DocumentFilters,
    DocumentRow,
    document_conditions,
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
    any_word: bool = False,
) -> SearchPage:
    """Documents holding every word of ``query`` (any of them with ``any_word``: those holding more
    of the words first), best first (ranked among the newest SEARCH_WINDOW matches), with the
    matched words marked in the snippet."""
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
    conditions, params = document_conditions(user, filters)
    matched, window = fulltext.match_rows(terms, SEARCH_WINDOW, conditions, params, any_term=any_word)
    needles = [f" {t} " for t in terms]
    scores = _relevance(matched, needles)
    if any_word and len(terms) > 1:
        held = {pk: sum(n in f" {doc_terms} " for n in needles) for pk, doc_terms in matched}
        ids = sorted(scores, key=lambda pk: (-held[pk], -scores[pk], -pk))
    else:
        ids = sorted(scores, key=lambda pk: (-scores[pk], -pk))
    page_ids = ids[(page - 1) * per_page : page * per_page]
    rows = {
        values[0]: DocumentRow._make(values) for values in documents(page_ids, user=user, fields=LIST_FIELDS)
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
    return SearchPage(query, terms, hits, len(ids), page, per_page, truncated=window >= SEARCH_WINDOW)


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


def _kind_label(kind: str) -> str:
    label = _KIND_LABELS.get(kind)
    if label is None:
        label = _KIND_LABELS[kind] = str(DocumentKind(kind).label)
    return label


# Scores by (occurrences, words): a document's score depends on nothing else, and the pairs met
# are few (a few hundred words at most, a handful of occurrences).
_SCORES: dict[tuple[int, int], float] = {}


def _score(occurrences: int, words: int) -> float:
    """Occurrences of the query words, damped by document length (a BM25-like term weight)."""
    key = (occurrences, words)
    score = _SCORES.get(key)
    if score is None:
        score = _SCORES[key] = round(occurrences / (1 + 0.1 * words) ** 0.5, 4)
    return score


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
