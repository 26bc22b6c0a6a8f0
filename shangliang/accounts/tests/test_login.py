import pytest
from django.urls import reverse

from shangliang.accounts import views


@pytest.mark.django_db
def test_login_with_the_right_password_goes_to_the_staff_home(client, staff):
    response = client.post(
        reverse("accounts:login"), {"username": staff.username, "password": "Test-pass-123"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/"


@pytest.mark.django_db
def test_repeated_wrong_passwords_are_slowed_down(client, staff, monkeypatch):
    # given a limit of 3 attempts per account
    monkeypatch.setattr(views, "LOGIN_LIMIT_PER_USER", views.Limit(count=3, seconds=600))
    data = {"username": staff.username, "password": "wrong"}
    # when the password is guessed four times
    statuses = [client.post(reverse("accounts:login"), data).status_code for _ in range(4)]
    # then the fourth is refused with a Chinese reason, even with the right password after it
    assert statuses == [200, 200, 200, 429]
    response = client.post(
        reverse("accounts:login"), {"username": staff.username, "password": "Test-pass-123"}
    )
    assert response.status_code == 429
    assert "登录尝试过于频繁，请" in response.content.decode()
    assert "_auth_user_id" not in client.session
