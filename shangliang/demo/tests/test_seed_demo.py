import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max
from django.test import TestCase, override_settings

from shangliang.accounts.models import User
from shangliang.concerns.models import Concern
from shangliang.core.models import AuditEvent
from shangliang.core.scope import scope_of
from shangliang.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from shangliang.notifications import links
from shangliang.notifications.models import Channel, OutboxMessage
from shangliang.places import selectors
from shangliang.places.models import (
    ActivityGroup,
    ActivityGroupMembership,
    Member,
    Organisation,
    Region,
    Room,
    RoomSchedule,
    RoomStandardCheck,
)

SITE = "https://sl.example.gov.cn"


@pytest.fixture(scope="module")
def demo_district(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[None]:
    """The demo district, built once for the module (on a public address) inside a transaction
    rolled back afterwards; each test's own transaction nests inside it."""
    media = tmp_path_factory.mktemp("demo-media")
    with (
        override_settings(MEDIA_ROOT=media, SHANGLIANG_SITE_URL=SITE),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", "--quiet-logins", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_district")]

MODELS = (
    Region,
    Organisation,
    Member,
    ActivityGroup,
    ActivityGroupMembership,
    Room,
    RoomStandardCheck,
    RoomSchedule,
    User,
    Concern,
    AuditEvent,
)


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def state() -> dict[str, tuple[int, object]]:
    result: dict[str, tuple[int, object]] = {}
    for model in MODELS:
        stamp = "updated_at" if hasattr(model, "updated_at") else "pk"
        result[model.__name__] = (model.objects.count(), model.objects.aggregate(last=Max(stamp))["last"])
    return result


def test_seed_demo_builds_the_region_tree():
    levels = dict(Region.objects.values_list("level").annotate(n=Count("pk")))
    assert levels == {"province": 1, "city": 1, "district": 1, "street": 7, "community": 51, "grid": 520}
    assert list(
        Region.objects.filter(level="street").order_by("sort_order").values_list("name", flat=True)
    ) == [
        "中街街道",
        "东街街道",
        "西街街道",
        "地角街道",
        "高德街道",
        "驿马街道",
        "海角街道",
    ]
    assert Region.objects.get(name="赤西村").parent.name == "高德街道"
    assert Region.objects.get(name="赤西村").community_kind == "village"
    assert Region.objects.filter(level="grid", leader_name="").count() == 0


def test_seed_demo_sets_every_path_from_the_parent():
    parents = {r.pk: r for r in Region.objects.all()}
    wrong = [
        r.name
        for r in parents.values()
        if r.path != (parents[r.parent_id].path if r.parent_id else "/") + f"{r.pk}/"
    ]
    assert wrong == []


def test_seed_demo_builds_rooms_with_checks_and_schedules():
    assert dict(Room.objects.values_list("kind").annotate(n=Count("pk"))) == {
        "street": 5,
        "community": 9,
        "enterprise": 3,
    }
    room = Room.objects.get(name="政法路社区“珠事好商量”协商议事室")
    assert room.region.name == "政法路社区"
    assert sorted(room.schedules.values_list("name", flat=True)) == ["二五议事", "逢十说事"]
    assert RoomStandardCheck.objects.count() == 17 * 4
    staff = User.objects.get(username="demo_staff")
    assert sorted(selectors.rooms_with_incomplete_checks(scope_of(staff)).values_list("name", flat=True)) == [
        "南珠市场商户协商议事室",
        "驿马村协商议事室",
        "高德街道协商议事室",
    ]


def test_seed_demo_builds_members_groups_and_organisations():
    assert dict(Member.objects.values_list("level").annotate(n=Count("pk"))) == {
        "region": 8,
        "city": 30,
        "district": 82,
    }
    assert Member.objects.get(name="邵响亮").work_unit == "海城区消防救援大队大队长"
    assert ActivityGroup.objects.count() == 50
    staff = User.objects.get(username="demo_staff")
    gaps = [
        (r.community.name, r.status) for r in selectors.coverage_for_user(scope_of(staff)) if r.status != "ok"
    ]
    assert gaps == [("新港社区", "missing"), ("金海岸社区", "short")]
    kinds = dict(Organisation.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds == {
        "cppcc_body": 4,
        "special_committee": 6,
        "sector": 16,
        "party": 8,
        "government": 8,
        "department": 12,
        "linked_body": 3,
    }
    assert (
        Organisation.objects.get(name="海城区消防救援大队").categories
        == "消防、飞线充电、电动车充电、安全隐患"
    )


def test_seed_demo_creates_one_login_per_role_and_prints_them():
    # when it runs again on the built district
    output = seed()

    # then
    for login in DEMO_LOGINS:
        user = authenticate(username=login.username, password=DEMO_PASSWORD)
        assert user is not None, login.username
        assert (user.role, user.display_name) == (login.role, login.display_name)
        assert login.username in output
    assert User.objects.get(username="demo_member").member.name == "邵响亮"
    assert User.objects.get(username="demo_secretary").region.name == "政法路社区"
    assert User.objects.get(username="demo_admin").is_superuser is True
    assert "shangliang2026" in output


def test_seed_demo_twice_changes_nothing():
    # given the district built once
    before = state()

    # when
    seed()

    # then (AuditEvent is in the state: the second run wrote none)
    assert state() == before


@pytest.mark.parametrize(
    "url_name",
    [
        "places:region-tree",
        "places:organisation-list",
        "places:member-list",
        "places:group-list",
        "places:coverage",
        "places:room-list",
        "places:room-public-list",
        "core:staff-home",
    ],
)
def test_demo_pages_open_for_the_demo_staff(client, url_name):
    from django.urls import reverse

    client.force_login(User.objects.get(username="demo_staff"))

    response = client.get(reverse(url_name))

    assert response.status_code == 200


def test_seed_demo_builds_concerns_in_every_intake_state():
    # then the article's cases and everyday matters are there, through every entry channel
    from shangliang.demo.builders.concerns import CONCERNS

    concerns = Concern.objects.filter(client_token__in=[f"demo:{c.key}" for c in CONCERNS])
    assert concerns.count() == 16
    assert set(concerns.values_list("channel", flat=True)) == {
        "online",
        "phone",
        "door",
        "paper",
        "hotline",
        "site",
    }
    assert concerns.filter(needs_review=True).count() == 1
    assert concerns.filter(supporters_count__gt=0).count() == 6
    assert concerns.filter(photos__isnull=False).distinct().count() == 4
    assert concerns.filter(followups__isnull=False).count() == 1
    assert AuditEvent.objects.filter(event_type="concern.contact_deleted").count() == 1
    assert concerns.filter(category__isnull=True).count() <= 2


def test_every_sms_the_demo_sends_links_to_the_public_address():
    # given the demo district built on a public address (submits, decisions, meetings, sign-ups,
    # evaluations)
    # then every SMS link is absolute on that address, and the resident ones carry one
    bodies = list(OutboxMessage.objects.filter(channel=Channel.SMS).values_list("body", flat=True))
    assert bodies
    assert [b for b in bodies if links.bare_paths(b)] == []
    assert [u for b in bodies for u in links.urls_in(b) if not u.startswith(f"{SITE}/")] == []
    residents = [b for b in bodies if b.startswith("您反映的问题")]
    assert residents
    assert [b for b in residents if not links.urls_in(b)] == []
