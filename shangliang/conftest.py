"""Fixtures shared by every app: a small district, one persona per role, and the browser harness."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from shangliang.accounts.tests.factories import UserFactory
from shangliang.core.roles import Role
from shangliang.places.models import Region
from shangliang.places.tests import factories as pf

CHROMIUM = os.environ.get("SHANGLIANG_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Rate-limit counters and one-time codes live in the cache; no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _empty_sms_outbox() -> Iterator[None]:
    """The in-memory SMS backend's sent list: each test sees only its own messages."""
    from shangliang.notifications import sms

    sms.outbox.clear()
    yield
    sms.outbox.clear()


@dataclass
class District:
    """区 → 2 街道 → 2 村/社区 each → 2 网格 each. ``a`` is the first street's first community."""

    district: Region
    street_a: Region
    street_b: Region
    community_a: Region
    community_a2: Region
    community_b: Region
    grid_a: Region
    grid_b: Region


@pytest.fixture
def district(db: None) -> District:
    root = pf.district("海城区")
    street_a = pf.street(root, "中街街道")
    street_b = pf.street(root, "高德街道")
    community_a = pf.community(street_a, "政法路社区")
    community_a2 = pf.community(street_a, "铜鼓里社区")
    community_b = pf.community(street_b, "赤西村")
    grid_a = pf.grid(community_a, "政法路第1网格")
    pf.grid(community_a2, "铜鼓里第1网格")
    grid_b = pf.grid(community_b, "赤西村第1网格")
    return District(root, street_a, street_b, community_a, community_a2, community_b, grid_a, grid_b)


def _persona(role: str, region: Region | None, **extra: Any) -> Any:
    return UserFactory(role=role, region=region, username=f"{role}-{region.pk if region else 'all'}", **extra)


@pytest.fixture
def resident(district: District) -> Any:
    return _persona(Role.RESIDENT, None)


@pytest.fixture
def grid_worker(district: District) -> Any:
    return _persona(Role.GRID_WORKER, district.grid_a)


@pytest.fixture
def secretary(district: District) -> Any:
    return _persona(Role.SECRETARY, district.community_a)


@pytest.fixture
def member(district: District) -> Any:
    return _persona(Role.MEMBER, district.district, member=pf.MemberFactory(name="邵响亮"))


@pytest.fixture
def staff(district: District) -> Any:
    return _persona(Role.STAFF, district.district)


@pytest.fixture
def street_staff(district: District) -> Any:
    return _persona(Role.STAFF, district.street_a)


@pytest.fixture
def reviewer(district: District) -> Any:
    return _persona(Role.REVIEWER, district.district)


@pytest.fixture
def department_officer(district: District) -> Any:
    return _persona(Role.OFFICER, district.district, organisation=pf.OrganisationFactory(name="区住建局"))


@pytest.fixture
def admin_user(district: District) -> Any:
    return _persona(Role.ADMIN, None, is_staff=True)


# --- Browser harness -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium).")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
    # one unless told it is safe, which it is here (one thread drives the browser, the live server
    # serves from its own thread).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@contextmanager
def browser_page(browser: Any, base_url: str, device: dict[str, Any]) -> Iterator[Any]:
    """A page of its own browser context (no cookies shared) on ``base_url``."""
    context = browser.new_context(base_url=base_url, locale="zh-CN", **device)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    with browser_page(browser, live_server.url, PHONE) as page:
        yield page


@pytest.fixture
def desktop_page(browser: Any, live_server: Any) -> Iterator[Any]:
    with browser_page(browser, live_server.url, DESKTOP) as page:
        yield page


def login_in_browser(page: Any, username: str, password: str = "Test-pass-123") -> None:
    """Sign in through the real login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
