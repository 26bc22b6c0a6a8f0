"""Writing audit events. Every service that changes state calls ``record``."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from shangliang.core.models import AuditEvent


def record(
    *,
    target: models.Model,
    event_type: str,
    actor: Any = None,
    old: Any = None,
    new: Any = None,
    reason: str = "",
    public: bool = False,
    public_text: str = "",
    actor_label: str = "",
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=actor_label or (user.display_name if user is not None else "匿名"),
        event_type=event_type,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=str(target.pk),
        old_value=old,
        new_value=new,
        reason=reason,
        public=public,
        public_text=public_text,
    )


def events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=str(target.pk),
    ).select_related("actor")
