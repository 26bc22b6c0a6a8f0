"""The admin refuses the same bad input as the services, in Chinese, keeping what was typed."""

import datetime as dt

import pytest
from django.urls import reverse

from shangliang.core.models import AuditEvent
from shangliang.files.tests.builders import exe_file, png_file
from shangliang.places.models import ActivityGroup, Region, Room, RoomSchedule, RoomStandardCheck
from shangliang.places.tests import factories as pf
from shangliang.places.tests.helpers import snapshot


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def room_post(district, **extra):
    return {
        "name": "地角街道协商议事室",
        "kind": "street",
        "region": district.street_a.pk,
        "address": "地角路 1 号",
        "capacity": "50",
        "convener_name": "",
        "convener_phone": "",
        "host_unit": "",
        "description": "",
        "active": "on",
        "loaded_version": "",
        **inline_management("standard_checks"),
        **inline_management("schedules"),
        **extra,
    }


def test_admin_lists_every_places_model(admin_client, district):
    for name in (
        "region",
        "organisation",
        "member",
        "activitygroup",
        "room",
        "roomstandardcheck",
        "roomschedule",
    ):
        response = admin_client.get(reverse(f"admin:places_{name}_changelist"))
        assert response.status_code == 200, name


def test_admin_refuses_a_grid_under_a_street_and_keeps_the_input(admin_client, district):
    # given
    before = snapshot(Region)

    # when
    response = admin_client.post(
        reverse("admin:places_region_add"),
        {
            "name": "错位网格",
            "level": "grid",
            "parent": district.street_a.pk,
            "code": "",
            "leader_name": "王强",
            "sort_order": "0",
        },
    )

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "“网格”只能设在“村/社区”之下，不能设在“街道/乡镇”之下。" in content
    assert 'value="错位网格"' in content
    assert snapshot(Region) == before


def test_admin_creates_a_region_through_the_service(admin_client, district):
    response = admin_client.post(
        reverse("admin:places_region_add"),
        {
            "name": "政法路第9网格",
            "level": "grid",
            "parent": district.community_a.pk,
            "code": "",
            "leader_name": "王强",
            "sort_order": "0",
        },
    )

    assert response.status_code == 302
    grid = Region.objects.get(name="政法路第9网格")
    assert grid.path == f"{district.community_a.path}{grid.pk}/"
    assert AuditEvent.objects.filter(event_type="region.created").count() == 1


@pytest.mark.parametrize("count", [1, 4])
def test_admin_refuses_an_activity_group_of_the_wrong_size(admin_client, district, count):
    # given
    members = [pf.MemberFactory() for _ in range(count)]
    data = {"community": district.community_a.pk, "name": "政法路社区委员活动小组"}
    data |= inline_management("activitygroupmembership_set", total=count)
    for i, m in enumerate(members):
        data[f"activitygroupmembership_set-{i}-member"] = str(m.pk)

    # when
    response = admin_client.post(reverse("admin:places_activitygroup_add"), data)

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert f"活动小组须有 2–3 名委员，现在选了 {count} 名。" in content
    assert 'value="政法路社区委员活动小组"' in content
    assert ActivityGroup.objects.count() == 0


def test_admin_saves_an_activity_group_through_the_service(admin_client, district):
    a, b = pf.MemberFactory(), pf.MemberFactory()
    data = {"community": district.community_a.pk, "name": "政法路社区委员活动小组"}
    data |= inline_management("activitygroupmembership_set", total=2)
    data |= {
        "activitygroupmembership_set-0-member": str(a.pk),
        "activitygroupmembership_set-0-is_leader": "on",
        "activitygroupmembership_set-1-member": str(b.pk),
    }

    response = admin_client.post(reverse("admin:places_activitygroup_add"), data)

    assert response.status_code == 302
    group = ActivityGroup.objects.get()
    assert sorted(group.members.values_list("pk", flat=True)) == sorted([a.pk, b.pk])
    assert list(AuditEvent.objects.values_list("event_type", flat=True)) == ["activity_group.members_set"]


def test_admin_refuses_a_schedule_rule_without_dates_and_keeps_it(admin_client, district):
    # given
    data = room_post(district) | inline_management("schedules", total=1)
    data |= {
        "schedules-0-name": "二月三十日",
        "schedules-0-preset": "custom",
        "schedules-0-rule": "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "schedules-0-start_time": "09:00",
        "schedules-0-end_time": "11:00",
        "schedules-0-starts_on": "2026-01-01",
        "schedules-0-active": "on",
    }

    # when
    response = admin_client.post(reverse("admin:places_room_add"), data)

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "该规则在生效后一年内不产生任何日期，请检查规则或起止日期。" in content
    assert "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" in content
    assert Room.objects.count() == 0


def test_admin_refuses_an_evidence_file_that_is_not_a_document(admin_client, district):
    # given
    data = room_post(district) | inline_management("standard_checks", total=1)
    data |= {
        "standard_checks-0-item": "logo",
        "standard_checks-0-satisfied": "on",
        "standard_checks-0-evidence": exe_file(),
        "standard_checks-0-note": "门口挂牌",
    }

    # when
    response = admin_client.post(reverse("admin:places_room_add"), data)

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "文件类型不支持：只接受图片、PDF、Word 文档或 Excel 表格" in content
    assert 'value="门口挂牌"' in content
    assert Room.objects.count() == 0


def test_admin_refuses_an_evidence_file_over_the_limit(admin_client, district, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SHANGLIANG_MAX_UPLOAD_MB = 1
    data = room_post(district) | inline_management("standard_checks", total=1)
    data |= {
        "standard_checks-0-item": "logo",
        "standard_checks-0-evidence": SimpleUploadedFile(
            "门牌.png", png_file().read() + b"\0" * (1024 * 1024)
        ),
    }

    response = admin_client.post(reverse("admin:places_room_add"), data)

    assert "文件过大：最大 1 MB。" in response.content.decode()
    assert Room.objects.count() == 0


def test_admin_creates_a_room_with_a_check_and_a_schedule_through_the_services(admin_client, district):
    data = (
        room_post(district)
        | inline_management("standard_checks", total=1)
        | inline_management("schedules", total=1)
    )
    data |= {
        "standard_checks-0-item": "logo",
        "standard_checks-0-satisfied": "on",
        "standard_checks-0-evidence": png_file("门牌.png"),
        "schedules-0-name": "",
        "schedules-0-preset": "fengshi",
        "schedules-0-rule": "",
        "schedules-0-start_time": "09:00",
        "schedules-0-end_time": "11:00",
        "schedules-0-starts_on": "2026-01-01",
        "schedules-0-active": "on",
    }

    response = admin_client.post(reverse("admin:places_room_add"), data)

    assert response.status_code == 302
    room = Room.objects.get()
    check = RoomStandardCheck.objects.get()
    schedule = RoomSchedule.objects.get()
    assert (check.room, check.evidence_name) == (room, "门牌.png")
    assert (schedule.room, schedule.name, schedule.starts_on) == (room, "逢十说事", dt.date(2026, 1, 1))
    assert sorted(AuditEvent.objects.values_list("event_type", flat=True)) == [
        "room.created",
        "room.standard_check_set",
        "room_schedule.created",
    ]


def test_admin_refuses_a_stale_room_edit(admin_client, district, staff):
    from shangliang.places import services

    room = pf.RoomFactory(region=district.street_a, capacity=30)
    services.room_update(room=room, actor=staff, expected_version=1, capacity=45)

    response = admin_client.post(
        reverse("admin:places_room_change", args=[room.pk]),
        room_post(district, name=room.name, capacity="99", loaded_version="1"),
    )

    assert "该记录刚刚已被他人修改，请刷新页面查看最新内容后再操作。" in response.content.decode()
    room.refresh_from_db()
    assert room.capacity == 45
