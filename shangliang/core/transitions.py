"""State changes shared by every app: check the transitions table, save, audit.

A service locks the row (``select_for_update``) and checks permission, then calls
``apply_transition``. The transitions table lives beside the model as a plain dict.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from django.db import models

from shangliang.core import audit
from shangliang.core.errors import ConcurrentChange, TransitionNotAllowed


def is_allowed(transitions: Mapping[str, Set[str]], old: str, new: str) -> bool:
    return new in transitions.get(old, frozenset())


def state_phrase(label: str) -> str:
    """How a sentence says a record is in a state: "已转介" stays as it is, "不予立题" becomes
    "已不予立题" (so "该诉求已{…}" never reads "已已转介")."""
    return label if label.startswith("已") else f"已{label}"


def check_version(obj: models.Model, expected_version: int | None) -> None:
    """Refuse a change made from a stale form: someone else saved the record in between."""
    if expected_version is not None and getattr(obj, "version", None) != expected_version:
        raise ConcurrentChange()


def apply_transition(
    obj: models.Model,
    *,
    new: str,
    transitions: Mapping[str, Set[str]],
    labels: Mapping[str, str],
    actor: Any,
    event_type: str,
    reason: str = "",
    field: str = "status",
    extra_fields: Mapping[str, Any] | None = None,
    public: bool = False,
    public_text: str = "",
) -> bool:
    """Move ``obj`` to ``new``. Returns False (and writes nothing) when it is already there."""
    old = getattr(obj, field)
    if old == new:
        return False
    if not is_allowed(transitions, old, new):
        raise TransitionNotAllowed(
            f"当前状态为“{labels.get(old, old)}”，不能变更为“{labels.get(new, new)}”。"
        )
    setattr(obj, field, new)
    update_fields = [field, "updated_at"]
    for name, value in (extra_fields or {}).items():
        setattr(obj, name, value)
        update_fields.append(name)
    if hasattr(obj, "version"):
        obj.version = models.F("version") + 1
        update_fields.append("version")
    obj.save(update_fields=update_fields)
    if hasattr(obj, "version"):
        obj.refresh_from_db(fields=["version"])
    audit.record(
        target=obj,
        event_type=event_type,
        actor=actor,
        old={field: old},
        new={field: new},
        reason=reason,
        public=public,
        public_text=public_text,
    )
    return True
