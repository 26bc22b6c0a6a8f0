import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shangliang.accounts.tests.factories import UserFactory
from shangliang.concerns import services
from shangliang.concerns.models import Concern
from shangliang.concerns.services import ConcernInput
from shangliang.concerns.tests.factories import png, publish
from shangliang.core.models import AuditEvent
from shangliang.core.roles import Role
from shangliang.core.testing import count_queries
from shangliang.notifications.models import OutboxMessage
from shangliang.places.models import Region, RegionLevel
from shangliang.places.tests.factories import RoomFactory
from shangliang.privacy import otp
from shangliang.text.models import Category

pytestmark = pytest.mark.django_db

TEXT = "政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险"


def form_data(district, **extra):
    return {
        "text": TEXT,
        "community": district.community_a.pk,
        "contact": "anonymous",
        "client_token": "tok-1",
        **extra,
    }


def test_the_submit_page_is_prefilled_from_a_room_qr_code(client, district):
    response = client.get(reverse("concerns:submit") + f"?community={district.community_a.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{district.community_a.pk}" selected>政法路社区</option>' in html
    assert "政法路第1网格" in html


def test_the_cached_place_and_category_lists_follow_the_administrators_edits(client, district):
    assert "新设社区" not in client.get(reverse("concerns:submit")).content.decode()
    street = district.street_a
    Region.objects.create(
        name="新设社区", level=RegionLevel.COMMUNITY, parent=street, path=f"{street.path}999/"
    )
    Category.objects.create(name="新增类别")
    html = client.get(reverse("concerns:submit")).content.decode()
    assert ">新设社区</option>" in html
    assert ">新增类别</option>" in html
    district.community_a.name = "政法路社区（更名）"
    district.community_a.save()
    assert "政法路社区（更名）" in client.get(reverse("concerns:submit")).content.decode()


def test_a_refused_submission_keeps_the_chosen_place_and_category(client, district):
    category = Category.objects.filter(active=True).first() or Category.objects.create(name="市政设施")
    response = client.post(
        reverse("concerns:submit"),
        form_data(district, text="   ", category=category.pk, grid=district.grid_a.pk),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<option value="{district.community_a.pk}" selected>' in html
    assert f'<option value="{district.grid_a.pk}" selected>' in html
    assert f'<option value="{category.pk}" selected>' in html


def test_submitting_redirects_to_the_receipt_with_the_code_and_qr(client, district):
    response = client.post(reverse("concerns:submit"), form_data(district, photos=[png()]))
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/concerns/t/{concern.tracking_code}/"
    receipt = client.get(response["Location"]).content.decode()
    assert "提交成功，已受理" in receipt
    assert f"{concern.tracking_code[:4]}-{concern.tracking_code[4:]}" in receipt
    assert "<svg" in receipt
    # the next visit is the plain tracking page
    assert "提交成功，已受理" not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"text": "      "}, "请填写您要反映的问题。"),
        ({"text": "楼" * 10_000}, "问题描述不能超过 2000 字（现在 10000 字），请精简后再提交。"),
        ({"community": "999999"}, "所选村(社区)不存在，请重新选择。"),
        (
            {"contact": "phone", "phone": "12345", "consent": "on"},
            "请输入正确的11位大陆手机号码，例如 13812345678。",
        ),
    ],
)
def test_a_refused_form_keeps_what_was_typed(client, district, extra, message):
    # when the form is sent with one bad field
    response = client.post(
        reverse("concerns:submit"), form_data(district, place_description="5栋2单元", **extra)
    )
    html = response.content.decode()
    # then it comes back with the Chinese reason and the other fields as typed
    assert response.status_code == 400
    assert message in html
    assert 'value="5栋2单元"' in html
    assert Concern.objects.count() == 0


def test_a_photo_that_is_not_an_image_keeps_the_text(client, district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("a.png", b"not an image at all", content_type="image/png")
    response = client.post(reverse("concerns:submit"), form_data(district, photos=[fake]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "照片“a.png”未能上传：图片已损坏或不是有效图片。" in html
    assert TEXT in html


def test_the_honeypot_refuses_software(client, district):
    response = client.post(reverse("concerns:submit"), form_data(district, website="http://spam.example"))
    assert response.status_code == 400
    assert "提交未成功，请刷新页面后重新填写。" in response.content.decode()
    assert Concern.objects.count() == 0


def test_a_double_click_creates_one_concern(client, district):
    first = client.post(reverse("concerns:submit"), form_data(district))
    second = client.post(reverse("concerns:submit"), form_data(district))
    assert first["Location"] == second["Location"]
    assert Concern.objects.count() == 1


def test_another_browser_with_a_known_token_gets_no_tracking_code(client, district):
    # given a resident's submit
    first = client.post(reverse("concerns:submit"), form_data(district))
    code = Concern.objects.get().tracking_code
    # when another browser sends the same form with its token (a leaked or guessed token)
    other = Client()
    response = other.post(reverse("concerns:submit"), form_data(district))
    # then it is not taken to the first resident's tracking page
    assert first.status_code == 302
    assert code not in response.get("Location", "")
    assert code not in response.content.decode()


def test_without_javascript_similar_problems_are_offered_before_filing(client, district):
    # given an earlier public concern about the same problem
    earlier = publish(
        services.concern_submit(data=ConcernInput(text=TEXT, region_id=district.community_a.pk))[0]
    )
    # when another resident submits the same problem in other words
    data = form_data(district, text="政法路5栋楼道有人私拉电线给电动车充电，太危险了", client_token="tok-2")
    response = client.post(reverse("concerns:submit"), data)
    html = response.content.decode()
    # then the earlier one is shown with "我也遇到", and the form keeps the text to file anyway
    assert response.status_code == 200
    assert "已有 1 位居民反映类似问题" in html
    assert reverse("concerns:support", args=[earlier.public_id]) in html
    assert "仍然提交新的反映" in html
    # and confirming files it
    response = client.post(reverse("concerns:submit"), {**data, "confirm_new": "1"})
    assert response.status_code == 302
    assert Concern.objects.count() == 2


def test_the_similar_fragment_and_support(client, district):
    earlier = publish(
        services.concern_submit(data=ConcernInput(text=TEXT, region_id=district.community_a.pk))[0]
    )
    fragment = client.get(
        reverse("concerns:similar"), {"text": "5栋楼道私拉电线充电", "community": district.community_a.pk}
    ).content.decode()
    assert "我也遇到" in fragment
    response = client.post(reverse("concerns:support", args=[earlier.public_id]))
    assert "目前共有 2 位居民反映" in response.content.decode()
    again = client.post(reverse("concerns:support", args=[earlier.public_id]))
    assert "您已经说过遇到这个问题" in again.content.decode()
    earlier.refresh_from_db()
    assert earlier.supporters_count == 1


def test_the_tracking_page_shows_no_personal_data(client, district):
    concern, _ = services.concern_submit(
        data=ConcernInput(
            text=TEXT,
            region_id=district.community_a.pk,
            phone="13812345678",
            name="王五",
            consent=True,
            anonymous=False,
        )
    )
    html = client.get(reverse("concerns:track", args=[concern.tracking_code])).content.decode()
    assert "已收到您的反映（居民自行提交）" in html
    assert "13812345678" not in html
    assert "王五" not in html


def test_an_unknown_code_is_not_found(client, district):
    assert client.get(reverse("concerns:track", args=["ZZZZZZZZ"])).status_code == 404
    response = client.post(reverse("concerns:lookup"), {"code": "abc"})
    assert "没有找到该查询码" in response.content.decode()


def test_a_followup_through_the_tracking_page(client, district):
    concern, _ = services.concern_submit(data=ConcernInput(text=TEXT, region_id=district.community_a.pk))
    response = client.post(
        reverse("concerns:followup", args=[concern.tracking_code]), {"text": "晚上十点后最严重"}
    )
    assert response.status_code == 302
    assert "您补充了新的情况。" in client.get(response["Location"]).content.decode()


def test_listing_my_concerns_needs_the_sms_code(client, district, monkeypatch):
    # given two concerns filed with one phone
    for text in (TEXT, "南珠市场后巷的下水道堵塞，污水漫到路面"):
        services.concern_submit(
            data=ConcernInput(
                text=text,
                region_id=district.community_a.pk,
                phone="13812345678",
                consent=True,
                anonymous=False,
            )
        )
    codes = []
    monkeypatch.setattr(
        otp, "issue", lambda purpose, phone, _orig=otp.issue: codes.append(_orig(purpose, phone)) or codes[-1]
    )
    # when the resident asks for a code and types it
    client.post(reverse("concerns:mine"), {"phone": "13812345678", "action": "send"})
    assert OutboxMessage.objects.filter(body__contains=codes[0]).count() == 1
    response = client.post(
        reverse("concerns:mine"), {"phone": "13812345678", "action": "verify", "code": codes[0]}
    )
    # then they see both
    assert response.status_code == 302
    html = client.get(reverse("concerns:mine")).content.decode()
    assert "南珠市场后巷" in html
    assert "私拉电线" in html


def test_five_wrong_codes_then_a_wait(client, district):
    otp.issue("list", "13812345678")
    statuses = []
    for _ in range(5):
        response = client.post(
            reverse("concerns:mine"), {"phone": "13812345678", "action": "verify", "code": "000001"}
        )
        statuses.append(response.status_code)
    assert statuses == [400] * 5
    assert "验证码错误次数过多，请 15 分钟后再试。" in response.content.decode()
    assert "verified_phone" not in client.session


def test_the_resident_sees_and_deletes_their_contact_data(client, district, monkeypatch):
    concern, _ = services.concern_submit(
        data=ConcernInput(
            text=TEXT, region_id=district.community_a.pk, phone="13812345678", consent=True, anonymous=False
        )
    )
    codes = []
    monkeypatch.setattr(
        otp, "issue", lambda purpose, phone, _orig=otp.issue: codes.append(_orig(purpose, phone)) or codes[-1]
    )
    url = reverse("concerns:contact", args=[concern.tracking_code])
    assert "138****5678" in client.get(url).content.decode()
    client.post(url, {"action": "send"})
    client.post(url, {"action": "verify", "code": codes[0]})
    assert "13812345678" in client.get(url).content.decode()
    client.post(url, {"action": "delete"})
    concern.refresh_from_db()
    assert concern.phone_encrypted == ""
    assert AuditEvent.objects.filter(event_type="concern.contact_deleted").count() == 1


def test_a_grid_worker_uses_the_assisted_form(client, district, grid_worker):
    client.force_login(grid_worker)
    response = client.post(
        reverse("concerns:assist"),
        {
            "channel": "phone",
            "community": district.community_a.pk,
            "text": "老人来电：5栋楼道灯坏了一个月，晚上上下楼看不见",
            "name": "陈阿婆",
            "phone": "13907791234",
            "consent": "on",
            "client_token": "assist-1",
        },
    )
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"] == f"/concerns/staff/assist/?channel=phone&community={district.community_a.pk}"
    )
    assert (concern.operator, concern.channel, concern.phone_masked) == (grid_worker, "phone", "139****1234")


def test_the_assisted_form_requires_consent_for_a_phone(client, district, grid_worker):
    client.force_login(grid_worker)
    response = client.post(
        reverse("concerns:assist"),
        {"channel": "phone", "community": district.community_a.pk, "text": TEXT, "phone": "13907791234"},
    )
    assert response.status_code == 400
    assert "留下手机号需要您同意" in response.content.decode()
    assert TEXT in response.content.decode()


def test_residents_and_members_cannot_open_the_assisted_form(client, district, member):
    client.force_login(member)
    assert client.get(reverse("concerns:assist")).status_code == 403


def test_the_staff_list_queries_do_not_grow_with_rows(client, district, staff):
    client.force_login(staff)
    url = reverse("concerns:staff-list")
    services.concern_submit(data=ConcernInput(text=TEXT, region_id=district.community_a.pk))
    client.get(url)  # the session is now in the cache
    few = count_queries(lambda: client.get(url))
    for i in range(15):
        services.concern_submit(data=ConcernInput(text=f"{TEXT}{i}", region_id=district.community_b.pk))
    many = count_queries(lambda: client.get(url))
    assert many == few


def test_staff_outside_the_street_do_not_see_its_concerns(client, district, street_staff):
    other, _ = services.concern_submit(data=ConcernInput(text=TEXT, region_id=district.community_b.pk))
    client.force_login(street_staff)
    assert client.get(reverse("concerns:staff-detail", args=[other.pk])).status_code == 404
    assert other.tracking_code not in client.get(reverse("concerns:staff-list")).content.decode()


def test_revealing_the_phone_from_the_detail_page_is_logged(client, district, staff):
    concern, _ = services.concern_submit(
        data=ConcernInput(
            text=TEXT, region_id=district.community_a.pk, phone="13812345678", consent=True, anonymous=False
        )
    )
    client.force_login(staff)
    detail = client.get(reverse("concerns:staff-detail", args=[concern.pk])).content.decode()
    assert "138****5678" in detail
    assert "13812345678" not in detail
    response = client.post(reverse("concerns:reveal-contact", args=[concern.pk]))
    assert "13812345678" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="concern.contact_viewed", actor=staff).count() == 1


def test_a_room_poster_is_a_pdf_with_the_submit_link(client, district):
    room = RoomFactory(region=district.community_a, name="政法路社区“珠事好商量”协商议事室")
    response = client.get(reverse("concerns:room-poster", args=[room.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f"/concerns/new/?community={district.community_a.pk}".encode() in response.content


def test_a_grid_worker_files_what_they_collected_as_grid_screening(client, district, grid_worker):
    client.force_login(grid_worker)
    form = client.get(reverse("concerns:assist")).content.decode()
    assert '<option value="grid" selected>' in form
    response = client.post(
        reverse("concerns:assist"),
        {
            "channel": "door",
            "source": "grid",
            "community": district.community_a.pk,
            "text": TEXT,
            "client_token": "g-1",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("&source=grid")
    assert Concern.objects.get().source == "grid"


def test_grid_options_list_the_grids_of_the_chosen_community_only(client, district):
    url = reverse("concerns:grid-options")
    html = client.get(url, {"community": district.community_a.pk}).content.decode()
    assert f'<option value="{district.grid_a.pk}">政法路第1网格</option>' in html
    assert "赤西村第1网格" not in html
    forged = client.get(url, {"community": "1 OR 1=1"}).content.decode()
    assert forged.count("<option") == 1


@pytest.mark.parametrize(
    ("role", "offered"), [(Role.STAFF, True), (Role.GRID_WORKER, True), (Role.CHAIR, False)]
)
def test_the_detail_page_offers_the_desk_to_those_who_screen(client, district, role, offered):
    # given a concern in the district and a person of the role over it
    concern, _ = services.concern_submit(data=ConcernInput(text=TEXT, region_id=district.community_a.pk))
    person = UserFactory(role=role, region=district.grid_a if role == Role.GRID_WORKER else district.district)
    client.force_login(person)
    # when they open its staff page
    page = client.get(reverse("concerns:staff-detail", args=[concern.pk])).content.decode()
    # then the link to the desk is there exactly for the desk's roles
    assert ("研判、合并与办理情况" in page) is offered
    assert (reverse("screening:concern", args=[concern.pk]) in page) is offered


def test_a_photo_over_the_limit_is_refused_by_the_server_with_the_form_kept(client, district):
    # given a photo of just over 10 MB, sent where no script checked it first
    big = SimpleUploadedFile("大照片.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024), content_type="image/jpeg")
    # when the form is sent with it
    response = client.post(reverse("concerns:submit"), form_data(district, photos=[big]))
    # then it comes back with the reason, the text as typed, and nothing filed
    html = response.content.decode()
    assert response.status_code == 400
    assert "照片“大照片.jpg”未能上传：文件过大：最大 10 MB。" in html
    assert TEXT in html
    assert Concern.objects.count() == 0
