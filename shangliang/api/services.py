"""Issuing and revoking integration tokens (administrators only; each an audit event). Each takes the
person's ``scope`` (what the permission asks, resolved at the page or command edge) and the ``actor``
the audit trail names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from shangliang.api.models import SCOPES, ApiToken, new_token, token_hash
from shangliang.api.permissions import can_manage_tokens
from shangliang.core import audit
from shangliang.core.errors import ApplicationError
from shangliang.core.scope import Scope


def token_issue(
    *,
    organisation: Any,
    user: Any,
    name: str,
    scopes: Iterable[str],
    scope: Scope,
    actor: Any,
    client_token: str = "",
) -> tuple[str, ApiToken]:
    """A new token: returns it in clear (to show once) and the stored row (its hash only). The same
    ``client_token`` again (a form sent twice) issues nothing: "" and the token issued the first time."""
    if not can_manage_tokens(scope):
        raise PermissionDenied("只有系统管理员可以创建接口令牌。")
    if user.organisation_id != organisation.pk:
        raise ApplicationError("代表账号必须属于所选单位。", field="user")
    client_token = client_token[:64]
    if client_token and (earlier := ApiToken.objects.filter(client_token=client_token).first()):
        return "", earlier
    chosen = [s for s in SCOPES if s in set(scopes)]
    token, prefix = new_token()
    try:
        with transaction.atomic():
            issued = ApiToken.objects.create(
                organisation=organisation,
                user=user,
                name=name,
                scopes=",".join(chosen),
                prefix=prefix,
                key_hash=token_hash(token),
                created_by=actor,
                client_token=client_token,
            )
            audit.record(
                target=issued,
                event_type="api_token.issued",
                actor=actor,
                new={"scopes": chosen, "user": user.pk},
            )
    except IntegrityError:
        if not client_token:
            raise
        return "", ApiToken.objects.get(client_token=client_token)  # the same form, sent at once
    return token, issued


def token_revoke(*, token: ApiToken, scope: Scope, actor: Any) -> None:
    if not can_manage_tokens(scope):
        raise PermissionDenied("只有系统管理员可以撤销接口令牌。")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(target=locked, event_type="api_token.revoked", actor=actor)


def token_for(raw: str) -> ApiToken | None:
    """The live token ``raw`` is, or None (unknown, revoked, or its account disabled)."""
    if not raw.startswith("sl_") or len(raw) > 100:
        return None
    found = ApiToken.objects.select_related("user", "user__region").filter(key_hash=token_hash(raw)).first()
    if found is None or found.revoked_at is not None or not found.user.is_active:
        return None
    now = timezone.now()
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found
