"""SMS backends, chosen by dotted path in ``SHANGLIANG_SMS_BACKEND``.

A backend sends one text and returns the gateway's message id, or raises ``SmsSendError`` with a
message for the outbox row. ``request_id`` is the same on every attempt for one message, so a
gateway that deduplicates on it never delivers a retried message twice.
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from shangliang.privacy.personal import mask_phone

logger = logging.getLogger(__name__)


class SmsSendError(Exception):
    """The gateway did not accept the message; ``str(error)`` is recorded on the outbox row."""


class BaseSmsBackend:
    def send(self, *, phone: str, text: str, request_id: str) -> str:
        raise NotImplementedError


def get_backend() -> BaseSmsBackend:
    backend_class = import_string(settings.SHANGLIANG_SMS_BACKEND)
    return backend_class()


def signed(text: str) -> str:
    return f"【{settings.SHANGLIANG_SMS_SIGN}】{text}"


# Messages the in-memory backend has "sent", for tests: dicts with phone, text, request_id.
outbox: list[dict[str, str]] = []


class LocmemSmsBackend(BaseSmsBackend):
    """For tests: keeps each message in ``outbox``."""

    def send(self, *, phone: str, text: str, request_id: str) -> str:
        outbox.append({"phone": phone, "text": signed(text), "request_id": request_id})
        return f"locmem-{len(outbox)}"


class ConsoleFileBackend(BaseSmsBackend):
    """For development: prints each message and appends it to ``SHANGLIANG_SMS_LOG``, number masked."""

    def send(self, *, phone: str, text: str, request_id: str) -> str:
        line = f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {mask_phone(phone)} {request_id} {signed(text)}"
        sys.stdout.write(f"[短信] {line}\n")
        sys.stdout.flush()
        log_path = Path(settings.SHANGLIANG_SMS_LOG)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("a", encoding="utf-8") as log:
            log.write(line.replace("\n", " ") + "\n")
        return f"console-{request_id}"


class HttpSmsBackend(BaseSmsBackend):
    """A real gateway: POST JSON ``{phone, text, sign, request_id}`` with a bearer token.

    Success is a 2xx answer whose JSON body has no ``code`` or ``code`` 0; the gateway's id is
    taken from ``message_id`` (or ``id``). Anything else raises ``SmsSendError``, including a 2xx
    answer that is not JSON: acceptance cannot be confirmed, and the retry carries the same
    ``request_id``.
    """

    def __init__(self) -> None:
        self.url = settings.SHANGLIANG_SMS_HTTP_URL
        self.token = settings.SHANGLIANG_SMS_HTTP_TOKEN
        self.timeout = settings.SHANGLIANG_SMS_HTTP_TIMEOUT

    def send(self, *, phone: str, text: str, request_id: str) -> str:
        if not self.url:
            raise SmsSendError("未配置短信网关地址 SHANGLIANG_SMS_HTTP_URL")
        payload = {
            "phone": phone,
            "text": text,
            "sign": settings.SHANGLIANG_SMS_SIGN,
            "request_id": request_id,
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise SmsSendError(f"HTTP {error.code}: {_snippet(error.read())}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsSendError(f"网关无法连接或超时: {reason}") from error
        try:
            body: Any = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise SmsSendError(f"网关返回的不是JSON: {_snippet(raw)}") from error
        if not isinstance(body, dict):
            raise SmsSendError(f"网关返回的不是JSON对象: {_snippet(raw)}")
        code = body.get("code", 0)
        if code not in (0, "0", None):
            raise SmsSendError(
                f"网关拒绝 code={code}: {body.get('message') or body.get('msg') or ''}".strip()
            )
        return str(body.get("message_id") or body.get("id") or "")


def _snippet(raw: bytes) -> str:
    return raw[:200].decode("utf-8", errors="replace")
