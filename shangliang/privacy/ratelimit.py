"""Fixed-window rate limits kept in the cache (shared by every app server when REDIS_URL is set).

``allow`` counts one attempt and says whether it is within the limit (the default given by the
caller, or the deployment's override for that scope). Keys are hashed so that no
personal data (a phone number, an address) is stored in the cache in clear.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    """``count`` attempts per ``seconds``."""

    count: int
    seconds: int


def _key(scope: str, identity: str, window: int) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
    return f"rl:{scope}:{digest}:{window}"


def configured(scope: str, default: Limit) -> Limit:
    """A deployment may change any limit by scope: ``SHANGLIANG["RATE_LIMITS"] = {"submit-ip": (10, 3600)}``."""
    override = settings.SHANGLIANG.get("RATE_LIMITS", {}).get(scope)
    return Limit(*override) if override else default


def allow(scope: str, identity: str, limit: Limit) -> bool:
    limit = configured(scope, limit)
    window = int(time.time() // limit.seconds)
    key = _key(scope, identity, window)
    if cache.add(key, 1, timeout=limit.seconds + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=limit.seconds + 1)
        return True
    return count <= limit.count


def retry_after(limit: Limit) -> int:
    """Seconds until the current window ends."""
    return int(limit.seconds - (time.time() % limit.seconds)) + 1


@lru_cache(maxsize=8)
def _trusted_networks(
    configured: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def _is_trusted(address: str) -> bool:
    networks = _trusted_networks(tuple(getattr(settings, "SHANGLIANG_TRUSTED_PROXIES", ())))
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the connection's peer, unless that peer is one of the configured reverse
    proxies (``SHANGLIANG_TRUSTED_PROXIES``). Then ``X-Forwarded-For`` is read from its right end,
    skipping the trusted proxies' own entries: the first address no trusted proxy vouches for is the
    client. Anyone reaching the application directly cannot choose their address with the header."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    if not _is_trusted(peer):
        return peer or "unknown"
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop):
            return hop
    return hops[0] if hops else peer
