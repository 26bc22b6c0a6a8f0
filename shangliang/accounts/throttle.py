"""Slowing down password guessing on every login form (the staff login and the admin site).

Only failures count. Three counters, all in the shared cache:

* per address: ``login-ip`` failed logins per window, whatever the account; past it the address waits;
* per account and address: after ``PAIR_FREE_FAILURES`` failures, each further failure doubles the
  wait before this address may try this account again (30 s, 1 min, 2 min … at most an hour); a
  success clears it;
* per account: past ``login-user`` failures per window (a guess spread over many addresses), only
  the addresses that have themselves failed on this account are refused.

So nobody can lock a person out of their account: from an address that has not failed on it (their
own computer), the right password always signs in.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

from shangliang.privacy.ratelimit import Limit, configured, retry_after

LOGIN_FAILURES_PER_IP = Limit(count=30, seconds=900)
LOGIN_FAILURES_PER_USER = Limit(count=50, seconds=3600)
PAIR_FREE_FAILURES = 3
PAIR_FIRST_WAIT = 30
PAIR_MAX_WAIT = 3600
PAIR_MEMORY = 24 * 3600


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def _window_key(scope: str, identity: str, limit: Limit) -> str:
    return f"login:{scope}:{_digest(identity)}:{int(time.time() // limit.seconds)}"


def _pair_keys(username: str, ip: str) -> tuple[str, str]:
    digest = _digest(username, ip)
    return f"login:pair:{digest}:n", f"login:pair:{digest}:at"


def normalise(username: str) -> str:
    return (username or "").strip().lower()


def pair_wait(failures: int) -> int:
    """Seconds an address waits after its ``failures``-th failure on one account."""
    if failures < PAIR_FREE_FAILURES:
        return 0
    return min(PAIR_MAX_WAIT, PAIR_FIRST_WAIT * 2 ** (failures - PAIR_FREE_FAILURES))


def seconds_to_wait(username: str, ip: str) -> int:
    """0 when this address may try this account now, else the seconds it must wait."""
    username = normalise(username)
    per_ip = configured("login-ip", LOGIN_FAILURES_PER_IP)
    if (cache.get(_window_key("ip", ip, per_ip)) or 0) >= per_ip.count:
        return retry_after(per_ip)
    count_key, at_key = _pair_keys(username, ip)
    failures = cache.get(count_key) or 0
    if failures:
        waited = time.time() - (cache.get(at_key) or 0)
        left = int(pair_wait(failures) - waited) + 1
        if left > 1:
            return left
        per_user = configured("login-user", LOGIN_FAILURES_PER_USER)
        if (cache.get(_window_key("user", username, per_user)) or 0) >= per_user.count:
            return retry_after(per_user)
    return 0


def _incr(key: str, timeout: int) -> None:
    if not cache.add(key, 1, timeout=timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=timeout)


def record_failure(username: str, ip: str) -> None:
    username = normalise(username)
    per_ip = configured("login-ip", LOGIN_FAILURES_PER_IP)
    per_user = configured("login-user", LOGIN_FAILURES_PER_USER)
    _incr(_window_key("ip", ip, per_ip), per_ip.seconds + 1)
    _incr(_window_key("user", username, per_user), per_user.seconds + 1)
    count_key, at_key = _pair_keys(username, ip)
    _incr(count_key, PAIR_MEMORY)
    cache.set(at_key, time.time(), PAIR_MEMORY)


def record_success(username: str, ip: str) -> None:
    cache.delete_many(list(_pair_keys(normalise(username), ip)))
