"""Personal information (个人信息保护法): phone numbers stored encrypted, looked up by keyed hash,
shown masked, and every full view logged by the caller through ``audit.record``.

Encryption uses Fernet (AES-128-CBC with HMAC-SHA256) with the keys of ``SHANGLIANG_FIELD_KEY``; the
lookup hash is an HMAC with ``SHANGLIANG_LOOKUP_KEY``. Both are required in production (start-up
stops without them); in development they are derived from ``SECRET_KEY``. Changing ``SECRET_KEY``
never touches stored data. Rotating: put the new field key first in ``SHANGLIANG_FIELD_KEY``
(comma-separated), keep the old ones after it, run ``manage.py rotate_field_keys``, then drop them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

logger = logging.getLogger(__name__)

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
    if phone == UNREADABLE:
        return UNREADABLE
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * len(phone)


def mask_text(text: str) -> str:
    """The one rule for every text a person without an account can see (pages, the API, exports,
    SMS): mobile numbers keep their first three and last four digits, identity card numbers their
    first six and last four characters."""
    text = _ID_IN_TEXT.sub(lambda m: f"{m.group(1)}********{m.group(3)[-4:]}", text or "")
    return _PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(4)}", text)


UNREADABLE = "无法解密"


class Unreadable(str):
    """A stored value no configured key can decrypt: shown as "无法解密", written back unchanged."""

    token: str

    def __new__(cls, token: str) -> Unreadable:
        value = super().__new__(cls, UNREADABLE)
        value.token = token
        return value


def _keys() -> list[bytes]:
    configured = getattr(settings, "SHANGLIANG_FIELD_KEY", "") or ""
    if configured:
        return [k.strip().encode() for k in configured.split(",") if k.strip()]
    derived = hashlib.sha256(("shangliang-field-key:" + settings.SECRET_KEY).encode()).digest()
    return [base64.urlsafe_b64encode(derived)]


def _lookup_key() -> bytes:
    configured = getattr(settings, "SHANGLIANG_LOOKUP_KEY", "") or ""
    if configured:
        return configured.encode()
    return hashlib.sha256(("shangliang-lookup:" + settings.SECRET_KEY).encode()).digest()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(value: str) -> str:
    if isinstance(value, Unreadable):
        return value.token
    if not value:
        return ""
    return _fernet(tuple(_keys())).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The clear value, or "" when there is none or no configured key opens it (logged: the keys
    are wrong or missing, and what was stored is not lost). ``reveal`` is for showing to staff."""
    if not token:
        return ""
    try:
        return _fernet(tuple(_keys())).decrypt(token.encode()).decode()
    except InvalidToken:
        logger.error("A stored personal field could not be decrypted: SHANGLIANG_FIELD_KEY lacks its key.")
        return ""


def reveal(token: str) -> str:
    """The clear value for a person to read: "无法解密" (never blank) when no key opens it."""
    if not token:
        return ""
    return decrypt(token) or UNREADABLE


def decrypt_or_unreadable(token: str) -> str:
    """For a model field: the clear value, or an ``Unreadable`` that saves back as the same token."""
    if not token:
        return ""
    try:
        return _fernet(tuple(_keys())).decrypt(token.encode()).decode()
    except InvalidToken:
        logger.error("A stored personal field could not be decrypted: SHANGLIANG_FIELD_KEY lacks its key.")
        return Unreadable(token)


def rotate(token: str) -> str:
    """The token encrypted again under the first key (raises ``InvalidToken`` when no key opens it)."""
    if not token:
        return ""
    return _fernet(tuple(_keys())).rotate(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """A keyed hash to find records by phone without storing the number in clear."""
    if not value:
        return ""
    return hmac.new(_lookup_key(), value.encode(), hashlib.sha256).hexdigest()
