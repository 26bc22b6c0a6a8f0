"""The evaluation protocol of ``manage.py text_eval`` (similar concerns and category suggestion).

1. Train the category model on the ``train`` items (text and category only).
2. Take the ``test`` items in file order into an empty index. Before adding each item, ask
   ``selectors.similar`` for the top 10 earlier items of the same community (as the intake form
   does). When the item's cluster already has an earlier member, record the rank of the first
   same-cluster hit (None when not in the top 10). Every returned candidate whose level is
   "likely" is a flag; it is correct when it is of the item's cluster.
3. Category top-1 / top-3 over every test item.

Labels of the test items (cluster, category) are read only to score. The index rows are written
in a transaction that is rolled back, under community numbers no real region uses.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from shangliang.core.errors import ApplicationError
from shangliang.text import classifier, selectors, services
from shangliang.text.models import DocumentKind

# Evaluation communities get numbers far above any real region id.
COMMUNITY_BASE = 9_000_000_000
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


def evaluate(train: Iterable[Item], test: list[Item], keywords: Mapping[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    model = classifier.train(((i.text, i.category) for i in train if i.category), keywords)
    communities: dict[str, int] = {}
    ranks: list[int | None] = []
    flagged = flagged_correct = 0
    likely_found = 0
    top1 = top3 = categorised = 0
    base_time = timezone.now() - dt.timedelta(days=len(test) + 1)
    try:
        with transaction.atomic():
            for position, item in enumerate(test):
                community_id = communities.setdefault(item.community, COMMUNITY_BASE + len(communities))
                hits = selectors.similar(
                    text=item.text, community_id=community_id, kinds=(DocumentKind.CONCERN,), limit=10
                )
                clusters = [test[h.object_id].cluster for h in hits]
                if item.cluster is not None and any(t.cluster == item.cluster for t in test[:position]):
                    rank = next((n for n, c in enumerate(clusters, start=1) if c == item.cluster), None)
                    ranks.append(rank)
                    if any(
                        h.level == "likely" and c == item.cluster for h, c in zip(hits, clusters, strict=True)
                    ):
                        likely_found += 1
                for hit, cluster in zip(hits, clusters, strict=True):
                    if hit.level == "likely":
                        flagged += 1
                        flagged_correct += int(item.cluster is not None and cluster == item.cluster)
                predicted = [name for name, _ in classifier.predict(model, item.text, 3)]
                if item.category:
                    categorised += 1
                    top1 += int(predicted[:1] == [item.category])
                    top3 += int(item.category in predicted)
                services.index_documents(
                    [
                        services.DocumentInput(
                            kind=DocumentKind.CONCERN,
                            object_id=position,
                            text=item.text,
                            created_at=base_time + dt.timedelta(days=position),
                            community_id=community_id,
                            is_public=True,
                        )
                    ]
                )
            raise _Rollback
    except _Rollback:
        pass
    elapsed = time.perf_counter() - started
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
        "items_per_s": round(len(test) / elapsed, 1) if elapsed else 0.0,
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
