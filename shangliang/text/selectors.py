"""Reads of the text engine: search, similar concerns, category suggestion, hot-issue clusters.

Public functions (all keyword-only, all safe on any user input):

- ``search(query=..., user=None, kinds=None, region_path="", category="", status="",
  date_from=None, date_to=None, page=1, per_page=20) -> SearchPage``: staff search across
  concerns, topics, meetings and outputs; ``user`` limits the rows to what that person may see.
- ``similar(text=..., community_id=None, category="", since=None, kinds=("concern", "topic"),
  limit=10, exclude=None, user=None) -> list[SimilarHit]``: earlier records that may describe
  the same problem, each with a score, the shared words and a level ("likely" / "possible" / "").
- ``suggest_category(text, k=3) -> list[CategorySuggestion]``: the top ``k`` categories.
- ``hot_clusters(region_path="", days=30, statuses=(...), now=None, ...) -> list[HotCluster]``.

Both search paths retrieve candidates through the full-text index (see ``fulltext``) and only
then load and re-score rows in Python; neither scans the document table.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from shangliang.core.errors import ApplicationError
from shangliang.core.roles import BACK_OFFICE_ROLES, Role
from shangliang.text import classifier, clusters, fulltext, segment, similarity
from shangliang.text.highlight import highlight
from shangliang.text.models import Category, ClassifierModel, DocumentKind, SearchDocument
from shangliang.text.normalize import has_content, normalize
from shangliang.text.services import community_token, ensure_dictionary, scoped_term

MAX_QUERY_CHARS = 200
MAX_SIMILAR_CHARS = 10_000
MAX_QUERY_TERMS = 8
# Search ranks within the newest matches; similar re-scores this many candidates.
SEARCH_WINDOW = 200
SIMILAR_CANDIDATES = 30
# Newest postings read per query word, and how many of the rarest words select candidates.
POSTINGS_PER_WORD = 200
MAX_CANDIDATE_WORDS = 6
# A word in more than this share of a community's documents does not select candidates.
COMMON_SHARE = 0.2

_LIST_FIELDS = (
    "id",
    "kind",
    "object_id",
    "title",
    "body",
    "terms",
    "community_id",
    "region_path",
    "category",
    "status",
    "is_public",
    "source_created_at",
)


def thresholds() -> similarity.SimilarityThresholds:
    conf = getattr(settings, "SHANGLIANG_TEXT", {})
    default = similarity.SimilarityThresholds()
    return similarity.SimilarityThresholds(
        likely_same=float(conf.get("LIKELY_SAME", default.likely_same)),
        possibly_related=float(conf.get("POSSIBLY_RELATED", default.possibly_related)),
    )


def visible_to(user: Any) -> Q:
    """The rows ``user`` may see: everything for admins, their region for back-office roles,
    public rows for residents and anonymous visitors."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(is_public=True)
    role = getattr(user, "role", "")
    if user.is_superuser or role == Role.ADMIN:
        return Q()
    region = getattr(user, "region", None)
    if role in BACK_OFFICE_ROLES and region is not None and region.path:
        return Q(region_path__startswith=region.path)
    return Q(is_public=True)


# --- Search -------------------------------------------------------------------------------------


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
    filters = visible_to(user) & Q(id__in=window)
    if kinds:
        filters &= Q(kind__in=list(kinds))
    if region_path:
        filters &= Q(region_path__startswith=region_path)
    if category:
        filters &= Q(category=category)
    if status:
        filters &= Q(status=status)
    if date_from:
        filters &= Q(source_created_at__date__gte=date_from)
    if date_to:
        filters &= Q(source_created_at__date__lte=date_to)
    scores = {
        pk: _relevance(doc_terms, terms)
        for pk, doc_terms in SearchDocument.objects.filter(filters).values_list("id", "terms")
    }
    ids = list(scores)
    ids.sort(key=lambda pk: (-scores[pk], -pk))
    page_ids = ids[(page - 1) * per_page : page * per_page]
    rows = {row.pk: row for row in SearchDocument.objects.filter(id__in=page_ids).only(*_LIST_FIELDS)}
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


# --- Similar concerns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarHit:
    id: int
    kind: str
    object_id: int
    title: str
    text: str
    community_id: int | None
    category: str
    status: str
    created_at: dt.datetime
    score: float
    shared_words: list[str]
    level: str  # "likely" | "possible" | ""


# Large document counts change slowly in relative terms and cost the most to count; each process
# keeps them for a few minutes (bounded size). Small counts are always read fresh, so a record
# indexed a moment ago is found at once.
DOC_COUNT_TTL_SECONDS = 300
DOC_COUNT_CACHE_MIN = 100
DOC_COUNT_CACHE_SIZE = 100_000
_doc_count_cache: dict[str, tuple[float, int]] = {}


def _cached_doc_counts(terms: list[str], *, scoped: bool) -> dict[str, int]:
    now = time.monotonic()
    counts: dict[str, int] = {}
    missing: list[str] = []
    prefix = "s:" if scoped else "p:"
    for term in terms:
        hit = _doc_count_cache.get(prefix + term)
        if hit is not None and now - hit[0] < DOC_COUNT_TTL_SECONDS:
            counts[term] = hit[1]
        else:
            missing.append(term)
    if missing:
        fresh = fulltext.doc_counts(missing, scoped=scoped)
        if len(_doc_count_cache) + len(fresh) > DOC_COUNT_CACHE_SIZE:
            _doc_count_cache.clear()
        for term, count in fresh.items():
            if count >= DOC_COUNT_CACHE_MIN:
                _doc_count_cache[prefix + term] = (now, count)
        counts.update(fresh)
    return counts


def clear_caches() -> None:
    """Forget cached document counts and the category model (tests, after bulk changes)."""
    _doc_count_cache.clear()
    _model_cache.clear()


def _local_factor(df: int, total: int) -> float:
    return math.log(1 + (total + 1) / (df + 0.5))


def similar(
    *,
    text: str,
    community_id: int | None = None,
    category: str = "",
    since: dt.datetime | None = None,
    kinds: Sequence[str] = (DocumentKind.CONCERN, DocumentKind.TOPIC),
    limit: int = 10,
    exclude: tuple[str, int] | None = None,
    user: Any = None,
) -> list[SimilarHit]:
    """Earlier records that may be the same problem as ``text``, best first."""
    text = text or ""
    if len(text) > MAX_SIMILAR_CHARS:
        raise ApplicationError(f"文本过长，请不超过{MAX_SIMILAR_CHARS}个字。", field="text")
    limit = min(max(1, limit), 50)
    ensure_dictionary()
    norm = normalize(text)
    if not has_content(norm):
        return []
    words = [w for w in dict.fromkeys(segment.words(norm)) if w not in segment.STOPWORDS]
    if not words:
        return []
    if community_id is not None:
        keys = {w: scoped_term(community_id, w) for w in words}
        marker = community_token(community_id)
        counts = _cached_doc_counts([*keys.values(), marker], scoped=True)
        total = counts[marker]
        df = {w: counts[keys[w]] for w in words}
    else:
        keys = {w: w for w in words}
        df = _cached_doc_counts(words, scoped=False)
        total = max([*df.values(), 1]) * 5
    present = [w for w in words if df[w] > 0]
    if not present:
        return []
    # Candidates: the newest postings of the rarer words, each document scored by the community
    # weight of the words it shares. Very common words select too much; keep the rarest few
    # whatever their share.
    selective = sorted((w for w in present if df[w] <= max(COMMON_SHARE * total, 50)), key=lambda w: df[w])
    if len(selective) < 3:
        selective = sorted(present, key=lambda w: df[w])[:3]
    candidates: dict[int, float] = {}
    for word in selective[:MAX_CANDIDATE_WORDS]:
        weight = _local_factor(df[word], total) * similarity.word_weight(word)
        for pk in fulltext.postings(keys[word], POSTINGS_PER_WORD, scoped=community_id is not None):
            candidates[pk] = candidates.get(pk, 0.0) + weight
    if not candidates:
        return []
    best = heapq.nlargest(SIMILAR_CANDIDATES, candidates, key=candidates.__getitem__)
    filters = visible_to(user) & Q(id__in=best) & Q(kind__in=list(kinds))
    if category:
        filters &= Q(category=category)
    if since is not None:
        filters &= Q(source_created_at__gte=since)
    rows = list(SearchDocument.objects.filter(filters).only(*_LIST_FIELDS))
    if exclude is not None:
        rows = [r for r in rows if (r.kind, r.object_id) != (exclude[0], exclude[1])]
    factors = {w: _local_factor(df[w], total) for w in words}
    default_factor = sorted(factors.values())[len(factors) // 2]

    def weigh(word: str) -> float:
        return similarity.word_weight(word) * factors.get(word, default_factor)

    query_profile = similarity.profile_weighted(norm, words, weigh)
    limits = thresholds()
    hits: list[SimilarHit] = []
    for row in rows:
        candidate_norm = normalize(f"{row.title} {row.body}" if row.title else row.body)
        candidate_words = [w for w in dict.fromkeys(row.terms.split(" ")) if w and w not in segment.STOPWORDS]
        candidate = similarity.profile_weighted(candidate_norm, candidate_words, weigh)
        value, shared = similarity.score(query_profile, candidate)
        level = (
            "likely"
            if value >= limits.likely_same
            else "possible"
            if value >= limits.possibly_related
            else ""
        )
        hits.append(
            SimilarHit(
                id=row.pk,
                kind=row.kind,
                object_id=row.object_id,
                title=row.title,
                text=row.body,
                community_id=row.community_id,
                category=row.category,
                status=row.status,
                created_at=row.source_created_at,
                score=round(value, 4),
                shared_words=shared[:8],
                level=level,
            )
        )
    hits.sort(key=lambda h: (-h.score, -h.id))
    return hits[:limit]


# --- Category suggestion --------------------------------------------------------------------------


@dataclass(frozen=True)
class CategorySuggestion:
    name: str
    confidence: float


_model_cache: dict[str, Any] = {}


def category_keywords() -> dict[str, str]:
    return dict(
        Category.objects.filter(active=True).order_by("sort_order", "name").values_list("name", "keywords")
    )


def active_model() -> classifier.Model:
    """The newest trained model, or the keyword model when there is none (cached per process
    until a newer model or a category edit appears)."""
    row = ClassifierModel.objects.filter(active=True).only("id", "created_at").first()
    keywords = category_keywords()
    key = f"{row.pk if row else 0}:{hash(tuple(keywords.items()))}"
    cached = _model_cache.get("model")
    if cached is not None and _model_cache.get("key") == key:
        return cached
    if row is not None:
        model = classifier.Model.from_payload(ClassifierModel.objects.get(pk=row.pk).payload)
        if set(model.categories) != set(keywords):
            model = classifier.train([], keywords)
    else:
        model = classifier.train([], keywords)
    _model_cache.update(model=model, key=key)
    return model


def suggest_category(text: str, k: int = 3) -> list[CategorySuggestion]:
    if len(text or "") > MAX_SIMILAR_CHARS:
        raise ApplicationError(f"文本过长，请不超过{MAX_SIMILAR_CHARS}个字。", field="text")
    ensure_dictionary()
    return [
        CategorySuggestion(name, conf) for name, conf in classifier.predict(active_model(), text or "", k)
    ]


# --- Hot-issue clusters -----------------------------------------------------------------------------

UNASSIGNED_STATUSES = ("submitted", "screening")
# Single-link grouping chains records together, so it needs a stricter bar than a pairwise hint.
DEFAULT_CLUSTER_THRESHOLD = 0.3


def _cluster_threshold() -> float:
    return float(getattr(settings, "SHANGLIANG_TEXT", {}).get("CLUSTER_THRESHOLD", DEFAULT_CLUSTER_THRESHOLD))


@dataclass(frozen=True)
class HotCluster:
    label: str
    size: int
    document_ids: list[int]
    object_ids: list[int]
    community_ids: list[int]
    first_at: dt.datetime
    last_at: dt.datetime
    samples: list[str] = field(default_factory=list)


def hot_clusters(
    *,
    region_path: str = "",
    days: int = 30,
    statuses: Sequence[str] = UNASSIGNED_STATUSES,
    kinds: Sequence[str] = (DocumentKind.CONCERN,),
    min_size: int = 2,
    limit: int = 20,
    now: dt.datetime | None = None,
    user: Any = None,
    max_documents: int = 3000,
) -> list[HotCluster]:
    """The unassigned records of an area over the last ``days`` days grouped into problems,
    biggest first (the newest ``max_documents`` records are considered)."""
    if days < 1 or days > 366:
        raise ApplicationError("统计天数应在1到366之间。", field="days")
    now = now or timezone.now()
    filters = visible_to(user) & Q(
        kind__in=list(kinds), status__in=list(statuses), source_created_at__gte=now - dt.timedelta(days=days)
    )
    if region_path:
        filters &= Q(region_path__startswith=region_path)
    rows = list(
        SearchDocument.objects.filter(filters)
        .only(*_LIST_FIELDS)
        .order_by("-source_created_at")[:max_documents]
    )
    items = [clusters.Item(key=row.pk, words=row.terms.split(" "), group=row.community_id) for row in rows]
    by_id = {row.pk: row for row in rows}
    result: list[HotCluster] = []
    for group in clusters.cluster(items, threshold=_cluster_threshold()):
        if len(group.keys) < min_size:
            continue
        members = [by_id[int(k)] for k in group.keys]  # type: ignore[call-overload]
        times = [m.source_created_at for m in members]
        result.append(
            HotCluster(
                label="、".join(group.label_words),
                size=len(members),
                document_ids=[m.pk for m in members],
                object_ids=[m.object_id for m in members],
                community_ids=sorted({m.community_id for m in members if m.community_id is not None}),
                first_at=min(times),
                last_at=max(times),
                samples=[m.body[:60] for m in members[:3]],
            )
        )
    result.sort(key=lambda c: (-c.size, -c.last_at.timestamp()))
    return result[:limit]
