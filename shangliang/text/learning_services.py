"""Writes of the text engine's learning: staff decisions as labelled examples, model versions
trained from them, activation and roll-back (see ``learning`` for the training itself).

Other apps call ``judgement_record`` in the transaction of the decision (a merge, a split, a "not
the same" dismissal, a category correction). ``models_retrain`` runs periodically
(``tasks.retrain_models``); ``model_activate`` and ``model_roll_back`` are the staff page's.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import EVERYTHING, scope_of
from shangliang.text import learning, pairs, segment, selectors
from shangliang.text.models import ClassifierModel, DocumentKind, Judgement, SearchDocument
from shangliang.text.normalize import normalize
from shangliang.text.permissions import can_manage_models

logger = logging.getLogger(__name__)

# Below this many decisions no candidate is trained (its held-out slice would say nothing).
MIN_DECISIONS = 20
# The newest decisions of each kind that a training reads.
MAX_DECISIONS = 5000
MAX_HISTORY = 50_000
# A pair is scored as the screening page shows it: among this many similar records.
PAIR_LOOKUP_LIMIT = 20


def judgement_record(
    *,
    label: str,
    via: str,
    object_id: int,
    text: str,
    actor: Any,
    community_id: int | None = None,
    kind: str = DocumentKind.CONCERN,
    other_kind: str = "",
    other_object_id: int | None = None,
    other_text: str = "",
    category: str = "",
) -> Judgement:
    """Record (or replace) a staff decision about a pair of records or a record's category."""
    if label not in Judgement.Label.values:
        raise ApplicationError("未知的标注。")
    is_category = label == Judgement.Label.CATEGORY
    if is_category != (other_object_id is None) or (is_category and not category):
        raise ApplicationError("标注缺少对方记录或类别。")
    if not is_category and (other_kind, other_object_id) == (kind, object_id):
        raise ApplicationError("不能把记录与它自己比较。")
    key: dict[str, Any] = {"kind": kind, "object_id": object_id}
    if is_category:
        existing = Judgement.objects.filter(label=label, **key)
    else:
        key |= {"other_kind": other_kind, "other_object_id": other_object_id}
        existing = Judgement.objects.filter(**key).exclude(label=Judgement.Label.CATEGORY)
    judgement = existing.select_for_update().first() or Judgement(**key)
    old = {"label": judgement.label, "category": judgement.category} if judgement.pk else None
    judgement.label = label
    judgement.via = via
    judgement.text = text
    judgement.other_text = other_text
    judgement.community_id = community_id
    judgement.category = category
    judgement.actor = actor if getattr(actor, "is_authenticated", False) else None
    judgement.save()
    audit.record(
        target=judgement,
        event_type="text.judgement_recorded",
        actor=actor,
        old=old,
        new={"label": label, "via": via, "category": category},
    )
    return judgement


def pair_examples(
    pair_model: pairs.PairModel, category_model: Any, limit: int = MAX_DECISIONS
) -> list[learning.PairExample]:
    """The newest pair decisions with the features the similar lookup gives the pair now; a pair
    the lookup no longer lists among PAIR_LOOKUP_LIMIT records is left out."""
    examples: list[learning.PairExample] = []
    rows = Judgement.objects.exclude(label=Judgement.Label.CATEGORY).order_by("-created_at", "-id")[:limit]
    for judgement in rows:
        hits = selectors.similar(
            text=judgement.text,
            community_id=judgement.community_id,
            limit=PAIR_LOOKUP_LIMIT,
            exclude=(judgement.kind, judgement.object_id),
            pair_model=pair_model,
            category_model=category_model,
            scope=EVERYTHING,  # the training reads every record
        )
        for hit in hits:
            if (hit.kind, hit.object_id) == (judgement.other_kind, judgement.other_object_id):
                words = (_words(judgement.text), _words(judgement.other_text))
                same = judgement.label == Judgement.Label.SAME
                group = f"{judgement.other_kind}:{judgement.other_object_id}"
                examples.append(learning.PairExample(hit.features, same, judgement.object_id, words, group))
                break
    return examples


def _words(text: str) -> frozenset[str]:
    return pairs.link_words(w for w in segment.words(normalize(text)) if w not in segment.STOPWORDS)


def _category_examples(keywords: dict[str, str]) -> tuple[list[learning.CategoryExample], ...]:
    corrections = [
        learning.CategoryExample(text, category, object_id)
        for text, category, object_id in Judgement.objects.filter(
            label=Judgement.Label.CATEGORY, kind=DocumentKind.CONCERN, category__in=list(keywords)
        )
        .order_by("-created_at", "-id")
        .values_list("text", "category", "object_id")[:MAX_DECISIONS]
    ]
    history = [
        learning.CategoryExample(body, category, object_id)
        for body, category, object_id in SearchDocument.objects.filter(
            kind=DocumentKind.CONCERN, category__in=list(keywords)
        )
        .order_by("-source_created_at")
        .values_list("body", "category", "object_id")[:MAX_HISTORY]
    ]
    return corrections, history


def models_retrain(*, actor: Any = None) -> ClassifierModel | None:
    """Train a candidate version from the district's decisions with the active version as prior,
    judge it beside the active one on the held-out slice of the decisions, and keep it: active when
    it is not worse (``learning.not_worse``), otherwise stored unpromoted for the record. None
    while there are fewer than MIN_DECISIONS decisions."""
    selectors.clear_caches()
    keywords = selectors.category_keywords()
    current_row = ClassifierModel.objects.filter(active=True).first()
    current_categories = selectors.active_model()
    current_pairs = selectors.active_pair_model()
    examples = pair_examples(current_pairs, current_categories)
    corrections, history = _category_examples(keywords)
    if len(examples) + len(corrections) < MIN_DECISIONS:
        logger.info("Models not retrained: %s decisions", len(examples) + len(corrections))
        return None
    train_pairs, held_pairs = learning.split(examples)
    train_corrections, held_corrections = learning.split(corrections)
    held_keys = {e.key for e in held_corrections}
    category_model = learning.train_category_model(
        train_corrections,
        [e for e in history if e.key not in held_keys and not learning.is_held_out(e.key)],
        keywords,
    )
    pair_model = learning.train_pair_model(train_pairs, current_pairs)
    candidate = learning.figures(category_model, pair_model, held_pairs, held_corrections)
    previous = learning.figures(current_categories, current_pairs, held_pairs, held_corrections)
    promoted = learning.not_worse(candidate, previous)
    with transaction.atomic():
        if promoted:
            ClassifierModel.objects.select_for_update().filter(active=True).update(active=False)
        row = ClassifierModel.objects.create(
            samples=category_model.samples,
            categories=list(category_model.categories),
            payload={**category_model.to_payload(), "pair": pair_model.to_payload()},
            holdout_top1=candidate["category_top1"],
            active=promoted,
            source=ClassifierModel.Source.DECISIONS,
            promoted=promoted,
            activated_at=timezone.now() if promoted else None,
            figures={
                "candidate": candidate,
                "previous": previous,
                "previous_version": current_row.pk if current_row else None,
                "training_pairs": len(train_pairs),
                "training_corrections": len(train_corrections),
            },
        )
        audit.record(
            target=row,
            event_type="text.model_trained",
            actor=actor,
            new={"promoted": promoted, "candidate": candidate, "previous": previous},
        )
    selectors.clear_caches()
    return row


def model_activate(*, model_id: int, actor: Any) -> ClassifierModel:
    """Make a stored version the active one (the others stay, inactive)."""
    if not can_manage_models(scope_of(actor)):
        raise PermissionDenied("只有系统管理员和政协机关工作人员可以切换模型。")
    with transaction.atomic():
        rows = {r.pk: r for r in ClassifierModel.objects.select_for_update().filter(active=True)}
        row = ClassifierModel.objects.select_for_update().filter(pk=model_id).first()
        if row is None:
            raise ApplicationError("没有找到该模型版本。")
        if row.active:
            raise ApplicationError("该模型版本已在使用中。")
        ClassifierModel.objects.filter(pk__in=list(rows)).update(active=False)
        row.active = True
        row.activated_at = timezone.now()
        row.save(update_fields=["active", "activated_at"])
        audit.record(
            target=row,
            event_type="text.model_activated",
            actor=actor,
            old={"active": sorted(rows)},
            new={"active": row.pk},
        )
    selectors.clear_caches()
    return row


def model_roll_back(*, actor: Any) -> ClassifierModel | None:
    """Go back to the version that was active before the current one; with none, to the shipped
    defaults (the shipped category and pair models). Returns the version now active."""
    if not can_manage_models(scope_of(actor)):
        raise PermissionDenied("只有系统管理员和政协机关工作人员可以切换模型。")
    with transaction.atomic():
        current = ClassifierModel.objects.select_for_update().filter(active=True).first()
        if current is None:
            raise ApplicationError("当前使用的是默认模型，没有可回退的版本。")
        earlier = (
            ClassifierModel.objects.filter(activated_at__isnull=False)
            .exclude(pk=current.pk)
            .filter(activated_at__lte=current.activated_at or timezone.now())
            .order_by("-activated_at", "-id")
            .first()
        )
        ClassifierModel.objects.filter(active=True).update(active=False)
        if earlier is not None:
            earlier.active = True
            earlier.save(update_fields=["active"])
        audit.record(
            target=current,
            event_type="text.model_rolled_back",
            actor=actor,
            old={"active": current.pk},
            new={"active": earlier.pk if earlier else None},
        )
    selectors.clear_caches()
    return earlier
