"""Writes of the text engine. Later apps call these inside their own transaction.

Index a record whenever its text, place, category, status or visibility changes::

    from shangliang.text.services import index_document

    index_document(
        kind="concern", object_id=concern.pk, text=concern.text, title=concern.title,
        region=concern.grid or concern.community, community_id=concern.community_id,
        category=concern.category, status=concern.status, is_public=concern.is_public,
        is_open=concern.is_open, created_at=concern.created_at,
    )

and ``remove_document(kind=..., object_id=...)`` when it is deleted. Both only touch the text
engine's tables, so they are safe inside the caller's ``transaction.atomic`` block: a rollback
takes the index change with it. ``index_documents`` is the bulk form (imports, re-indexing);
``set_document_status`` changes the status filter (and whether the record is open) without
re-segmenting.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from shangliang.core.errors import ApplicationError
from shangliang.text import classifier, concepts, fulltext, segment
from shangliang.text.models import (
    Category,
    ClassifierModel,
    Concept,
    DictionaryTerm,
    DocumentKind,
    SearchDocument,
)
from shangliang.text.normalize import normalize

logger = logging.getLogger(__name__)

DICTIONARY_VERSION_KEY = "text:dictionary-version"
# How often (seconds) a process checks whether the admin dictionary changed.
DICTIONARY_CHECK_SECONDS = 30


@dataclass(frozen=True)
class DocumentInput:
    """Everything the index needs about one record."""

    kind: str
    object_id: int
    text: str
    created_at: dt.datetime
    title: str = ""
    region_id: int | None = None
    region_path: str = ""
    community_id: int | None = None
    category: str = ""
    status: str = ""
    is_public: bool = False
    # Still open: a new report of the same problem may join it (whatever "open" means for the kind).
    is_open: bool = False


def community_token(community_id: int) -> str:
    return f"c{community_id}"


def scoped_term(community_id: int, term: str) -> str:
    return f"c{community_id}x{term}"


def open_term(community_id: int, term: str) -> str:
    """A word of an open public record of the community (what the residents' lookup reads)."""
    return f"o{community_id}x{term}"


def scoped_terms(terms: Iterable[str], community_id: int | None, *, open_public: bool) -> str:
    """The ``scoped_terms`` column: the community's marker and its scoped words, and the words of
    the open family too for an open public record."""
    if community_id is None:
        return ""
    distinct = list(dict.fromkeys(t for t in terms if t))
    scoped = [community_token(community_id), *(scoped_term(community_id, t) for t in distinct)]
    if open_public:
        scoped.extend(open_term(community_id, t) for t in distinct)
    return " ".join(scoped)


def analyse(title: str, text: str, community_id: int | None, *, open_public: bool = False) -> tuple[str, str]:
    """(terms, scoped_terms) for the index columns."""
    words = segment.words(normalize(f"{title} {text}" if title else text))
    terms = segment.index_terms(words)
    return " ".join(terms), scoped_terms(terms, community_id, open_public=open_public)


def _validate(doc: DocumentInput) -> None:
    if doc.kind not in DocumentKind.values:
        raise ApplicationError(f"未知的文档类型：{doc.kind}", field="kind")
    if doc.object_id is None or doc.object_id < 0:
        raise ApplicationError("文档编号无效。", field="object_id")


def _row(doc: DocumentInput) -> SearchDocument:
    terms, scoped = analyse(doc.title, doc.text, doc.community_id, open_public=doc.is_public and doc.is_open)
    return SearchDocument(
        kind=doc.kind,
        object_id=doc.object_id,
        region_id=doc.region_id,
        region_path=doc.region_path,
        community_id=doc.community_id,
        category=doc.category,
        status=doc.status,
        is_public=doc.is_public,
        is_open=doc.is_open,
        source_created_at=doc.created_at,
        title=doc.title[:200],
        body=doc.text,
        terms=terms,
        scoped_terms=scoped,
        indexed_at=timezone.now(),
    )


def index_document(
    *,
    kind: str,
    object_id: int,
    text: str,
    created_at: dt.datetime,
    title: str = "",
    region: Any = None,
    community_id: int | None = None,
    category: str = "",
    status: str = "",
    is_public: bool = False,
    is_open: bool = False,
) -> SearchDocument:
    """Create or replace the index row of one record. ``region`` is a places.Region (or None)."""
    ensure_dictionary()
    doc = DocumentInput(
        kind=kind,
        object_id=object_id,
        text=text or "",
        created_at=created_at,
        title=title or "",
        region_id=getattr(region, "pk", None),
        region_path=getattr(region, "path", "") or "",
        community_id=community_id,
        category=category or "",
        status=status or "",
        is_public=is_public,
        is_open=is_open,
    )
    _validate(doc)
    row = _row(doc)
    with transaction.atomic():
        old = SearchDocument.objects.select_for_update().filter(kind=kind, object_id=object_id).first()
        if old is not None:
            row.pk = old.pk
            row.save(force_update=True)
            fulltext.replace([(old.pk, old.terms, old.scoped_terms)], [(row.pk, row.terms, row.scoped_terms)])
        else:
            row.save(force_insert=True)
            fulltext.write([(row.pk, row.terms, row.scoped_terms)])
    return row


def index_documents(docs: Iterable[DocumentInput], *, batch_size: int = 2000) -> int:
    """Bulk-index new records (no row for them may exist yet). Returns how many were written."""
    ensure_dictionary()
    written = 0
    iterator: Iterator[DocumentInput] = iter(docs)
    while batch := list(islice(iterator, batch_size)):
        for doc in batch:
            _validate(doc)
        rows = [_row(doc) for doc in batch]
        with transaction.atomic():
            SearchDocument.objects.bulk_create(rows)
            fulltext.write((row.pk, row.terms, row.scoped_terms) for row in rows)
        written += len(rows)
    return written


def set_document_status(*, kind: str, object_id: int, status: str, is_open: bool | None = None) -> bool:
    """Change the status filter of an indexed record (and, given ``is_open``, whether it is open:
    its open family of words is added or dropped); False when it is not indexed."""
    if is_open is None:
        return bool(SearchDocument.objects.filter(kind=kind, object_id=object_id).update(status=status))
    with transaction.atomic():
        row = SearchDocument.objects.select_for_update().filter(kind=kind, object_id=object_id).first()
        if row is None:
            return False
        scoped = scoped_terms(row.terms.split(" "), row.community_id, open_public=row.is_public and is_open)
        if scoped != row.scoped_terms:
            fulltext.replace([(row.pk, row.terms, row.scoped_terms)], [(row.pk, row.terms, scoped)])
        SearchDocument.objects.filter(pk=row.pk).update(status=status, is_open=is_open, scoped_terms=scoped)
    return True


def remove_document(*, kind: str, object_id: int) -> bool:
    """Drop a record from the index; False when it was not there."""
    with transaction.atomic():
        old = SearchDocument.objects.select_for_update().filter(kind=kind, object_id=object_id).first()
        if old is None:
            return False
        fulltext.delete([(old.pk, old.terms, old.scoped_terms)])
        old.delete()
    return True


def reindex_all(*, batch_size: int = 2000) -> int:
    """Re-segment every indexed record (after the dictionary changed). Returns the count."""
    ensure_dictionary(force=True)
    done = 0
    last_id = 0
    while True:
        rows = list(SearchDocument.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not rows:
            break
        with transaction.atomic():
            old = [(r.pk, r.terms, r.scoped_terms) for r in rows]
            for row in rows:
                row.terms, row.scoped_terms = analyse(
                    row.title, row.body, row.community_id, open_public=row.is_public and row.is_open
                )
            SearchDocument.objects.bulk_update(rows, ["terms", "scoped_terms"])
            fulltext.replace(old, [(r.pk, r.terms, r.scoped_terms) for r in rows])
        done += len(rows)
        last_id = rows[-1].pk
    return done


# --- District dictionary ----------------------------------------------------------------------

_dictionary_checked_at = 0.0
_dictionary_version: object = None


def ensure_dictionary(*, force: bool = False) -> None:
    """Load the admin dictionary and concepts into this process's segmenter when they changed
    (checked at most every DICTIONARY_CHECK_SECONDS; the admin bumps the version in the shared
    cache)."""
    global _dictionary_checked_at, _dictionary_version
    now = timezone.now().timestamp()
    if not force and now - _dictionary_checked_at < DICTIONARY_CHECK_SECONDS:
        return
    _dictionary_checked_at = now
    version = cache.get(DICTIONARY_VERSION_KEY, 0)
    if not force and version == _dictionary_version:
        return
    _dictionary_version = version
    rows = [
        (name, classifier.split_keywords(text), active)
        for name, text, active in Concept.objects.values_list("name", "words", "active")
    ]
    if concepts.load(concepts.merged(rows)):
        logger.info("Concept table loaded")
    builtin = set(segment.concept_terms(concepts.BUILTIN_CONCEPTS.values()))
    added = [w for w in segment.concept_terms([concepts.words()]) if w not in builtin]
    words = [*DictionaryTerm.objects.filter(active=True).values_list("word", flat=True), *added]
    if segment.load_terms(words):
        logger.info("District dictionary loaded into the segmenter")


def dictionary_changed() -> None:
    """Tell every process to reload the dictionary and concepts (called after an admin edit)."""
    cache.set(DICTIONARY_VERSION_KEY, timezone.now().timestamp(), None)
    global _dictionary_checked_at
    _dictionary_checked_at = 0.0


# --- Category model ---------------------------------------------------------------------------

# Below this many labelled concerns the shipped model is used and no model is trained.
MIN_TRAINING_SAMPLES = 100
# At most this many of the newest labelled concerns are used for training.
MAX_TRAINING_SAMPLES = 50_000


def train_category_model() -> ClassifierModel | None:
    """Train on the shipped texts and the platform's own labelled concerns and store the model;
    None (the active one stays in use) while there are fewer than MIN_TRAINING_SAMPLES of them."""
    keywords = dict(Category.objects.filter(active=True).values_list("name", "keywords"))
    samples = list(
        SearchDocument.objects.filter(kind=DocumentKind.CONCERN, category__in=list(keywords))
        .order_by("-source_created_at")
        .values_list("body", "category")[:MAX_TRAINING_SAMPLES]
    )
    if len(samples) < MIN_TRAINING_SAMPLES:
        logger.info("Category model not trained: %s labelled concerns", len(samples))
        return None
    # Every fifth sample is held out to report an honest accuracy; the stored model uses all.
    held_out = samples[::5]
    shipped = classifier.shipped_samples()
    trial = classifier.train([*shipped, *(s for i, s in enumerate(samples) if i % 5)], keywords)
    top1 = sum(1 for text, cat in held_out if [c for c, _ in classifier.predict(trial, text, 1)] == [cat])
    model = classifier.train([*shipped, *samples], keywords)
    with transaction.atomic():
        current = ClassifierModel.objects.select_for_update().filter(active=True).first()
        ClassifierModel.objects.filter(active=True).update(active=False)
        payload = model.to_payload()
        if current is not None and current.payload.get("pair"):
            payload["pair"] = current.payload["pair"]  # the pair model learned from decisions stays
        return ClassifierModel.objects.create(
            samples=len(samples),
            categories=list(model.categories),
            payload=payload,
            holdout_top1=round(top1 / len(held_out), 4) if held_out else None,
            active=True,
            activated_at=timezone.now(),
        )
