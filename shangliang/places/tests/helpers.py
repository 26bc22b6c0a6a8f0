"""Snapshots of the database for the places tests."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict

from shangliang.core.models import AuditEvent


def snapshot(*models: Any) -> dict[str, list[dict[str, Any]]]:
    """Every row of the given models (and the audit events), to show that nothing changed."""
    state = {
        model.__name__: [model_to_dict(obj) | {"_str": str(obj)} for obj in model.objects.order_by("pk")]
        for model in models
    }
    state["AuditEvent"] = list(AuditEvent.objects.order_by("pk").values("event_type", "object_id"))
    return state
