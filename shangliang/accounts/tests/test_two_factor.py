"""Two-step login: enrolment from 账号安全, the code after the password, recovery codes, wrong codes
counted by the login throttle, administrators made to enrol where required, and a reset by an
administrator that is audited."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.accounts import services, throttle, two_factor
from shangliang.core.errors import PermissionDenied
from shangliang.core.models import AuditEvent

pytestmark = pytest.mark.django_db

RIGHT = "Test-pass-123"
IP = "203.0.113.7"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def enrol(client: Client, user: Any) -> list[str]:
    """Enrol ``user`` through the 账号安全 page; returns the recovery codes it showed."""
    client.force_login(user)
    client.post(reverse("accounts:security"), {"action": "begin"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:security"), {"action": "confirm", "code": code_for(device)})
    assert response.status_code == 302
    page = client.get(reverse("accounts:security")).content.decode()
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)


def password(client: Client, user: Any, url: str | None = None) -> Any:
    return client.post(
        url or reverse("accounts:login"), {"username": user.username, "password": RIGHT}, REMOTE_ADDR=IP
    )


def code(client: Client, value: str) -> Any:
    return client.post(reverse("accounts:login-code"), {"code": value}, REMOTE_ADDR=IP)


@pytest.fixture
def required(settings: Any) -> None:
    settings.SHANGLIANG = {**settings.SHANGLIANG, "REQUIRE_ADMIN_2FA": True}


def test_a_staff_member_enrols_from_their_account_page(client, staff):
    # given a signed-in staff member on 账号安全
    client.force_login(staff)
    page = client.get(reverse("accounts:security")).content.decode()
    assert "未启用" in page
    # when they start: a QR code and the secret in text are shown
    client.post(reverse("accounts:security"), {"action": "begin"})
    page = client.get(reverse("accounts:security")).content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert "<svg" in page
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None
    assert device.config_url.split("secret=")[1].split("&")[0] == secret.group(1).replace(" ", "")
    # when a wrong code is given, then a Chinese reason and nothing confirmed
    wrong = client.post(reverse("accounts:security"), {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400
    assert services.WRONG_CODE in wrong.content.decode()
    assert not two_factor.enrolled(staff)
    # when the right code is given (after the device's short delay following a wrong one)
    with time_machine.travel(time.time() + 5, tick=False):
        done = client.post(reverse("accounts:security"), {"action": "confirm", "code": code_for(device)})
    assert done.status_code == 302
    # then ten recovery codes are shown once, and the enrolment is audited
    first = client.get(reverse("accounts:security")).content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", first)
    assert len(shown) == 10
    assert sorted(shown) == sorted(StaticToken.objects.values_list("token", flat=True))
    assert "<code>" + shown[0] not in client.get(reverse("accounts:security")).content.decode()
    assert list(AuditEvent.objects.values_list("event_type", "actor")) == [
        ("account.two_factor_enabled", staff.pk)
    ]


def test_after_enrolment_the_login_asks_for_the_code_after_the_password(client, staff):
    enrol(client, staff)
    client.logout()
    device = TOTPDevice.objects.get(user=staff)
    with time_machine.travel(time.time() + 60, tick=False) as clock:
        # when the right password is given
        response = password(client, staff)
        # then the code is asked for, and nobody is signed in yet
        assert response["Location"] == reverse("accounts:login-code")
        assert "_auth_user_id" not in client.session
        assert client.get(reverse("core:staff-home")).status_code == 302
        # when a wrong code is given
        wrong = code(client, "123 456" if code_for(device) != "123456" else "654321")
        # then a clear Chinese error, still not signed in
        assert wrong.status_code == 400
        assert "验证码不正确" in wrong.content.decode()
        assert "_auth_user_id" not in client.session
        # when the right code is given a few seconds later
        clock.shift(5)
        right = code(client, code_for(device))
    # then they are signed in, verified, and go where they were going
    assert right.status_code == 302
    assert right["Location"] == "/staff/"
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get(reverse("core:staff-home")).status_code == 200


def test_without_enrolment_the_password_alone_signs_in(client, staff):
    response = password(client, staff)
    assert response["Location"] == "/staff/"
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_a_recovery_code_signs_in_once(client, staff):
    codes = enrol(client, staff)
    client.logout()
    password(client, staff)
    response = code(client, codes[0].upper())
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert StaticToken.objects.count() == 9
    # the same code does not work a second time
    client.logout()
    password(client, staff)
    again = code(client, codes[0])
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session


def test_wrong_codes_are_counted_by_the_login_throttle(client, staff):
    enrol(client, staff)
    client.logout()
    device = TOTPDevice.objects.get(user=staff)
    with time_machine.travel(time.time() + 60, tick=False):
        password(client, staff)
        # when as many wrong codes as are allowed without waiting are given
        statuses = [code(client, "00000" + str(n)).status_code for n in range(throttle.PAIR_FREE_FAILURES)]
        # then the right code must wait too, and so must the password from this address
        assert statuses == [400] * throttle.PAIR_FREE_FAILURES
        refused = code(client, code_for(device))
        assert refused.status_code == 429
        assert "验证尝试过于频繁，请 1 分钟后再试。" in refused.content.decode()
        assert password(client, staff).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_pending_login_expires(client, staff):
    enrol(client, staff)
    client.logout()
    password(client, staff)
    with time_machine.travel(time.time() + two_factor.PENDING_SECONDS + 1, tick=False):
        response = code(client, "123456")
    assert response["Location"] == reverse("accounts:login")


def test_the_admin_site_login_asks_for_the_code_too(client, admin_user):
    enrol(client, admin_user)
    client.logout()
    response = password(client, admin_user, url="/admin/login/?next=/admin/")
    assert response["Location"] == reverse("accounts:login-code")
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_administrator_must_enrol_before_anything_else_where_required(client, admin_user, required):
    # given an administrator signed in with the password alone
    assert password(client, admin_user, url="/admin/login/?next=/admin/").status_code == 302
    # then every page sends them to enrolment, the admin site and the API included
    security = reverse("accounts:security")
    assert client.get(reverse("core:staff-home"))["Location"] == security
    assert client.get("/admin/")["Location"] == security
    api = client.get("/api/v1/topics")
    assert (api.status_code, api.json()) == (403, {"detail": "管理员账号须先启用两步验证。"})
    page = client.get(security)
    assert page.status_code == 200
    assert "系统管理员账号必须启用两步验证" in page.content.decode()
    # when they enrol, then they may work
    enrol(client, admin_user)
    assert client.get(reverse("core:staff-home")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_an_enrolled_administrator_whose_session_has_no_code_signs_in_again(client, admin_user, required):
    enrol(Client(), admin_user)
    client.force_login(admin_user)
    response = client.get(reverse("core:staff-home"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_staff_are_not_made_to_enrol_and_administrators_are_not_in_development(
    client, staff, admin_user, required, settings
):
    client.force_login(staff)
    assert client.get(reverse("core:staff-home")).status_code == 200
    settings.SHANGLIANG = {**settings.SHANGLIANG, "REQUIRE_ADMIN_2FA": False}
    client.force_login(admin_user)
    assert client.get(reverse("core:staff-home")).status_code == 200


def test_a_person_turns_two_step_login_off_with_a_code(client, staff):
    codes = enrol(client, staff)
    response = client.post(reverse("accounts:security"), {"action": "disable", "code": "999999"})
    assert response.status_code == 400
    assert two_factor.enrolled(staff)
    client.post(reverse("accounts:security"), {"action": "disable", "code": codes[1]})
    assert not two_factor.enrolled(staff)
    assert (TOTPDevice.objects.count(), StaticDevice.objects.count()) == (0, 0)
    assert AuditEvent.objects.filter(event_type="account.two_factor_disabled", actor=staff).count() == 1


def test_an_administrator_resets_a_lost_authenticator_with_an_audit_event(client, staff, admin_user):
    enrol(Client(), staff)
    # when someone who is not an administrator tries, then nothing changes
    with pytest.raises(PermissionDenied):
        services.two_factor_reset(user=staff, actor=staff, reason="手机丢失")
    assert two_factor.enrolled(staff)
    # when an administrator uses the reset in the admin site
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [staff.pk]},
    )
    # then the authenticator and recovery codes are gone and the reset is audited
    assert response.status_code == 302
    assert not two_factor.enrolled(staff)
    assert StaticToken.objects.count() == 0
    event = AuditEvent.objects.get(event_type="account.two_factor_reset")
    assert (event.actor_id, event.object_id, event.reason) == (
        admin_user.pk,
        str(staff.pk),
        "管理后台重置（手机丢失或更换）",
    )
    # and the staff member signs in with the password alone again
    client.logout()
    assert password(client, staff)["Location"] == "/staff/"
