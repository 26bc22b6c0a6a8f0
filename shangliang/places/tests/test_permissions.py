"""Role × region scope for reading and changing regions and rooms, through the predicates and the services."""

import pytest

from shangliang.accounts.tests.factories import UserFactory
from shangliang.core.errors import PermissionDenied
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.places import permissions as perms
from shangliang.places import services
from shangliang.places.models import Region, RegionLevel, Room
from shangliang.places.tests import factories as pf
from shangliang.places.tests.helpers import snapshot

# (role, scope) → what the person may do with the room of 政法路社区 (community_a, street_a).
# scope: "district" the whole district, "street_a" the room's street, "street_b" another street,
# "community_a" the room's community, "none" no region set.
ROOM_MATRIX = [
    # role, scope, view, change
    (Role.ADMIN, "none", True, True),
    (Role.STAFF, "district", True, True),
    (Role.STAFF, "street_a", True, True),
    (Role.STAFF, "street_b", False, False),
    (Role.STAFF, "none", False, False),
    (Role.SECRETARY, "community_a", True, True),
    (Role.SECRETARY, "community_a2", False, False),
    (Role.GRID_WORKER, "community_a", True, False),
    (Role.MEMBER, "district", True, False),
    (Role.CHAIR, "district", True, False),
    (Role.REVIEWER, "district", True, False),
    (Role.OFFICER, "district", True, False),
    (Role.RESIDENT, "district", False, False),
]

# (role, scope) → view / change street_a's community 政法路社区
REGION_MATRIX = [
    (Role.ADMIN, "none", True, True),
    (Role.STAFF, "district", True, True),
    (Role.STAFF, "street_a", True, True),
    (Role.STAFF, "community_a", True, False),  # one's own region is not one's to rename
    (Role.STAFF, "street_b", False, False),
    (Role.SECRETARY, "community_a", True, False),
    (Role.GRID_WORKER, "grid_a", True, False),  # an ancestor of one's grid
    (Role.MEMBER, "district", True, False),
    (Role.REVIEWER, "street_b", False, False),
    (Role.RESIDENT, "district", False, False),
]


def user_for(district, role, scope):
    region = None if scope == "none" else getattr(district, scope)
    return UserFactory(role=role, region=region)


@pytest.mark.parametrize(("role", "scope", "view", "change"), ROOM_MATRIX)
def test_room_permissions(district, role, scope, view, change):
    # given
    room = pf.RoomFactory(region=district.community_a)
    user = user_for(district, role, scope)

    # then
    assert perms.can_view_room(scope_of(user), room) is view
    assert perms.can_change_room(scope_of(user), room) is change


@pytest.mark.parametrize(("role", "scope", "view", "change"), ROOM_MATRIX)
def test_room_update_is_applied_only_when_allowed(district, role, scope, view, change):
    # given
    room = pf.RoomFactory(region=district.community_a, capacity=30)
    user = user_for(district, role, scope)
    before = snapshot(Room)

    # when
    try:
        services.room_update(room=room, actor=user, expected_version=1, capacity=60)
        refused = False
    except PermissionDenied:
        refused = True

    # then
    assert refused is not change
    room.refresh_from_db()
    if change:
        assert (room.capacity, room.version) == (60, 2)
    else:
        assert snapshot(Room) == before


@pytest.mark.parametrize(("role", "scope", "view", "change"), ROOM_MATRIX)
def test_room_create_is_applied_only_when_allowed(district, role, scope, view, change):
    user = user_for(district, role, scope)

    try:
        services.room_create(
            actor=user, name="新议事室", kind="community", region=district.community_a, address="政法路 3 号"
        )
        refused = False
    except PermissionDenied:
        refused = True

    assert refused is not change
    assert Room.objects.count() == (1 if change else 0)


def test_secretary_may_not_change_an_inactive_room_but_staff_may(district, secretary, street_staff):
    room = pf.RoomFactory(region=district.community_a, active=False)

    assert perms.can_change_room(scope_of(secretary), room) is False
    assert perms.can_change_room(scope_of(street_staff), room) is True


def test_anonymous_visitor_sees_only_the_public_page(district):
    from django.contrib.auth.models import AnonymousUser

    room = pf.RoomFactory(region=district.community_a)

    assert perms.can_view_room(scope_of(AnonymousUser()), room) is False
    assert perms.can_view_room_public(room) is True


@pytest.mark.parametrize(("role", "scope", "view", "change"), REGION_MATRIX)
def test_region_permissions(district, role, scope, view, change):
    user = user_for(district, role, scope)

    assert perms.can_view_region(scope_of(user), district.community_a) is view
    assert perms.can_change_region(scope_of(user), district.community_a) is change


@pytest.mark.parametrize(("role", "scope", "view", "change"), REGION_MATRIX)
def test_region_update_is_applied_only_when_allowed(district, role, scope, view, change):
    # given
    user = user_for(district, role, scope)
    before = snapshot(Region)

    # when
    try:
        services.region_update(region=district.community_a, actor=user, leader_name="杨宇芳")
        refused = False
    except PermissionDenied:
        refused = True

    # then
    assert refused is not change
    if change:
        assert Region.objects.get(pk=district.community_a.pk).leader_name == "杨宇芳"
    else:
        assert snapshot(Region) == before


@pytest.mark.parametrize(
    ("role", "scope", "allowed"),
    [
        (Role.ADMIN, "none", True),
        (Role.STAFF, "district", True),
        (Role.STAFF, "street_a", True),
        (Role.STAFF, "street_b", False),
        (Role.SECRETARY, "community_a", False),
        (Role.GRID_WORKER, "community_a", False),
    ],
)
def test_region_create_under_a_community_is_applied_only_when_allowed(district, role, scope, allowed):
    user = user_for(district, role, scope)
    before = snapshot(Region)

    try:
        services.region_create(actor=user, name="新网格", level=RegionLevel.GRID, parent=district.community_a)
        refused = False
    except PermissionDenied:
        refused = True

    assert refused is not allowed
    if not allowed:
        assert snapshot(Region) == before


def test_staff_may_not_move_a_region_out_of_their_scope(district, street_staff):
    before = snapshot(Region)

    with pytest.raises(PermissionDenied):
        services.region_update(region=district.community_a, actor=street_staff, parent=district.street_b)

    assert snapshot(Region) == before


@pytest.mark.parametrize(
    ("role", "scope", "members", "groups", "phone"),
    [
        (Role.ADMIN, "none", True, True, True),
        (Role.STAFF, "district", True, True, True),
        (Role.STAFF, "street_a", False, True, True),
        (Role.SECRETARY, "community_a", False, False, False),
        (Role.MEMBER, "district", False, False, False),
    ],
)
def test_people_permissions(district, role, scope, members, groups, phone):
    user = user_for(district, role, scope)

    assert perms.can_manage_members(scope_of(user)) is members
    assert perms.can_manage_activity_group(scope_of(user), district.community_a) is groups
    assert perms.can_view_full_phone(scope_of(user)) is phone
