import subprocess
import sys

import pytest
from django.urls import reverse

from shangliang.core import registry
from shangliang.core.registry import TodoItem
from shangliang.core.scope import scope_of


@pytest.mark.django_db
def test_staff_home_needs_a_login(client):
    response = client.get(reverse("core:staff-home"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/"


@pytest.mark.django_db
def test_staff_home_shows_the_to_do_items_of_the_person(client, staff, monkeypatch):
    # given a provider that gives staff one item
    def provider(user):
        if user.role == "staff":
            yield TodoItem(title="待研判诉求", url="/x/", count=3, severity="warning")

    monkeypatch.setattr(registry, "_todo_providers", [provider])
    client.force_login(staff)
    # when
    response = client.get(reverse("core:staff-home"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "待研判诉求" in html
    assert '<span class="count">3</span>' in html


@pytest.mark.django_db
def test_staff_home_with_nothing_to_do_says_so(client, staff, monkeypatch):
    monkeypatch.setattr(registry, "_todo_providers", [])
    client.force_login(staff)
    response = client.get(reverse("core:staff-home"))
    assert "目前没有需要您处理的事项。" in response.content.decode()


@pytest.mark.django_db
def test_navigation_is_filtered_by_role(monkeypatch, staff, grid_worker):
    monkeypatch.setattr(registry, "_nav", [])
    registry.register_nav("议事室", "core:healthz", ["staff"])
    assert [e.label for e in registry.nav_for(scope_of(staff))] == ["议事室"]
    assert registry.nav_for(scope_of(grid_worker)) == []


@pytest.mark.django_db
def test_large_text_choice_is_kept_in_a_cookie(client):
    # when the switch is used without JavaScript
    response = client.post(reverse("core:text-size"), {"size": "large", "next": "/"})
    # then the page comes back in large text, and the choice persists
    assert response.status_code == 302
    assert response.cookies["sl_text"].value == "large"
    page = client.get("/")
    assert b'class="text-large"' in page.content


@pytest.mark.django_db
def test_text_size_switch_does_not_redirect_off_site(client):
    response = client.post(reverse("core:text-size"), {"size": "normal", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_production_mode_without_secrets_stops_with_a_clear_message():
    # given production mode and no secret key or allowed hosts
    env = {"DJANGO_DEBUG": "0", "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"}
    # when
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # then
    assert result.returncode != 0
    assert (
        "Production mode (DJANGO_DEBUG=0) needs these environment variables: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, "
        "SHANGLIANG_SITE_URL" in result.stderr
    )
