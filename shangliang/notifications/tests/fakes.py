"""SMS backends for tests, referred to by dotted path in ``SHANGLIANG_SMS_BACKEND``."""

from __future__ import annotations

from shangliang.notifications.sms import BaseSmsBackend, SmsSendError

calls: list[str] = []


class RejectingSmsBackend(BaseSmsBackend):
    """A gateway that refuses everything and echoes the number in its message, as some do."""

    def send(self, *, phone: str, text: str, request_id: str) -> str:
        calls.append(request_id)
        raise SmsSendError(f"网关拒绝 code=1001: 号码 {phone} 余额不足")


class CrashingSmsBackend(BaseSmsBackend):
    def send(self, *, phone: str, text: str, request_id: str) -> str:
        raise RuntimeError("connection reset")
