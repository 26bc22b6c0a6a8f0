import pytest
from django.urls import reverse

from shangliang.accounts import throttle

RIGHT = "Test-pass-123"


def _login(client, username, password, ip="203.0.113.5", url=None):
    return client.post(
        url or reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_login_with_the_right_password_goes_to_the_staff_home(client, staff):
    response = _login(client, staff.username, RIGHT)
    assert response.status_code == 302
    assert response["Location"] == "/staff/"


@pytest.mark.django_db
def test_repeated_wrong_passwords_from_one_address_make_it_wait(client, staff):
    # when the password is guessed wrongly as many times as allowed without waiting, then once more
    statuses = [
        _login(client, staff.username, "wrong").status_code for _ in range(throttle.PAIR_FREE_FAILURES + 1)
    ]
    # then the last one is refused before the password is checked, and so is the right one after it
    assert statuses == [200] * throttle.PAIR_FREE_FAILURES + [429]
    response = _login(client, staff.username, RIGHT)
    assert response.status_code == 429
    assert "登录尝试过于频繁，请 1 分钟后再试。" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_wait_doubles_with_each_further_failure():
    assert [throttle.pair_wait(n) for n in range(1, 8)] == [0, 0, 30, 60, 120, 240, 480]
    assert throttle.pair_wait(40) == throttle.PAIR_MAX_WAIT


@pytest.mark.django_db
def test_successful_logins_are_not_counted(client, staff):
    # when a person signs in and out many times
    for _ in range(12):
        assert _login(client, staff.username, RIGHT).status_code == 302
        client.logout()
    # then nothing holds them back
    assert throttle.seconds_to_wait(staff.username, "203.0.113.5") == 0


@pytest.mark.django_db
def test_a_guesser_cannot_lock_the_owner_out_from_a_clean_address(client, staff, settings):
    # given someone failing on an account from many addresses, past the per-account limit
    settings.SHANGLIANG = {**settings.SHANGLIANG, "RATE_LIMITS": {"login-user": (5, 3600)}}
    for n in range(8):
        _login(client, staff.username.upper(), "wrong", ip=f"198.51.100.{n}")
    assert _login(client, staff.username, RIGHT, ip="198.51.100.1").status_code == 429
    # when the owner types the right password from an address that has not failed
    response = _login(client, staff.username, RIGHT, ip="192.0.2.77")
    # then they are signed in
    assert response.status_code == 302


@pytest.mark.django_db
def test_rotating_the_forwarded_header_does_not_reset_the_count(client, staff):
    # given no trusted proxy (the default)
    for n in range(throttle.PAIR_FREE_FAILURES):
        client.post(
            reverse("accounts:login"),
            {"username": staff.username, "password": "wrong"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    # when the guesser sends yet another made-up address
    response = client.post(
        reverse("accounts:login"),
        {"username": staff.username, "password": RIGHT},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    # then the connection's address is the one counted
    assert response.status_code == 429


@pytest.mark.django_db
def test_the_admin_login_is_limited_like_the_staff_login(client, admin_user):
    url = "/admin/login/?next=/admin/"
    # when 30 wrong passwords are tried on the admin site, then the right one
    statuses = {_login(client, admin_user.username, "wrong", url=url).status_code for _ in range(30)}
    response = _login(client, admin_user.username, RIGHT, url=url)
    # then the guesses were slowed down and the right password did not get through
    assert statuses == {200, 429}
    assert response.status_code == 429
    assert "登录尝试过于频繁" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_admin_login_works_with_the_right_password(client, admin_user):
    response = _login(client, admin_user.username, RIGHT, url="/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)
