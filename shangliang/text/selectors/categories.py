"""Category suggestion with the active trained version, or the shipped model (``classifier.default``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from shangliang.core.errors import ApplicationError
from shangliang.text import classifier, pairs, segment
from shangliang.text.models import Category, ClassifierModel
from shangliang.text.normalize import normalize
from shangliang.text.selectors.common import MAX_SIMILAR_CHARS
from shangliang.text.services import ensure_dictionary


@dataclass(frozen=True)
class CategorySuggestion:
    name: str
    confidence: float


_model_cache: dict[str, Any] = {}
# A process looks for a newer model or a category edit at most this often (seconds).
MODEL_CHECK_SECONDS = 10.0


def clear_model() -> None:
    _model_cache.clear()


def category_keywords() -> dict[str, str]:
    return dict(
        Category.objects.filter(active=True).order_by("sort_order", "name").values_list("name", "keywords")
    )


def active_model() -> classifier.Model:
    """The active trained version, or the shipped model when there is none (cached per process
    until a newer model or a category edit appears; checked every MODEL_CHECK_SECONDS)."""
    cached = _model_cache.get("model")
    now = time.monotonic()
    if cached is not None and now - _model_cache.get("checked", 0.0) < MODEL_CHECK_SECONDS:
        return cached
    _model_cache["checked"] = now
    row = ClassifierModel.objects.filter(active=True).only("id", "created_at").first()
    keywords = category_keywords()
    key = f"{row.pk if row else 0}:{hash(tuple(keywords.items()))}"
    if cached is not None and _model_cache.get("key") == key:
        return cached
    pair_model = pairs.DEFAULT
    if row is not None:
        payload = ClassifierModel.objects.get(pk=row.pk).payload
        try:
            model = classifier.Model.from_payload(payload)
        except (KeyError, TypeError, ValueError):
            # A version stored by a newer release (or a damaged row): the shipped model serves.
            model = classifier.default(keywords)
        if set(model.categories) != set(keywords):
            model = classifier.default(keywords)
        if payload.get("pair"):
            try:
                pair_model = pairs.PairModel.from_payload(payload["pair"])
            except (KeyError, TypeError, ValueError):
                pair_model = pairs.DEFAULT
    else:
        model = classifier.default(keywords)
    _model_cache.update(model=model, pair=pair_model, key=key)
    return model


def active_pair_model() -> pairs.PairModel:
    """The pair model stored with the newest category model, or the shipped default."""
    active_model()
    model: pairs.PairModel = _model_cache.get("pair", pairs.DEFAULT)
    return model


def suggest_category(text: str, k: int = 3) -> list[CategorySuggestion]:
    if len(text or "") > MAX_SIMILAR_CHARS:
        raise ApplicationError(f"文本过长，请不超过{MAX_SIMILAR_CHARS}个字。", field="text")
    ensure_dictionary()
    norm = normalize(text or "")
    ranked = classifier.rank_normalized(active_model(), norm, segment.words(norm))
    return [CategorySuggestion(name, conf) for name, conf in ranked[:k]]


def model_versions(limit: int = 50) -> list[ClassifierModel]:
    """The newest stored versions of the learned models, newest first (their payloads left out)."""
    return list(ClassifierModel.objects.defer("payload").order_by("-created_at", "-id")[:limit])
