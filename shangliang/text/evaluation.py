"""The evaluation protocol of ``manage.py text_eval`` (similar concerns and category suggestion).

1. Train the category model on the ``train`` items (text and category only), and the pair model on
   the train items replayed through step 2 in groups of about a hundred (``train_pair_model``).
2. Take the ``test`` items in file order into an empty index. Before adding each item, ask
   ``selectors.similar`` for the top 10 earlier items of the same community (as the intake form
   does), then index it with the category the model predicts for it. When the item's cluster already has an earlier member, record the rank of the first
   same-cluster hit (None when not in the top 10). Every returned candidate whose level is
   "likely" is a flag; it is correct when it is of the item's cluster.
3. Category top-1 / top-3 over every test item.

Labels of the test items (cluster, category) are read only to score. The index rows are written
in a transaction that is rolled back, under community numbers no real region uses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from shangliang.core.errors import ApplicationError
from shangliang.text import baseline, classifier, pairs, segment, selectors, services
from shangliang.text.models import DocumentKind
from shangliang.text.normalize import normalize

# Evaluation communities get numbers far above any real region id.
COMMUNITY_BASE = 9_000_000_000
# ... and object ids far above any real record's, so the rows never collide with indexed ones.
OBJECT_BASE = 9_000_000_000
REQUIRED_FIELDS = ("id", "text", "community")


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    community: str
    cluster: str | None
    category: str | None


def read_jsonl(path: str | Path) -> list[Item]:
    items: list[Item] = []
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ApplicationError(f"{path} 第{number}行不是有效的 JSON：{exc.msg}") from exc
            missing = [f for f in REQUIRED_FIELDS if not data.get(f)]
            if missing:
                raise ApplicationError(f"{path} 第{number}行缺少字段：{'、'.join(missing)}")
            items.append(
                Item(
                    id=str(data["id"]),
                    text=str(data["text"]),
                    community=str(data["community"]),
                    cluster=data.get("cluster"),
                    category=data.get("category"),
                )
            )
    return items


class _Rollback(Exception):
    pass


def _replay(
    items: list[Item],
    models: list[classifier.Model],
    pair_model: pairs.PairModel | None,
) -> tuple[list[tuple[Item, list[selectors.SimilarHit], bool]], int]:
    """Index ``items`` in file order into an empty index, asking ``similar`` before each one.
    ``models[i]`` is the category model that sees item ``i`` (its predicted category is stored with
    the row, as the intake form suggests it). Returns each item with its hits and whether an
    earlier item of its cluster exists; the index rows are rolled back."""
    communities: dict[str, int] = {}
    replayed: list[tuple[Item, list[selectors.SimilarHit], bool]] = []
    base_time = timezone.now() - dt.timedelta(days=len(items) + 1)
    try:
        with transaction.atomic():
            for position, item in enumerate(items):
                community_id = communities.setdefault(item.community, COMMUNITY_BASE + len(communities))
                hits = selectors.similar(
                    text=item.text,
                    community_id=community_id,
                    kinds=(DocumentKind.CONCERN,),
                    limit=10,
                    pair_model=pair_model,
                    category_model=models[position],
                )
                earlier = item.cluster is not None and any(
                    t.cluster == item.cluster for t in items[:position]
                )
                replayed.append((item, hits, earlier))
                predicted = classifier.predict(models[position], item.text, 1)
                services.index_documents(
                    [
                        services.DocumentInput(
                            kind=DocumentKind.CONCERN,
                            object_id=OBJECT_BASE + position,
                            text=item.text,
                            created_at=base_time + dt.timedelta(days=position),
                            community_id=community_id,
                            category=predicted[0][0] if predicted else "",
                            is_public=True,
                        )
                    ]
                )
            raise _Rollback
    except _Rollback:
        pass
    return replayed, len(communities)


# The pair model learns from replays of the train items, community by community (the lookup
# compares records of one community only, so each replay is as dense as a community the model
# will judge), in this many groups of communities: each group's pairs are scored by a model and
# word links fitted on the other groups' communities, as a community the model never saw will be,
# and the "likely" threshold is chosen on those scores by counting which pairs are the same.
INNER_FOLDS = 4


def replay_groups(items: list[Item], folds: int = INNER_FOLDS) -> list[list[Item]]:
    """``items`` dealt into groups of whole communities (``community_folds``), file order kept
    inside a group."""
    groups = community_folds(items, folds)
    home = {community: n for n, group in enumerate(groups) for community in group}
    dealt: list[list[Item]] = [[] for _ in groups]
    for item in items:
        dealt[home[item.community]].append(item)
    return [g for g in dealt if g]


def train_pair_model(train: list[Item], keywords: Mapping[str, str]) -> pairs.PairModel:
    """A pair model fitted on replays of the train items (``replay_groups``) and calibrated on
    their out-of-group pairs: an inner leave-communities-out split, so the threshold is chosen on
    communities the scoring model never saw, by the share of flagged pairs that are the same.
    The category predictions it sees come from two half models, each predicting the items it was
    not trained on (as it will on new ones)."""
    labelled = [i for i in train if i.category]
    halves = [labelled[0::2], labelled[1::2]]
    half_models = [
        classifier.train(((i.text, i.category) for i in half if i.category), keywords) for half in halves
    ]
    other = {id(i): half_models[1] for i in halves[0]} | {id(i): half_models[0] for i in halves[1]}
    fallback = classifier.train([], keywords)
    groups = replay_groups(train)
    samples: list[list[float]] = []
    labels: list[bool] = []
    folds: list[int] = []
    words = {
        id(i): pairs.link_words(w for w in segment.words(normalize(i.text)) if w not in segment.STOPWORDS)
        for i in train
    }
    for number, group in enumerate(groups):
        # Each replay sees the word links learned from the other replays' items, as new texts will.
        inside = {id(i) for i in group}
        links = learn_item_links([i for i in train if id(i) not in inside], words) if len(groups) > 1 else {}
        replay_model = dataclasses.replace(pairs.DEFAULT, links=links)
        replayed, _ = _replay(group, [other.get(id(i), fallback) for i in group], replay_model)
        for position, (item, hits, _) in enumerate(replayed):
            for hit in hits:
                samples.append(list(hit.features))
                labels.append(
                    item.cluster is not None and group[hit.object_id - OBJECT_BASE].cluster == item.cluster
                )
                folds.append(number if len(groups) > 1 else position % 4)
    model = pairs.train(samples, labels, folds=folds, counted=True)
    return dataclasses.replace(model, links=learn_item_links(train, words))


def learn_item_links(items: list[Item], words: Mapping[int, frozenset[str]]) -> dict[str, dict[str, float]]:
    """Word links (``pairs.learn_links``) from every pair of items of one community: the same
    problem when they share a cluster. ``words`` holds each item's words by ``id(item)``."""
    by_community: dict[str, list[Item]] = {}
    for item in items:
        by_community.setdefault(item.community, []).append(item)
    labelled = (
        (words[id(a)], words[id(b)], a.cluster is not None and a.cluster == b.cluster, a.cluster or "")
        for members in by_community.values()
        for n, a in enumerate(members)
        for b in members[n + 1 :]
    )
    return pairs.learn_links(labelled)


def evaluate(
    train: Iterable[Item],
    test: list[Item],
    keywords: Mapping[str, str],
    *,
    pair_model: pairs.PairModel | None = None,
) -> dict[str, Any]:
    """Figures of ``test`` with models trained on ``train``. The pair model is fitted on the train
    items too unless one is given."""
    started = time.perf_counter()
    train = list(train)
    model = classifier.train(((i.text, i.category) for i in train if i.category), keywords)
    if pair_model is None:
        pair_model = train_pair_model(train, keywords) if train else pairs.DEFAULT
    replayed, _ = _replay(test, [model] * len(test), pair_model)
    judged = [
        (item, [(test[h.object_id - OBJECT_BASE].cluster, h.level == "likely") for h in hits], earlier)
        for item, hits, earlier in replayed
    ]
    predictions = [[name for name, _ in classifier.predict(model, item.text, 3)] for item in test]
    elapsed = time.perf_counter() - started
    return {
        **figures(judged, test, predictions),
        "likely_threshold": pair_model.likely,
        "precision_recall": _curve(replayed, test),
        "items_per_s": round(len(test) / elapsed, 1) if elapsed else 0.0,
        "false_likely": false_likely(replayed, test),
    }


def false_likely(
    replayed: list[tuple[Item, list[selectors.SimilarHit], bool]], test: list[Item]
) -> list[dict[str, Any]]:
    """Every "likely" flag on a record of another problem: the query, the candidate, the pair
    model's probability and whether the query's problem had an earlier report at all."""
    found = []
    for item, hits, earlier in replayed:
        for hit in hits:
            other = test[hit.object_id - OBJECT_BASE]
            if hit.level == "likely" and not (item.cluster is not None and other.cluster == item.cluster):
                found.append(
                    {
                        "query": item.text,
                        "candidate": other.text,
                        "probability": hit.probability,
                        "earlier": earlier,
                    }
                )
    return found


Judged = list[tuple[Item, list[tuple[str | None, bool]], bool]]


def figures(judged: Judged, test: list[Item], predictions: list[list[str]]) -> dict[str, Any]:
    """The figures of one run: ``judged`` holds each test item (in order) with the clusters of its
    candidates best first, each with whether it was flagged "likely", and whether an earlier item
    of its cluster exists; ``predictions`` the top three categories of each test item."""
    ranks: list[int | None] = []
    flagged = flagged_correct = likely_found = 0
    for item, hits, earlier in judged:
        if earlier:
            rank = next((n for n, (c, _) in enumerate(hits, start=1) if c == item.cluster), None)
            ranks.append(rank)
            likely_found += int(any(likely and c == item.cluster for c, likely in hits))
        for cluster, likely in hits:
            if likely:
                flagged += 1
                flagged_correct += int(item.cluster is not None and cluster == item.cluster)
    top1 = top3 = categorised = 0
    for item, predicted in zip(test, predictions, strict=True):
        if item.category:
            categorised += 1
            top1 += int(predicted[:1] == [item.category])
            top3 += int(item.category in predicted[:3])
    with_earlier = len(ranks)
    return {
        "test_items": len(test),
        "items_with_earlier_duplicate": with_earlier,
        "flagged": flagged,
        "recall_at_1": _share(sum(1 for r in ranks if r == 1), with_earlier),
        "recall_at_5": _share(sum(1 for r in ranks if r is not None and r <= 5), with_earlier),
        "mrr": round(sum(1 / r for r in ranks if r is not None) / with_earlier, 4) if with_earlier else 0.0,
        "likely_precision": _share(flagged_correct, flagged),
        "likely_recall": _share(likely_found, with_earlier),
        "category_top1": _share(top1, categorised),
        "category_top3": _share(top3, categorised),
    }


def evaluate_baseline(train: list[Item], test: list[Item]) -> dict[str, Any]:
    """The figures of the character-bigram TF-IDF baseline (``baseline``) trained on ``train``."""
    vectoriser = baseline.Vectoriser.fit(i.text for i in train)
    train_hits = baseline.replay(vectoriser, [i.text for i in train], [i.community for i in train])
    threshold = baseline.likely_threshold(
        (value, train[n].cluster is not None and train[j].cluster == train[n].cluster)
        for n, hits in enumerate(train_hits)
        for j, value in hits
    )
    test_hits = baseline.replay(vectoriser, [i.text for i in test], [i.community for i in test])
    judged: Judged = []
    for position, (item, hits) in enumerate(zip(test, test_hits, strict=True)):
        earlier = item.cluster is not None and any(t.cluster == item.cluster for t in test[:position])
        judged.append((item, [(test[j].cluster, value >= threshold) for j, value in hits], earlier))
    centroids = baseline.Centroids.fit(vectoriser, ((i.text, i.category) for i in train if i.category))
    return {**figures(judged, test, [centroids.predict(i.text) for i in test]), "likely_threshold": threshold}


# The figures a leave-communities-out run reports as mean and worst fold (all: higher is better).
FOLD_FIGURES = (
    "recall_at_1",
    "recall_at_5",
    "mrr",
    "likely_precision",
    "likely_recall",
    "category_top1",
    "category_top3",
)


def community_folds(items: list[Item], folds: int) -> list[list[str]]:
    """The communities of ``items`` dealt into ``folds`` groups of about equal item counts (the
    largest community first, each to the group with the fewest items so far; names break ties)."""
    sizes = Counter(i.community for i in items)
    groups: list[list[str]] = [[] for _ in range(min(folds, len(sizes)))]
    totals = [0] * len(groups)
    for community in sorted(sizes, key=lambda c: (-sizes[c], c)):
        smallest = min(range(len(groups)), key=lambda g: (totals[g], g))
        groups[smallest].append(community)
        totals[smallest] += sizes[community]
    return groups


def leave_communities_out(
    items: list[Item], keywords: Mapping[str, str], *, folds: int = 5
) -> dict[str, Any]:
    """Train on the other communities, test on each fold's communities (every community is tested
    once); the engine's and the baseline's figures per fold, and their mean and worst fold."""
    if len({i.community for i in items}) < 2:
        raise ApplicationError("按社区留出评估至少需要两个村/社区的数据。")
    runs: list[dict[str, Any]] = []
    for held in community_folds(items, folds):
        out = set(held)
        train = [i for i in items if i.community not in out]
        test = [i for i in items if i.community in out]
        runs.append(
            {
                "communities": held,
                "engine": evaluate(train, test, keywords),
                "baseline": evaluate_baseline(train, test),
            }
        )
    summary = {
        side: {
            name: {
                "mean": round(sum(run[side][name] for run in runs) / len(runs), 4),
                "worst": min(run[side][name] for run in runs),
            }
            for name in FOLD_FIGURES
        }
        for side in ("engine", "baseline")
    }
    return {"folds": runs, "summary": summary}


def _curve(
    replayed: list[tuple[Item, list[selectors.SimilarHit], bool]], test: list[Item]
) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) of "likely" at pair-model probabilities 0.3 … 0.95."""
    with_earlier = sum(1 for _, _, earlier in replayed if earlier)
    points = []
    for step in range(6, 20):
        threshold = step / 20
        flagged = correct = found = 0
        for item, hits, earlier in replayed:
            same = [
                item.cluster is not None and test[h.object_id - OBJECT_BASE].cluster == item.cluster
                for h in hits
            ]
            chosen = [s for h, s in zip(hits, same, strict=True) if h.probability >= threshold]
            flagged += len(chosen)
            correct += sum(chosen)
            found += int(earlier and any(chosen))
        points.append((threshold, _share(correct, flagged), _share(found, with_earlier)))
    return points


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
