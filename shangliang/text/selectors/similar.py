"""Earlier records that may describe the same problem as a new text."""

from __future__ import annotations

import datetime as dt
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from shangliang.core.errors import ApplicationError
from shangliang.core.scope import ANONYMOUS, Scope
from shangliang.text import aspects, classifier, concepts, fulltext, pairs, segment, similarity
from shangliang.text.models import DocumentKind
from shangliang.text.normalize import has_content, normalize
from shangliang.text.selectors.categories import active_model, active_pair_model
from shangliang.text.selectors.common import (
    LIST_FIELDS,
    MAX_SIMILAR_CHARS,
    DocumentFilters,
    DocumentRow,
    document_conditions,
    document_rows,
    thresholds,
)
from shangliang.text.services import ensure_dictionary, open_term, scoped_term

# Re-scored candidates; newest postings read per query word; how many of the rarest words select
# candidates; a word in more than COMMON_SHARE of a community's documents does not select.
SIMILAR_CANDIDATES = 30
POSTINGS_PER_WORD = 200
MAX_CANDIDATE_WORDS = 6
COMMON_SHARE = 0.2
# A lookup of open public records only (``open_only``) reads their own family of postings, where
# every posting is a record it may show: fewer postings per word cover at least the same records
# as the community's newest POSTINGS_PER_WORD did, and fewer candidates are read and scored.
OPEN_POSTINGS_PER_WORD = 60
OPEN_CANDIDATES = 10


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
    # The pair model's probability that this is the same problem, and the features it saw.
    probability: float = 0.0
    features: tuple[float, ...] = field(default=(), compare=False, repr=False)


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


def _cached_community_size(community_id: int) -> int:
    key = f"n:{community_id}"
    now = time.monotonic()
    hit = _doc_count_cache.get(key)
    if hit is not None and now - hit[0] < DOC_COUNT_TTL_SECONDS:
        return hit[1]
    size = fulltext.community_size(community_id)
    if size >= DOC_COUNT_CACHE_MIN:
        _doc_count_cache[key] = (now, size)
    return size


def clear_doc_counts() -> None:
    _doc_count_cache.clear()


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
    scope: Scope = ANONYMOUS,
    pair_model: pairs.PairModel | None = None,
    category_model: classifier.Model | None = None,
    open_only: bool = False,
) -> list[SimilarHit]:
    """Earlier records that may be the same problem as ``text``, best first. ``pair_model`` and
    ``category_model`` default to the active ones (the evaluation passes its own). ``open_only``
    (with a community) finds only public records that are still open, from their own postings."""
    text = text or ""
    if len(text) > MAX_SIMILAR_CHARS:
        raise ApplicationError(f"文本过长，请不超过{MAX_SIMILAR_CHARS}个字。", field="text")
    limit = min(max(1, limit), 50)
    ensure_dictionary()
    norm = normalize(text)
    if not has_content(norm):
        return []
    all_words = segment.words(norm)
    words = [w for w in dict.fromkeys(all_words) if w not in segment.STOPWORDS]
    if not words:
        return []
    if community_id is not None:
        keys = {w: scoped_term(community_id, w) for w in words}
        counts = _cached_doc_counts(list(keys.values()), scoped=True)
        total = _cached_community_size(community_id)
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
    conditions, params = document_conditions(
        scope, DocumentFilters(kinds=tuple(kinds), category=category, since=since)
    )
    # The words weigh by their counts in the whole community; an open-only lookup picks from the
    # open family's postings of the same words.
    picked, per_word, candidates = keys, POSTINGS_PER_WORD, SIMILAR_CANDIDATES
    if open_only and community_id is not None:
        picked = {w: open_term(community_id, w) for w in selective}
        per_word, candidates = OPEN_POSTINGS_PER_WORD, OPEN_CANDIDATES
        conditions = [*conditions, "d.is_open = %s"]
        params = [*params, True]
    rows = document_rows(
        fulltext.weighted_rows(
            [
                (picked[w], _local_factor(df[w], total) * similarity.word_weight(w))
                for w in selective[:MAX_CANDIDATE_WORDS]
            ],
            per_word,
            candidates,
            LIST_FIELDS,
            conditions,
            params,
            scoped=community_id is not None,
        )
    )
    if not rows:
        return []
    if exclude is not None:
        rows = [r for r in rows if (r.kind, r.object_id) != (exclude[0], exclude[1])]
    factors = {w: _local_factor(df[w], total) for w in words}
    default_factor = sorted(factors.values())[len(factors) // 2]

    def weigh(word: str) -> float:
        return similarity.word_weight(word) * factors.get(word, default_factor)

    query_profile = similarity.profile_weighted(norm, words, weigh)
    category_model = category_model or active_model()
    pair_model = pair_model or active_pair_model()
    limits = thresholds(similarity.SimilarityThresholds(pair_model.likely, pair_model.possible))
    query_categories = dict(classifier.rank_normalized(category_model, norm, all_words))
    query_marks = pairs.place_marks(norm)
    query_concepts = query_profile.concepts()
    query_words = pairs.link_words(words)
    query_links = pairs.linked(pair_model.links, query_words) if pair_model.links else {}
    query_conflicts = pairs.linked(pair_model.conflicts, query_words) if pair_model.conflicts else {}
    query_aspects = aspects.of(all_words)
    weighing = similarity.Weighing.of(query_profile, factors, default_factor)
    scored = []
    for row in rows:
        known = _candidate(row)
        word_part, gram_part, shared = similarity.kept_score_parts(weighing, known.kept, known.bigrams)
        value = similarity.WORD_WEIGHT * word_part + (1 - similarity.WORD_WEIGHT) * gram_part
        scored.append((round(value, 4), row, word_part, gram_part, shared, known, known.kept.concepts))
    scored.sort(key=lambda item: (-item[0], -item[1].id))
    scored = scored[:limit]
    top_score = scored[0][0] if scored else 0.0
    hits: list[SimilarHit] = []
    for rank, (value, row, word_part, gram_part, shared, known, candidate_concepts) in enumerate(scored):
        candidate_norm = known.norm
        category = row.category or _predicted_category(category_model, candidate_norm)
        x = pairs.features(
            score=value,
            word_cosine=word_part,
            bigram_dice=gram_part,
            category_agreement=query_categories.get(category, 0.0),
            query_marks=query_marks,
            candidate_marks=known.marks,
            rank=rank,
            best=top_score,
            next_score=scored[rank + 1][0] if rank + 1 < len(scored) else 0.0,
            query_concepts=query_concepts,
            candidate_concepts=candidate_concepts,
            query_length=len(norm),
            candidate_length=len(candidate_norm),
            learned_link=pairs.link_strength(query_links, query_words, known.kept.key_of),
            learned_conflict=pairs.link_strength(query_conflicts, query_words, known.kept.key_of),
            aspects=aspects.agreement(query_aspects, known.parts),
        )
        probability = pair_model.probability(x)
        level = (
            "likely"
            if probability >= limits.likely_same
            else "possible"
            if probability >= limits.possibly_related
            else ""
        )
        hits.append(
            SimilarHit(
                id=row.id,
                kind=row.kind,
                object_id=row.object_id,
                title=row.title,
                text=row.body,
                community_id=row.community_id,
                category=row.category,
                status=row.status,
                created_at=row.source_created_at,
                score=value,
                shared_words=shared[:8],
                level=level,
                probability=round(probability, 4),
                features=tuple(x),
            )
        )
    # The score picks the candidates; the pair model, which also weighs places and problems, orders them.
    hits.sort(key=lambda hit: -hit.probability)
    return hits


@dataclass(frozen=True, slots=True)
class _Candidate:
    """What scoring a candidate derives from its own text alone."""

    norm: str
    kept: similarity.KeptWords
    bigrams: frozenset[str]
    marks: frozenset[str]
    parts: aspects.Aspects


# Candidates as last derived, per process: a community's newest records are candidates for most
# lookups in it (and a resident's text is looked up again at each pause in typing and at submit).
# Keyed by the row's text itself, so an edited record is derived again; cleared when full, and
# when the concept table or the district dictionary (which the word weights come from) changes.
# The bigrams are interned, so entries share the strings (a few kilobytes each).
CANDIDATE_CACHE_SIZE = 10_000
_candidates: dict[tuple[int, str, str, str], _Candidate] = {}
_derived_under: list[tuple[int, int]] = [(-1, -1)]


def _candidate(row: DocumentRow) -> _Candidate:
    basis = (concepts.generation(), segment.generation())
    if basis != _derived_under[0]:
        _candidates.clear()
        _derived_under[0] = basis
    key = (row.id, row.title, row.body, row.terms)
    found = _candidates.get(key)
    if found is None:
        if len(_candidates) >= CANDIDATE_CACHE_SIZE:
            _candidates.clear()
        norm = normalize(f"{row.title} {row.body}" if row.title else row.body)
        stopwords = segment.STOPWORDS
        found = _Candidate(
            norm=norm,
            kept=similarity.kept_words(
                w for w in dict.fromkeys(row.terms.split(" ")) if w and w not in stopwords
            ),
            bigrams=frozenset(map(sys.intern, similarity.bigrams(norm))),
            marks=pairs.place_marks(norm),
            parts=aspects.of(segment.words(norm)),
        )
        _candidates[key] = found
    return found


def clear_candidates() -> None:
    _candidates.clear()


def _predicted_category(model: classifier.Model, normalized_text: str) -> str:
    """The category of a record indexed without one (the model's first choice)."""
    top = classifier.predict_features(
        model, classifier.features_normalized(normalized_text, None, model.keywords), 1
    )
    return top[0][0] if top else ""
