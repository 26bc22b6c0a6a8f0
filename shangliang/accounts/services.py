"""Writes of accounts: two-step login (enrol, confirm, renew recovery codes, turn off, and an
administrator's reset). The devices are django-otp's; every change is audited on the account."""

from __future__ import annotations

from typing import Any

import django_otp
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.accounts import two_factor
from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied

WRONG_CODE = "验证码不正确：请输入身份验证器中当前显示的 6 位数字（手机时间须准确），或一个未用过的恢复码。"


def normalise_code(code: str) -> str:
    """Codes as people type them: spaces and dashes dropped, recovery codes in lower case."""
    return "".join(ch for ch in (code or "") if ch not in " -\u3000").lower()


def two_factor_verify(*, user: Any, code: str) -> Device | None:
    """The device that accepts ``code`` (the authenticator's 6 digits, or a recovery code, which is
    used up), or None. django-otp counts the device's failures and delays further tries."""
    code = normalise_code(code)
    if not code:
        return None
    model: type[Device] = TOTPDevice if code.isdigit() else StaticDevice
    device = model.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    return django_otp.verify_token(user, device.persistent_id, code)


def two_factor_begin(*, user: Any) -> TOTPDevice:
    """The authenticator being set up (a new secret, or the one set up but not confirmed yet)."""
    if two_factor.enrolled(user):
        raise ApplicationError("您已启用两步验证。")
    device = two_factor.totp_device(user, confirmed=False)
    return device or TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


def _new_recovery_codes(user: Any) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "恢复码", "confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(two_factor.RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_confirm(*, user: Any, code: str) -> tuple[TOTPDevice, list[str]]:
    """The first right code confirms the authenticator; returns it and the recovery codes, shown once."""
    code = normalise_code(code)
    codes: list[str] = []
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise ApplicationError("请先点击“开始设置”，扫描二维码后再输入验证码。", field="code")
        # A wrong code is counted on the device (django-otp's delay), so it must commit.
        accepted = device.verify_token(code)
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(user)
            audit.record(target=user, event_type="account.two_factor_enabled", actor=user)
    if not accepted:
        raise ApplicationError(WRONG_CODE, field="code")
    return device, codes


def two_factor_renew_codes(*, user: Any, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), on a right code from the authenticator."""
    if not normalise_code(code).isdigit() or two_factor_verify(user=user, code=code) is None:
        raise ApplicationError("请输入身份验证器中当前显示的 6 位数字。", field="code")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit.record(target=user, event_type="account.recovery_codes_renewed", actor=user)
    return codes


def _remove_devices(user: Any) -> int:
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    return removed + StaticDevice.objects.filter(user=user).delete()[0]


def two_factor_disable(*, user: Any, code: str) -> None:
    """The person turns two-step login off, proving it is them with a code."""
    if two_factor_verify(user=user, code=code) is None:
        raise ApplicationError(WRONG_CODE, field="code")
    with transaction.atomic():
        _remove_devices(user)
        audit.record(target=user, event_type="account.two_factor_disabled", actor=user)


def two_factor_reset(*, user: Any, actor: Any, reason: str) -> None:
    """An administrator removes someone's authenticator and recovery codes (a lost phone): they sign
    in with the password alone again, or enrol anew where it is required."""
    if not two_factor.is_administrator(actor) or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("只有系统管理员可以重置两步验证。")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请说明重置的原因。", field="reason")
    with transaction.atomic():
        if _remove_devices(user) == 0:
            raise ApplicationError(f"{user} 没有启用两步验证，无需重置。")
        audit.record(target=user, event_type="account.two_factor_reset", actor=actor, reason=reason[:300])
