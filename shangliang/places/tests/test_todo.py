from django.urls import reverse

from shangliang.core import registry
from shangliang.core.scope import scope_of
from shangliang.places import services
from shangliang.places.tests import factories as pf
from shangliang.places.todo import places_todo


def test_staff_home_lists_incomplete_rooms_and_coverage_gaps_in_scope(district, street_staff):
    # given: street_a has two communities and one room; street_b's room is out of scope
    pf.RoomFactory(region=district.community_a)
    pf.RoomFactory(region=district.community_b)
    services.activity_group_set_members(
        community=district.community_a, members=[pf.MemberFactory(), pf.MemberFactory()], actor=street_staff
    )

    # when
    items = list(places_todo(scope_of(street_staff)))

    # then
    assert [(i.title, i.count, i.url) for i in items] == [
        ("“四有”核查未完成的议事室", 1, reverse("places:room-list")),
        ("委员活动小组未覆盖或人数不符的村(社区)", 1, reverse("places:coverage")),
    ]


def test_staff_home_lists_nothing_for_a_secretary(district, secretary):
    pf.RoomFactory(region=district.community_a)

    assert list(places_todo(scope_of(secretary))) == []


def test_places_navigation_by_role(district, staff, grid_worker, resident):
    assert [e.label for e in registry.nav_for(scope_of(staff)) if e.url_name.startswith("places:")] == [
        "区域",
        "议事室",
        "委员",
        "组织机构",
        "活动小组覆盖",
    ]
    assert [e.label for e in registry.nav_for(scope_of(grid_worker)) if e.url_name.startswith("places:")] == [
        "区域",
        "议事室",
        "委员",
        "组织机构",
    ]
    assert [e.label for e in registry.nav_for(scope_of(resident)) if e.url_name.startswith("places:")] == []
