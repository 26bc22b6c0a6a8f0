"""Pure rules about places and people, shared by the services, the staff forms and the admin."""

from __future__ import annotations

from django.conf import settings

from shangliang.core.errors import ApplicationError
from shangliang.places.models import CHILD_LEVEL, RegionLevel

# Levels that may stand at the top of a tree (a province, a city, or a district on its own).
ROOT_LEVELS = frozenset({RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT})
PARENT_LEVEL: dict[str, str] = {child: parent for parent, child in CHILD_LEVEL.items()}


def _label(level: str) -> str:
    return RegionLevel(level).label


def check_region_level(*, level: str, parent_level: str | None) -> None:
    """Refuse a node whose level does not fit under its parent (a grid belongs under a community)."""
    if parent_level is None:
        if level not in ROOT_LEVELS:
            expected = PARENT_LEVEL[level]
            raise ApplicationError(
                f"“{_label(level)}”必须设在“{_label(expected)}”之下，请选择上级区域。", field="parent"
            )
        return
    if CHILD_LEVEL.get(parent_level) == level:
        return
    if level in PARENT_LEVEL:
        message = (
            f"“{_label(level)}”只能设在“{_label(PARENT_LEVEL[level])}”之下，"
            f"不能设在“{_label(parent_level)}”之下。"
        )
    else:
        message = f"“{_label(level)}”是最上级区域，不能设在“{_label(parent_level)}”之下。"
    raise ApplicationError(message, field="parent")


def group_size_bounds() -> tuple[int, int]:
    config = getattr(settings, "SHANGLIANG", {})
    return int(config.get("ACTIVITY_GROUP_MIN", 2)), int(config.get("ACTIVITY_GROUP_MAX", 3))


def check_group_size(count: int) -> None:
    """An activity group has 2–3 members (configurable)."""
    minimum, maximum = group_size_bounds()
    if not minimum <= count <= maximum:
        raise ApplicationError(
            f"活动小组须有 {minimum}–{maximum} 名委员，现在选了 {count} 名。", field="members"
        )


def group_size_status(count: int) -> str:
    """ "missing" (no group), "short", "over" or "ok": what the coverage page shows."""
    minimum, maximum = group_size_bounds()
    if count < minimum:
        return "short"
    if count > maximum:
        return "over"
    return "ok"
