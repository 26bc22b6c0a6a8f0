import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shangliang.core.models import AuditEvent
from shangliang.files.tests.builders import exe_file, png_file
from shangliang.places import services
from shangliang.places.models import ActivityGroup, Region, Room, RoomSchedule, RoomStandardCheck
from shangliang.places.tests import factories as pf
from shangliang.places.tests.helpers import snapshot

ROOM_FORM = {
    "name": "铜鼓里社区协商议事室",
    "kind": "community",
    "address": "铜鼓里 8 号",
    "capacity": "25",
    "convener_name": "陈耀满",
    "convener_phone": "",
    "host_unit": "",
    "description": "",
    "active": "on",
}


def test_staff_pages_refuse_a_resident(client, resident):
    # given
    client.force_login(resident)

    # when
    response = client.get(reverse("places:room-list"))

    # then
    assert response.status_code == 403


def test_staff_pages_send_anonymous_visitors_to_sign_in(client, district):
    response = client.get(reverse("places:coverage"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_region_tree_shows_only_the_scope_and_its_ancestors(client, district, street_staff):
    client.force_login(street_staff)

    response = client.get(reverse("places:region-tree"))

    names = [r.name for r in response.context["regions"]]
    assert names == ["海城区", "中街街道", "政法路社区", "铜鼓里社区"]


def test_region_detail_outside_scope_is_forbidden(client, district, street_staff):
    client.force_login(street_staff)

    response = client.get(reverse("places:region-detail", args=[district.community_b.pk]))

    assert response.status_code == 403


def test_adding_a_grid_under_a_street_shows_the_rule_and_keeps_the_input(client, district, staff):
    # given
    client.force_login(staff)
    before = snapshot(Region)

    # when
    response = client.post(
        reverse("places:region-detail", args=[district.street_a.pk]),
        {"name": "错位网格", "level": "grid", "code": "450502", "leader_name": "王强"},
    )

    # then
    assert response.status_code == 400
    content = response.content.decode()
    assert "“网格”只能设在“村/社区”之下，不能设在“街道/乡镇”之下。" in content
    assert 'value="错位网格"' in content
    assert 'value="王强"' in content
    assert snapshot(Region) == before


def test_adding_a_community_under_a_street(client, district, staff):
    client.force_login(staff)

    response = client.post(
        reverse("places:region-detail", args=[district.street_a.pk]),
        {"name": "新社区", "level": "community", "code": "", "leader_name": ""},
    )

    assert response.status_code == 302
    assert Region.objects.get(name="新社区").parent == district.street_a


def test_member_list_masks_phone_numbers_and_filters(client, district, member):
    # given
    sector = pf.OrganisationFactory(name="经济界", kind="sector")
    pf.MemberFactory(name="黄海", level="city", phone="13812341234", sector=sector)
    pf.MemberFactory(name="林涛", level="district", phone="13900001111")
    client.force_login(member)

    # when
    response = client.get(reverse("places:member-list"), {"level": "city", "sector": sector.pk})

    # then
    content = response.content.decode()
    assert [m.name for m, _ in response.context["rows"]] == ["黄海"]
    assert "138****1234" in content
    assert "13812341234" not in content
    assert "显示完整号码" not in content


def test_member_phone_reveal_shows_the_number_and_logs_it(client, district, staff):
    m = pf.MemberFactory(phone="13812341234")
    client.force_login(staff)

    response = client.post(reverse("places:member-phone", args=[m.pk]), HTTP_HX_REQUEST="true")

    assert response.content.decode() == '<a href="tel:13812341234">13812341234</a>'
    assert list(AuditEvent.objects.values_list("event_type", "actor")) == [("member.phone_viewed", staff.pk)]


def test_member_phone_reveal_is_refused_to_a_grid_worker(client, district, grid_worker):
    m = pf.MemberFactory(phone="13812341234")
    client.force_login(grid_worker)

    response = client.post(reverse("places:member-phone", args=[m.pk]))

    assert response.status_code == 403
    assert AuditEvent.objects.count() == 0


def test_member_list_queries_do_not_grow_with_rows(client, district, staff, django_assert_max_num_queries):
    # given
    client.force_login(staff)
    sector = pf.OrganisationFactory(name="经济界", kind="sector")
    for i in range(30):
        m = pf.MemberFactory(sector=sector, phone=f"138000000{i:02d}")
        if i % 3 == 0:
            services.activity_group_set_members(
                community=pf.community(district.street_a), members=[m, pf.MemberFactory()], actor=staff
            )

    # then
    with django_assert_max_num_queries(10):
        response = client.get(reverse("places:member-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 4])
def test_group_edit_refuses_a_wrong_size_and_keeps_the_choice(client, district, staff, count):
    # given
    members = [pf.MemberFactory(name=f"委员甲{i}") for i in range(count)]
    client.force_login(staff)

    # when
    response = client.post(
        reverse("places:group-edit", args=[district.community_a.pk]),
        {"name": "政法路小组", "members": [m.pk for m in members], "leader": "", "version": ""},
    )

    # then
    assert response.status_code == 400
    content = response.content.decode()
    assert f"活动小组须有 2–3 名委员，现在选了 {count} 名。" in content
    assert 'value="政法路小组"' in content
    for m in members:
        assert f'<option value="{m.pk}" selected>' in content
    assert ActivityGroup.objects.count() == 0


def test_group_edit_saves_a_group(client, district, staff):
    a, b = pf.MemberFactory(), pf.MemberFactory()
    client.force_login(staff)

    response = client.post(
        reverse("places:group-edit", args=[district.community_a.pk]),
        {"name": "", "members": [a.pk, b.pk], "leader": a.pk, "version": ""},
    )

    assert response.status_code == 302
    group = ActivityGroup.objects.get()
    assert sorted(group.members.values_list("pk", flat=True)) == sorted([a.pk, b.pk])


def test_group_edit_outside_scope_is_forbidden(client, district, street_staff):
    client.force_login(street_staff)

    response = client.get(reverse("places:group-edit", args=[district.community_b.pk]))

    assert response.status_code == 403


def test_coverage_lists_missing_short_and_adequate_communities(client, district, staff):
    # given
    a, b, c = pf.MemberFactory(), pf.MemberFactory(), pf.MemberFactory()
    services.activity_group_set_members(community=district.community_a, members=[a, b], actor=staff)
    group = services.activity_group_set_members(community=district.community_a2, members=[a, c], actor=staff)
    group.activitygroupmembership_set.filter(member=c).delete()  # someone left: 1 member now
    client.force_login(staff)

    # when
    response = client.get(reverse("places:coverage"))

    # then
    rows = [(r.community.name, r.status, r.member_count) for r in response.context["rows"]]
    assert rows == [("铜鼓里社区", "short", 1), ("赤西村", "missing", 0), ("政法路社区", "ok", 2)]
    assert response.context["counts"] == {"missing": 1, "short": 1, "over": 0, "ok": 1}
    assert reverse("places:group-edit", args=[district.community_b.pk]) in response.content.decode()


def test_coverage_queries_do_not_grow_with_rows(client, district, staff, django_assert_max_num_queries):
    client.force_login(staff)
    for _ in range(20):
        pf.community(district.street_b)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("places:coverage"))

    assert len(response.context["rows"]) == 23


def test_room_list_queries_do_not_grow_with_rows(client, district, staff, django_assert_max_num_queries):
    client.force_login(staff)
    for _ in range(15):
        room = pf.RoomFactory(region=district.community_a)
        pf.RoomScheduleFactory(room=room)
        services.room_standard_check_set(room=room, item="logo", satisfied=True, actor=staff)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("places:room-list"))

    assert len(response.context["rooms"]) == 15


def test_room_list_is_scoped(client, district, street_staff):
    pf.RoomFactory(name="中街议事室", region=district.community_a)
    pf.RoomFactory(name="赤西村议事室", region=district.community_b)
    client.force_login(street_staff)

    response = client.get(reverse("places:room-list"))

    assert [r.name for r in response.context["rooms"]] == ["中街议事室"]


def test_room_create_through_the_page(client, district, secretary):
    client.force_login(secretary)

    response = client.post(reverse("places:room-create"), ROOM_FORM | {"region": district.community_a.pk})

    room = Room.objects.get()
    assert response["Location"] == reverse("places:room-detail", args=[room.pk])
    assert (room.name, room.capacity, room.region) == ("铜鼓里社区协商议事室", 25, district.community_a)


def test_room_edit_with_a_stale_version_shows_the_concurrency_message(client, district, staff):
    # given: someone saved the room after this form was opened
    room = pf.RoomFactory(region=district.community_a, capacity=30)
    services.room_update(room=room, actor=staff, expected_version=1, capacity=45)
    client.force_login(staff)

    # when
    response = client.post(
        reverse("places:room-edit", args=[room.pk]),
        ROOM_FORM | {"region": district.community_a.pk, "capacity": "99", "version": "1"},
    )

    # then
    assert response.status_code == 400
    content = response.content.decode()
    assert "该记录刚刚已被他人修改，请刷新页面查看最新内容后再操作。" in content
    assert 'value="99"' in content
    room.refresh_from_db()
    assert (room.capacity, room.version) == (45, 2)


def test_room_edit_is_forbidden_to_a_secretary_of_another_community(client, district):
    from shangliang.accounts.tests.factories import UserFactory

    room = pf.RoomFactory(region=district.community_a)
    client.force_login(UserFactory(role="secretary", region=district.community_a2))

    response = client.post(reverse("places:room-edit", args=[room.pk]), ROOM_FORM | {"version": "1"})

    assert response.status_code == 403


def test_room_detail_shows_the_checklist_and_next_dates(client, district, staff, time_machine):
    # given
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0))
    room = pf.RoomFactory(region=district.community_a)
    pf.RoomScheduleFactory(room=room)
    services.room_standard_check_set(room=room, item="logo", satisfied=True, evidence=png_file(), actor=staff)
    client.force_login(staff)

    # when
    response = client.get(reverse("places:room-detail", args=[room.pk]))

    # then
    assert response.context["satisfied_count"] == 1
    [(_schedule, dates)] = response.context["schedules"]
    assert dates == [
        dt.date(2026, 3, 3),
        dt.date(2026, 3, 6),
        dt.date(2026, 3, 10),
        dt.date(2026, 3, 13),
        dt.date(2026, 3, 17),
    ]
    assert "3月3日" in response.content.decode()


def test_uploading_a_program_as_evidence_is_refused_with_the_reason(client, district, staff):
    # given
    room = pf.RoomFactory(region=district.community_a)
    client.force_login(staff)

    # when
    response = client.post(
        reverse("places:room-check", args=[room.pk, "logo"]),
        {
            "logo-satisfied": "on",
            "logo-evidence": exe_file(),
            "logo-note": "门口挂牌",
            "logo-checked_on": "2026-03-01",
        },
    )

    # then
    assert response.status_code == 400
    content = response.content.decode()
    assert "文件类型不支持：只接受图片、PDF、Word 文档或 Excel 表格" in content
    assert 'value="门口挂牌"' in content
    assert 'value="2026-03-01"' in content
    assert RoomStandardCheck.objects.count() == 0


def test_uploading_evidence_over_the_size_limit_is_refused(client, district, staff, settings):
    settings.SHANGLIANG_MAX_UPLOAD_MB = 1
    room = pf.RoomFactory(region=district.community_a)
    client.force_login(staff)
    big = SimpleUploadedFile("门牌.png", png_file().read() + b"\0" * (1024 * 1024))

    response = client.post(reverse("places:room-check", args=[room.pk, "logo"]), {"logo-evidence": big})

    assert response.status_code == 400
    assert "文件过大：最大 1 MB。" in response.content.decode()
    assert RoomStandardCheck.objects.count() == 0


def test_evidence_is_served_only_to_those_who_may_see_the_room(client, district, staff, street_staff):
    # given
    from shangliang.accounts.tests.factories import UserFactory

    room = pf.RoomFactory(region=district.community_a)
    check = services.room_standard_check_set(
        room=room, item="logo", satisfied=True, evidence=png_file("门牌.png"), actor=staff
    )
    outsider = UserFactory(role="staff", region=district.street_b)

    # when
    client.force_login(street_staff)
    allowed = client.get(reverse("places:evidence", args=[check.pk]))
    client.force_login(outsider)
    refused = client.get(reverse("places:evidence", args=[check.pk]))

    # then
    assert allowed.status_code == 200
    assert "attachment" in allowed["Content-Disposition"]
    assert b"".join(allowed.streaming_content).startswith(b"\x89PNG")
    assert refused.status_code == 403


def test_schedule_with_a_rule_that_yields_no_dates_is_refused_and_kept(client, district, staff):
    # given
    room = pf.RoomFactory(region=district.community_a)
    client.force_login(staff)

    # when
    response = client.post(
        reverse("places:schedule-create", args=[room.pk]),
        {
            "preset": "custom",
            "name": "二月三十日",
            "rule": "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "start_time": "09:00",
            "end_time": "11:00",
            "starts_on": "2026-01-01",
            "ends_on": "",
            "active": "on",
        },
    )

    # then
    assert response.status_code == 400
    content = response.content.decode()
    assert "该规则在生效后一年内不产生任何日期，请检查规则或起止日期。" in content
    assert "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" in content
    assert 'value="二月三十日"' in content
    assert RoomSchedule.objects.count() == 0


def test_schedule_with_the_erwu_preset(client, district, staff):
    room = pf.RoomFactory(region=district.community_a)
    client.force_login(staff)

    response = client.post(
        reverse("places:schedule-create", args=[room.pk]),
        {
            "preset": "erwu",
            "name": "",
            "rule": "",
            "start_time": "15:00",
            "end_time": "17:00",
            "starts_on": "2026-01-01",
            "active": "on",
        },
    )

    assert response.status_code == 302
    schedule = RoomSchedule.objects.get()
    assert (schedule.name, schedule.rule) == ("二五议事", "RRULE:FREQ=WEEKLY;BYDAY=TU,FR")


def test_schedule_edit_with_a_stale_version_is_refused(client, district, staff):
    schedule = pf.RoomScheduleFactory(room=pf.RoomFactory(region=district.community_a))
    services.room_schedule_update(schedule=schedule, actor=staff, expected_version=1, start_time=dt.time(14))
    client.force_login(staff)

    response = client.post(
        reverse("places:schedule-edit", args=[schedule.pk]),
        {
            "preset": "erwu",
            "name": "二五议事",
            "start_time": "16:00",
            "end_time": "18:00",
            "starts_on": "2026-01-01",
            "active": "on",
            "version": "1",
        },
    )

    assert response.status_code == 400
    assert "该记录刚刚已被他人修改" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.start_time == dt.time(14)


def test_public_room_page_shows_open_days_and_no_personal_data(client, district, time_machine):
    # given
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0))
    room = pf.RoomFactory(
        name="政法路社区“珠事好商量”协商议事室",
        region=district.community_a,
        convener_name="杨宇芳",
        convener_phone="13812341234",
    )
    pf.RoomScheduleFactory(room=room)

    # when
    response = client.get(reverse("places:room-public", args=[room.pk]))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "3月3日" in content
    assert "13812341234" not in content
    assert "杨宇芳" not in content


def test_public_room_page_hides_inactive_rooms(client, district):
    room = pf.RoomFactory(region=district.community_a, active=False)

    response = client.get(reverse("places:room-public", args=[room.pk]))

    assert response.status_code == 404
