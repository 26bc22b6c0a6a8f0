"""Pure rules of the intake: tracking codes, limits, sensitive words, public masking."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from shangliang.privacy.personal import mask_text

# Public masking is one rule for every surface, kept with the other personal-data rules.
mask_personal_text = mask_text

# No 0/O, 1/I/L: an elderly resident reading a code over the phone must not confuse characters.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

MIN_TEXT = 5
MAX_TEXT = 2000
MAX_PLACE = 200
MAX_PHOTOS = 6
MAX_PHOTO_MB = 10


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_tracking_code(raw: str) -> str:
    """What a person typed (lower case, spaces, dashes) to the stored form; '' when impossible."""
    code = re.sub(r"[\s\-_]", "", raw or "").upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return ""
    return code


def format_tracking_code(code: str) -> str:
    """Shown in two groups of four, easier to read out: "K7QM-3XTP"."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def sensitive_hits(text: str, words: Iterable[str]) -> list[str]:
    return sorted({w for w in words if w and w in text})


def new_public_id() -> str:
    """The random key of a concern's public address (its number would tell how many there are)."""
    return secrets.token_urlsafe(9)


# --- What the public may read: a proposal staff confirm or edit --------------------------------------
# The hundred commonest surnames: a name follows a self-introduction ("我是张建国") or a role word.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_NAME_AFTER = r"(我是|我叫|本人|我姓|姓名[:：]?|联系人[:：]?|业主|住户|居民|老人|阿婆|阿公)"
_NAME_RE = re.compile(
    _NAME_AFTER + r"\s*([" + _SURNAMES + r"])([\u4e00-\u9fff]{1,2})(?=[，。,.、；;！!\s住在是的家]|$)"
)
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d){8}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_ROOM_RE = re.compile(r"(\d+\s*单元\s*)?(\d{3,4})\s*(室|房|号房)")
_UNIT_ROOM_RE = re.compile(r"(\d+\s*单元\s*)(\d{3,4})(?!\d)")
_DASH_ROOM_RE = re.compile(r"(?<![\d-])(\d{1,2})-(\d{3,4})(?![\d-])")


def propose_public_text(text: str) -> str:
    """The concern's text with personal details masked, for staff to confirm or edit before it is
    public: identity and telephone numbers, personal names after self-introductions and role
    words, and door (room) numbers. Building numbers stay: they say where the problem is."""
    text = _ID_RE.sub("［身份证号已隐去］", text or "")
    text = _PHONE_RE.sub("［电话已隐去］", text)
    text = _LANDLINE_RE.sub("［电话已隐去］", text)
    text = _NAME_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}某", text)
    text = _ROOM_RE.sub(lambda m: f"{m.group(1) or ''}***{m.group(3)}", text)
    text = _UNIT_ROOM_RE.sub(lambda m: f"{m.group(1)}***", text)
    return _DASH_ROOM_RE.sub(lambda m: f"{m.group(1)}-***", text)
