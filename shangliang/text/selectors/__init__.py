"""Reads of the text engine: search, similar concerns, category suggestion, hot-issue clusters.

Public functions (all keyword-only, all safe on any user input):

- ``search(query=..., scope=ANONYMOUS, kinds=None, region_path="", category="", status="",
  date_from=None, date_to=None, page=1, per_page=20, any_word=False) -> SearchPage``: staff search across
  concerns, topics, meetings and outputs: every match ``scope`` (``core.scope.Scope``;
  ``ANONYMOUS``: a visitor) may see that passes the filters, ranked and paginated.
- ``similar(text=..., community_id=None, category="", since=None, kinds=("concern", "topic"),
  limit=10, exclude=None, scope=ANONYMOUS) -> list[SimilarHit]``: earlier records that may describe
  the same problem, each with a score, the shared words and a level ("likely" / "possible" / "").
- ``suggest_category(text, k=3) -> list[CategorySuggestion]``: the top ``k`` categories.
- ``hot_clusters(region_path="", days=30, statuses=(...), now=None, ...) -> list[HotCluster]``.

Both read through the full-text index (see ``fulltext``); neither scans the document table. Search
ranks, counts and pages its matches in the database and loads only the page's rows; similar
retrieves candidates there and re-scores them in Python.
"""

from __future__ import annotations

from shangliang.text.selectors import categories as _categories
from shangliang.text.selectors import similar as _similar
from shangliang.text.selectors.categories import (
    CategorySuggestion,
    active_model,
    active_pair_model,
    category_keywords,
    model_versions,
    suggest_category,
)
from shangliang.text.selectors.common import MAX_QUERY_CHARS, MAX_SIMILAR_CHARS, thresholds, visible_to
from shangliang.text.selectors.hot import UNASSIGNED_STATUSES, HotCluster, hot_clusters
from shangliang.text.selectors.search import SearchHit, SearchPage, search
from shangliang.text.selectors.similar import SimilarHit, similar


def clear_caches() -> None:
    """Forget cached document counts, derived candidates and the category model (tests, after
    bulk changes)."""
    _similar.clear_doc_counts()
    _similar.clear_candidates()
    _categories.clear_model()


__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_SIMILAR_CHARS",
    "UNASSIGNED_STATUSES",
    "CategorySuggestion",
    "HotCluster",
    "SearchHit",
    "SearchPage",
    "SimilarHit",
    "active_model",
    "active_pair_model",
    "category_keywords",
    "clear_caches",
    "hot_clusters",
    "model_versions",
    "search",
    "similar",
    "suggest_category",
    "thresholds",
    "visible_to",
]
