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
# The same numbers and resident identity card numbers (18 characters) inside free text, also when
# typed with spaces or dashes between the groups ("138 1234 5678", "138-1234-5678").
_SEP = r"[ \-－\u3000]?"
_PHONE_IN_TEXT = re.compile(rf"(?<!\d)((?:\+?86{_SEP})?)(1[3-9]\d){_SEP}(\d{{4}}){_SEP}(\d{{4}})(?!\d)")
_ID_IN_TEXT = re.compile(rf"(?<![0-9Xx])(\d{{6}}){_SEP}(\d{{8}}){_SEP}(\d{{3}}[\dXx])(?![0-9Xx])")


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


def mask_text(text: str) -> str:
    """The one rule for every text a person without an account can see (pages, the API, exports,
    SMS): mobile numbers keep their first three and last four digits, identity card numbers their
    first six and last four characters."""
    text = _ID_IN_TEXT.sub(lambda m: f"{m.group(1)}********{m.group(3)[-4:]}", text or "")
    return _PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(4)}", text)


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
