"""One-time codes sent by SMS to prove a person holds a phone (listing their concerns, deleting their
contact data). Codes live only in the cache, hashed; five wrong tries lock the phone for a while.

The tries are counted in the database (``CodeAttempts``) by a conditional UPDATE that claims a try
before the code is compared: however many guesses arrive at once, on however many app servers, at
most ``MAX_ATTEMPTS`` are ever compared with a code."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from shangliang.core.errors import ApplicationError
from shangliang.core.models import CodeAttempts
from shangliang.privacy.ratelimit import Limit, allow

CODE_TTL = 10 * 60
MAX_ATTEMPTS = 5
LOCK_SECONDS = 15 * 60
SEND_LIMIT = Limit(count=5, seconds=3600)
RESEND_GAP = 60


def _digest(purpose: str, phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _key(kind: str, purpose: str, phone: str) -> str:
    return f"otp:{kind}:{purpose}:{hashlib.sha256(phone.encode()).hexdigest()[:24]}"


def _attempts_key(purpose: str, phone: str) -> str:
    return f"{purpose[:30]}:{hashlib.sha256(phone.encode()).hexdigest()[:24]}"


def issue(purpose: str, phone: str) -> str:
    """A new 6-digit code for ``phone``; raises with a Chinese reason when asked too often."""
    if cache.get(_key("lock", purpose, phone)):
        raise ApplicationError("验证码错误次数过多，请 15 分钟后再试。", code="locked")
    if cache.get(_key("gap", purpose, phone)):
        raise ApplicationError("验证码已发送，请 1 分钟后再重新获取。", code="rate_limited")
    if not allow(f"otp-send-{purpose}", phone, SEND_LIMIT):
        raise ApplicationError("获取验证码过于频繁，请一小时后再试。", code="rate_limited")
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    CodeAttempts.objects.filter(expires_at__lt=now).delete()
    CodeAttempts.objects.update_or_create(
        key=_attempts_key(purpose, phone),
        defaults={"tries": 0, "expires_at": now + dt.timedelta(seconds=CODE_TTL)},
    )
    cache.set(_key("code", purpose, phone), {"digest": _digest(purpose, phone, code)}, CODE_TTL)
    cache.set(_key("gap", purpose, phone), 1, RESEND_GAP)
    return code


def _claim_try(purpose: str, phone: str) -> int | None:
    """Count one try at the current code; its number, or None when every try is used up."""
    with transaction.atomic():
        row = CodeAttempts.objects.select_for_update().filter(key=_attempts_key(purpose, phone)).first()
        if row is None or row.tries >= MAX_ATTEMPTS:
            return None
        row.tries += 1  # the row is locked: this number is this try's, not a later one's
        row.save(update_fields=["tries"])
        return int(row.tries)


def _lock(purpose: str, phone: str) -> ApplicationError:
    cache.delete(_key("code", purpose, phone))
    cache.set(_key("lock", purpose, phone), 1, LOCK_SECONDS)
    return ApplicationError("验证码错误次数过多，请 15 分钟后再试。", field="code", code="locked")


def verify(purpose: str, phone: str, code: str) -> None:
    """Accept the code once, or raise ``ApplicationError`` saying why (wrong, expired, locked)."""
    if cache.get(_key("lock", purpose, phone)):
        raise ApplicationError("验证码错误次数过多，请 15 分钟后再试。", field="code", code="locked")
    stored = cache.get(_key("code", purpose, phone))
    if stored is None:
        raise ApplicationError("验证码已过期或未获取，请重新获取验证码。", field="code", code="expired")
    tries = _claim_try(purpose, phone)
    if tries is None:
        raise _lock(purpose, phone)
    if hmac.compare_digest(stored["digest"], _digest(purpose, phone, (code or "").strip())):
        cache.delete(_key("code", purpose, phone))
        CodeAttempts.objects.filter(key=_attempts_key(purpose, phone)).delete()
        return
    if tries >= MAX_ATTEMPTS:
        raise _lock(purpose, phone)
    left = MAX_ATTEMPTS - tries
    raise ApplicationError(f"验证码不正确，还可以再试 {left} 次。", field="code", code="wrong")
