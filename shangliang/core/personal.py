"""Personal information (个人信息保护法): phone numbers stored encrypted, looked up by keyed hash,
shown masked, and every full view logged by the caller through ``audit.record``.

Encryption uses Fernet (AES-128-CBC with HMAC-SHA256) with a key from ``SHANGLIANG_FIELD_KEY``, or
derived from ``SECRET_KEY`` when that is not set. Rotating keys: put the new key first in
``SHANGLIANG_FIELD_KEY`` (comma-separated) and keep the old ones after it until re-encrypted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# Mainland China mobile numbers: 11 digits starting with 13–19.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class InvalidPhone(ValueError):
    pass


def normalize_mobile(raw: str) -> str:
    """Digits only, without +86 / 0086; raises ``InvalidPhone`` with a Chinese message."""
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not MOBILE_RE.match(digits):
        raise InvalidPhone("请输入正确的11位大陆手机号码，例如 13812345678。")
    return digits


def mask_phone(phone: str) -> str:
    """138****1234: enough for a person to recognise their own number, not enough to call it."""
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * len(phone)


def _keys() -> list[bytes]:
    configured = getattr(settings, "SHANGLIANG_FIELD_KEY", "") or ""
    if configured:
        return [k.strip().encode() for k in configured.split(",") if k.strip()]
    derived = hashlib.sha256(("shangliang-field-key:" + settings.SECRET_KEY).encode()).digest()
    return [base64.urlsafe_b64encode(derived)]


@lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(tuple(_keys())).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(tuple(_keys())).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def lookup_hash(value: str) -> str:
    """A keyed hash to find records by phone without storing the number in clear."""
    if not value:
        return ""
    key = hashlib.sha256(("shangliang-lookup:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
