"""Grouping recent records into hot issues. Pure functions, no database.

Records that share rarer words are compared with the similarity scorer; pairs at or above the
threshold are joined (single link, union-find). Only pairs that share at least one word are ever
compared, through an inverted index, so the work grows with overlaps rather than with n².
A group's label is its most characteristic words: frequent in the group, rare in general.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from shangliang.text import segment, similarity

# A word shared by more than this many records in the batch is too common to pair records on.
MAX_POSTING = 200


@dataclass(frozen=True)
class Item:
    key: Hashable
    words: Sequence[str]
    group: Hashable = None  # records in different groups (communities) are never joined


@dataclass(frozen=True)
class Cluster:
    keys: list[Hashable]
    label_words: list[str]


def cluster(items: Sequence[Item], *, threshold: float, label_size: int = 3) -> list[Cluster]:
    words = [[w for w in dict.fromkeys(item.words) if w and w not in segment.STOPWORDS] for item in items]
    profiles = [similarity.profile("".join(ws), ws) for ws in words]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    postings: dict[str, list[int]] = defaultdict(list)
    for index, ws in enumerate(words):
        for word in ws:
            postings[word].append(index)
    compared: set[tuple[int, int]] = set()
    for ids in postings.values():
        if len(ids) > MAX_POSTING:
            continue
        for a_pos, a in enumerate(ids):
            for b in ids[a_pos + 1 :]:
                if (a, b) in compared or items[a].group != items[b].group:
                    continue
                compared.add((a, b))
                if find(a) != find(b) and similarity.score(profiles[a], profiles[b])[0] >= threshold:
                    parent[find(a)] = find(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(items)):
        groups[find(index)].append(index)
    result: list[Cluster] = []
    for members in groups.values():
        counts: Counter[str] = Counter(w for m in members for w in words[m] if len(w) > 1)
        ranked = sorted(counts, key=lambda w: (-counts[w] * segment.idf(w), w))
        result.append(Cluster(keys=[items[m].key for m in members], label_words=ranked[:label_size]))
    result.sort(key=lambda c: -len(c.keys))
    return result
