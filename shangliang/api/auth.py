"""Who calls the API: an integration with a token (``Authorization: Bearer sl_…``), acting as the
account the token was issued for, or a signed-in person of the site (their session)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from shangliang.api import services
from shangliang.api.models import SCOPES, ApiToken
from shangliang.core.scope import Scope, scope_of


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = services.token_for(token)
        if found is not None:
            request.user = found.user
        return found


token_auth = TokenAuth()
# Token first (integrations), then the site's session.
SIGNED_IN = [token_auth, django_auth]


def require_scope(request: HttpRequest, scope: str) -> Scope:
    """The access scope of the account calling; a token must include ``scope``."""
    principal = getattr(request, "auth", None)
    if isinstance(principal, ApiToken) and scope not in principal.scope_list:
        raise HttpError(403, f"该令牌无权访问“{SCOPES[scope]}”接口。")
    return scope_of(request.user)


def optional_caller(request: HttpRequest, scope: str | None) -> Scope | None:
    """For endpoints open to everyone: the access scope of the signed-in account (or the token's),
    None when anonymous. A token that is not valid is refused (401), never read as anonymous; one
    without ``scope`` is refused (403). ``scope`` None: any valid token."""
    header = request.headers.get("Authorization", "")
    if header:
        kind, _, raw = header.partition(" ")
        found = services.token_for(raw.strip()) if kind.lower() == "bearer" else None
        if found is None:
            raise HttpError(401, "接口令牌无效或已撤销。")
        if scope is not None and scope not in found.scope_list:
            raise HttpError(403, f"该令牌无权访问“{SCOPES[scope]}”接口。")
        return scope_of(found.user)
    user = getattr(request, "user", None)
    return scope_of(user) if getattr(user, "is_authenticated", False) else None
