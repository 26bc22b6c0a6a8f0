"""What the staff home lists for places: rooms short of the "四有" standard, communities without a
proper activity group. Scoped to the person signed in."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from shangliang.core.registry import TodoItem
from shangliang.core.scope import Scope
from shangliang.places import permissions as perms
from shangliang.places import selectors


def places_todo(scope: Scope) -> Iterable[TodoItem]:
    if not perms.can_view_coverage(scope):
        return []
    items = []
    incomplete = selectors.rooms_with_incomplete_checks(scope).count()
    if incomplete:
        items.append(
            TodoItem(
                title="“四有”核查未完成的议事室",
                url=reverse("places:room-list"),
                count=incomplete,
                detail="补齐统一标识、固定阵地、明确职责、配套工作机制的核查和佐证材料。",
                severity="warning",
                order=60,
            )
        )
    gaps = sum(1 for row in selectors.coverage_for_user(scope) if row.status != "ok")
    if gaps:
        items.append(
            TodoItem(
                title="委员活动小组未覆盖或人数不符的村(社区)",
                url=reverse("places:coverage"),
                count=gaps,
                detail="每个村(社区)应有 2–3 名委员组成的活动小组。",
                severity="warning",
                order=61,
            )
        )
    return items
