import datetime as dt

import pytest

from shangliang.core.errors import ApplicationError, ConcurrentChange, PermissionDenied
from shangliang.core.models import AuditEvent
from shangliang.files.tests.builders import exe_file, png_file
from shangliang.places import services
from shangliang.places.models import (
    ActivityGroup,
    Region,
    RegionLevel,
    Room,
    RoomSchedule,
    RoomStandardCheck,
    SchedulePreset,
    StandardItem,
)
from shangliang.places.schedules import PRESET_RULES
from shangliang.places.tests import factories as pf
from shangliang.places.tests.helpers import snapshot


def events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type))


# --- Regions -------------------------------------------------------------------------------------------


def test_region_create_sets_path_and_audits(district, staff):
    # when
    grid = services.region_create(
        actor=staff,
        name="政法路第2网格",
        level=RegionLevel.GRID,
        parent=district.community_a,
        leader_name="李芳",
    )

    # then
    assert grid.path == f"{district.community_a.path}{grid.pk}/"
    assert grid.leader_name == "李芳"
    [event] = events("region.created")
    assert event.actor == staff
    assert event.new_value == {
        "name": "政法路第2网格",
        "level": "grid",
        "parent": {"id": district.community_a.pk, "name": "政法路社区"},
    }


def test_region_create_refuses_a_grid_under_a_street(district, staff):
    # given
    before = snapshot(Region)

    # when
    with pytest.raises(ApplicationError) as exc:
        services.region_create(actor=staff, name="错位网格", level=RegionLevel.GRID, parent=district.street_a)

    # then
    assert exc.value.message == "“网格”只能设在“村/社区”之下，不能设在“街道/乡镇”之下。"
    assert exc.value.field == "parent"
    assert snapshot(Region) == before


def test_region_create_refuses_a_duplicate_name_under_the_same_parent(district, staff):
    with pytest.raises(ApplicationError) as exc:
        services.region_create(
            actor=staff, name="政法路社区", level=RegionLevel.COMMUNITY, parent=district.street_a
        )

    assert exc.value.message == "同一上级区域下已有同名区域。"


def test_region_create_at_the_top_is_for_the_administrator_only(district, staff, admin_user):
    with pytest.raises(PermissionDenied):
        services.region_create(actor=staff, name="北海市", level=RegionLevel.CITY)

    city = services.region_create(actor=admin_user, name="北海市", level=RegionLevel.CITY)

    assert city.path == f"/{city.pk}/"


def test_region_update_moves_the_subtree_and_rewrites_descendant_paths(district, admin_user):
    # given
    community = district.community_a
    grid = district.grid_a

    # when
    services.region_update(region=community, actor=admin_user, parent=district.street_b)

    # then
    community.refresh_from_db()
    grid.refresh_from_db()
    assert community.path == f"{district.street_b.path}{community.pk}/"
    assert grid.path == f"{district.street_b.path}{community.pk}/{grid.pk}/"
    [event] = events("region.moved")
    assert event.old_value == {"parent": {"id": district.street_a.pk, "name": "中街街道"}}
    assert event.new_value == {"parent": {"id": district.street_b.pk, "name": "高德街道"}}


def test_region_update_refuses_moving_a_region_under_its_own_descendant(district, admin_user):
    with pytest.raises(ApplicationError) as exc:
        services.region_update(region=district.street_a, actor=admin_user, parent=district.community_a)

    assert exc.value.message == "不能把区域移到它自己或它的下级区域之下。"


def test_region_update_refuses_changing_the_level_of_a_region_with_children(district, admin_user):
    with pytest.raises(ApplicationError) as exc:
        services.region_update(region=district.community_a, actor=admin_user, level=RegionLevel.GRID)

    assert exc.value.message == "该区域已有下级区域，不能修改层级。"


def test_region_update_without_changes_writes_nothing(district, staff):
    services.region_update(region=district.community_a, actor=staff, name="政法路社区")

    assert AuditEvent.objects.count() == 0


# --- Organisations and members -----------------------------------------------------------------------


def test_organisation_create_and_update_are_audited(district, staff):
    # when
    bureau = services.organisation_create(
        actor=staff, name="海城区医疗保障局", kind="department", categories="医保"
    )
    services.organisation_update(organisation=bureau, actor=staff, short_name="医保局")

    # then
    bureau.refresh_from_db()
    assert bureau.short_name == "医保局"
    assert [e.event_type for e in AuditEvent.objects.order_by("pk")] == [
        "organisation.created",
        "organisation.updated",
    ]


def test_organisation_create_is_refused_to_street_staff(district, street_staff):
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=street_staff, name="海城区税务局", kind="department")


def test_member_create_refuses_a_sector_that_is_not_a_sector(district, staff):
    committee = pf.OrganisationFactory(name="提案委员会", kind="special_committee")

    with pytest.raises(ApplicationError) as exc:
        services.member_create(actor=staff, name="黄海", level="district", sector=committee)

    assert exc.value.message == "所选单位不是界别。"
    assert exc.value.field == "sector"


def test_member_update_hides_the_phone_number_in_the_audit_trail(district, staff):
    # given
    member = pf.MemberFactory(phone="13800001111")

    # when
    services.member_update(member=member, actor=staff, phone="13912345678", expected_version=1)

    # then
    member.refresh_from_db()
    assert member.phone == "13912345678"
    assert member.version == 2
    [event] = events("member.updated")
    assert event.old_value == {"phone": "（已修改）"}
    assert event.new_value == {"phone": "（已修改）"}


def test_member_update_refuses_a_stale_version(district, staff):
    member = pf.MemberFactory(work_unit="甲")

    with pytest.raises(ConcurrentChange):
        services.member_update(member=member, actor=staff, work_unit="乙", expected_version=0)

    member.refresh_from_db()
    assert member.work_unit == "甲"


def test_member_phone_reveal_is_logged(district, staff):
    member = pf.MemberFactory(phone="13800001111")

    phone = services.member_phone_reveal(member=member, actor=staff)

    assert phone == "13800001111"
    [event] = events("member.phone_viewed")
    assert (event.actor, event.object_id) == (staff, str(member.pk))


def test_member_phone_reveal_is_refused_to_a_member(district, member):
    with pytest.raises(PermissionDenied):
        services.member_phone_reveal(member=pf.MemberFactory(phone="13800001111"), actor=member)

    assert AuditEvent.objects.count() == 0


# --- Activity groups ------------------------------------------------------------------------------------


def test_activity_group_set_members_creates_the_group_with_a_leader(district, staff):
    # given
    a, b = pf.MemberFactory(name="甲"), pf.MemberFactory(name="乙")

    # when
    group = services.activity_group_set_members(
        community=district.community_a, members=[a, b], leader=b, actor=staff
    )

    # then
    assert group.name == "政法路社区委员活动小组"
    assert sorted(group.members.values_list("name", flat=True)) == ["乙", "甲"]
    assert list(
        group.activitygroupmembership_set.filter(is_leader=True).values_list("member__name", flat=True)
    ) == ["乙"]
    [event] = events("activity_group.created")
    assert event.new_value == {"members": sorted([a.pk, b.pk]), "leader": b.pk}


def test_activity_group_set_members_replaces_members(district, staff):
    # given
    a, b, c = pf.MemberFactory(), pf.MemberFactory(), pf.MemberFactory()
    group = services.activity_group_set_members(community=district.community_a, members=[a, b], actor=staff)

    # when
    services.activity_group_set_members(
        community=district.community_a, members=[b, c], actor=staff, expected_version=group.version
    )

    # then
    assert sorted(group.members.values_list("pk", flat=True)) == sorted([b.pk, c.pk])
    [event] = events("activity_group.members_set")
    assert event.old_value == {"members": sorted([a.pk, b.pk]), "leader": None}


@pytest.mark.parametrize("count", [1, 4])
def test_activity_group_set_members_refuses_too_few_or_too_many(district, staff, count):
    # given
    members = [pf.MemberFactory() for _ in range(count)]

    # when
    with pytest.raises(ApplicationError) as exc:
        services.activity_group_set_members(community=district.community_a, members=members, actor=staff)

    # then
    assert exc.value.message == f"活动小组须有 2–3 名委员，现在选了 {count} 名。"
    assert ActivityGroup.objects.count() == 0


def test_activity_group_set_members_refuses_a_street(district, staff):
    with pytest.raises(ApplicationError) as exc:
        services.activity_group_set_members(
            community=district.street_a, members=[pf.MemberFactory(), pf.MemberFactory()], actor=staff
        )

    assert exc.value.message == "活动小组只能联系村/社区。"


def test_activity_group_set_members_refuses_a_leader_outside_the_group(district, staff):
    with pytest.raises(ApplicationError) as exc:
        services.activity_group_set_members(
            community=district.community_a,
            members=[pf.MemberFactory(), pf.MemberFactory()],
            leader=pf.MemberFactory(),
            actor=staff,
        )

    assert exc.value.message == "组长必须是本组委员。"


def test_activity_group_set_members_refuses_a_retired_member(district, staff):
    with pytest.raises(ApplicationError) as exc:
        services.activity_group_set_members(
            community=district.community_a,
            members=[pf.MemberFactory(), pf.MemberFactory(active=False)],
            actor=staff,
        )

    assert exc.value.message == "不能把已离任的委员编入活动小组。"


def test_activity_group_set_members_is_refused_outside_scope(district, street_staff):
    with pytest.raises(PermissionDenied):
        services.activity_group_set_members(
            community=district.community_b,
            members=[pf.MemberFactory(), pf.MemberFactory()],
            actor=street_staff,
        )

    assert ActivityGroup.objects.count() == 0


# --- Rooms ------------------------------------------------------------------------------------------------


def room_values(district, **extra):
    return {
        "name": "政法路社区“珠事好商量”协商议事室",
        "kind": "community",
        "region": district.community_a,
        "address": "海城区政法路 12 号",
        "capacity": 40,
        **extra,
    }


def test_room_create_is_audited(district, secretary):
    room = services.room_create(actor=secretary, **room_values(district))

    assert room.version == 1
    [event] = events("room.created")
    assert event.new_value == {
        "name": "政法路社区“珠事好商量”协商议事室",
        "kind": "community",
        "region": {"id": district.community_a.pk, "name": "政法路社区"},
    }


def test_room_create_refuses_a_missing_region(district, staff):
    with pytest.raises(ApplicationError) as exc:
        services.room_create(actor=staff, **room_values(district, region=None))

    assert (exc.value.message, exc.value.field) == ("请选择议事室所在区域。", "region")


def test_room_update_bumps_the_version_and_records_old_and_new(district, staff):
    # given
    room = pf.RoomFactory(region=district.community_a, capacity=30)

    # when
    services.room_update(room=room, actor=staff, expected_version=1, capacity=50, address="政法路 1 号")

    # then
    room.refresh_from_db()
    assert (room.capacity, room.version) == (50, 2)
    [event] = events("room.updated")
    assert event.old_value == {"capacity": 30, "address": "政法路1号"}
    assert event.new_value == {"capacity": 50, "address": "政法路 1 号"}


def test_room_update_refuses_a_stale_form_and_keeps_the_other_edit(district, staff):
    # given
    room = pf.RoomFactory(region=district.community_a, capacity=30)
    services.room_update(room=room, actor=staff, expected_version=1, capacity=45)

    # when
    with pytest.raises(ConcurrentChange) as exc:
        services.room_update(room=room, actor=staff, expected_version=1, capacity=20)

    # then
    assert exc.value.message == "该记录刚刚已被他人修改，请刷新页面查看最新内容后再操作。"
    room.refresh_from_db()
    assert (room.capacity, room.version) == (45, 2)


def test_room_update_refuses_moving_a_room_out_of_scope(district, street_staff):
    room = pf.RoomFactory(region=district.community_a)

    with pytest.raises(PermissionDenied):
        services.room_update(room=room, actor=street_staff, expected_version=1, region=district.community_b)

    room.refresh_from_db()
    assert room.region == district.community_a


def test_room_standard_check_set_stores_the_evidence_under_a_random_name(district, staff):
    # given
    room = pf.RoomFactory(region=district.community_a)

    # when
    check = services.room_standard_check_set(
        room=room, item=StandardItem.LOGO, satisfied=True, evidence=png_file("门牌.png"), actor=staff
    )

    # then
    assert check.satisfied is True
    assert check.evidence_name == "门牌.png"
    assert check.evidence.name.startswith(f"rooms/{room.pk}/evidence/")
    assert check.evidence.name.endswith(".png")
    assert "门牌" not in check.evidence.name
    [event] = events("room.standard_check_set")
    assert event.new_value == {"item": "logo", "satisfied": True, "evidence": "门牌.png"}


def test_room_standard_check_set_refuses_a_program_file(district, staff):
    room = pf.RoomFactory(region=district.community_a)

    with pytest.raises(ApplicationError) as exc:
        services.room_standard_check_set(
            room=room, item=StandardItem.LOGO, satisfied=True, evidence=exe_file(), actor=staff
        )

    assert exc.value.field == "evidence"
    assert exc.value.message.startswith("文件类型不支持：只接受图片、PDF、Word 文档或 Excel 表格")
    assert RoomStandardCheck.objects.count() == 0


def test_room_standard_check_set_refuses_a_file_over_the_limit(district, staff, settings):
    settings.SHANGLIANG_MAX_UPLOAD_MB = 1
    room = pf.RoomFactory(region=district.community_a)
    big = png_file()
    big.size = 1024 * 1024 + 1

    with pytest.raises(ApplicationError) as exc:
        services.room_standard_check_set(
            room=room, item=StandardItem.LOGO, satisfied=True, evidence=big, actor=staff
        )

    assert exc.value.message == "文件过大：最大 1 MB。"
    assert RoomStandardCheck.objects.count() == 0


def test_room_schedule_create_fills_the_rule_from_the_preset(district, staff):
    room = pf.RoomFactory(region=district.community_a)

    schedule = services.room_schedule_create(
        room=room,
        actor=staff,
        preset=SchedulePreset.FENGSHI,
        start_time=dt.time(9),
        end_time=dt.time(11, 30),
        starts_on=dt.date(2026, 1, 1),
    )

    assert (schedule.name, schedule.rule) == ("逢十说事", PRESET_RULES["fengshi"])
    assert [e.event_type for e in AuditEvent.objects.all()] == ["room_schedule.created"]


def test_room_schedule_create_refuses_a_rule_that_yields_no_dates(district, staff):
    # given
    room = pf.RoomFactory(region=district.community_a)

    # when: February never has a 30th
    with pytest.raises(ApplicationError) as exc:
        services.room_schedule_create(
            room=room,
            actor=staff,
            name="二月三十日",
            preset=SchedulePreset.CUSTOM,
            rule="RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            start_time=dt.time(9),
            end_time=dt.time(11),
            starts_on=dt.date(2026, 1, 1),
        )

    # then
    assert exc.value.message == "该规则在生效后一年内不产生任何日期，请检查规则或起止日期。"
    assert exc.value.field == "rule"
    assert RoomSchedule.objects.count() == 0


def test_room_schedule_create_refuses_an_end_before_the_start(district, staff):
    room = pf.RoomFactory(region=district.community_a)

    with pytest.raises(ApplicationError) as exc:
        services.room_schedule_create(
            room=room,
            actor=staff,
            preset=SchedulePreset.ERWU,
            start_time=dt.time(11),
            end_time=dt.time(9),
            starts_on=dt.date(2026, 1, 1),
        )

    assert (exc.value.message, exc.value.field) == ("结束时间须晚于开始时间。", "end_time")


def test_room_schedule_update_refuses_a_stale_version(district, staff):
    schedule = pf.RoomScheduleFactory(room=pf.RoomFactory(region=district.community_a))

    with pytest.raises(ConcurrentChange):
        services.room_schedule_update(schedule=schedule, actor=staff, expected_version=7, name="周二周五")

    schedule.refresh_from_db()
    assert schedule.name == "二五议事"


def test_room_schedule_update_switches_to_a_preset(district, staff):
    schedule = pf.RoomScheduleFactory(room=pf.RoomFactory(region=district.community_a))

    services.room_schedule_update(
        schedule=schedule, actor=staff, expected_version=1, preset=SchedulePreset.FENGSHI
    )

    schedule.refresh_from_db()
    assert (schedule.rule, schedule.version) == (PRESET_RULES["fengshi"], 2)


def test_room_schedule_delete_is_audited(district, staff):
    schedule = pf.RoomScheduleFactory(room=pf.RoomFactory(region=district.community_a))

    services.room_schedule_delete(schedule=schedule, actor=staff)

    assert RoomSchedule.objects.count() == 0
    assert Room.objects.count() == 1
    assert [e.event_type for e in AuditEvent.objects.all()] == ["room_schedule.deleted"]
