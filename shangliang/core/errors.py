"""Errors that services raise. Their message is Chinese and safe to show to the person acting."""

from __future__ import annotations


class ApplicationError(Exception):
    """A request that the rules refuse. ``message`` is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class PermissionDenied(ApplicationError):
    def __init__(self, message: str = "您没有权限执行此操作。") -> None:
        super().__init__(message, code="permission_denied")


class TransitionNotAllowed(ApplicationError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="transition_not_allowed")


class ConcurrentChange(ApplicationError):
    def __init__(self, message: str = "该记录刚刚已被他人修改，请刷新页面查看最新内容后再操作。") -> None:
        super().__init__(message, code="concurrent_change")
