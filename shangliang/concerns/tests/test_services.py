import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shangliang.concerns import services
from shangliang.concerns.models import Concern, ConcernPhoto, ConcernSupport, EntryChannel, SensitiveWord
from shangliang.concerns.services import ConcernInput
from shangliang.concerns.tests.factories import jpeg_with_gps, png, publish
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.models import AuditEvent
from shangliang.notifications.models import OutboxMessage
from shangliang.privacy import personal
from shangliang.text.models import SearchDocument

pytestmark = pytest.mark.django_db

TEXT = "政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险"


def submit(district, ip="10.0.0.1", **overrides):
    data = ConcernInput(text=TEXT, region_id=district.community_a.pk)
    for key, value in overrides.items():
        setattr(data, key, value)
    return services.concern_submit(data=data, ip=ip)


def test_a_resident_submits_with_phone_and_photo(district, django_capture_on_commit_callbacks):
    # given a resident's text, a photo carrying GPS metadata and a phone number with consent
    # when
    with django_capture_on_commit_callbacks(execute=True):
        concern, created = submit(
            district,
            phone="138 1234 5678",
            consent=True,
            anonymous=False,
            photos=[jpeg_with_gps()],
            client_token="t1",
        )
    # then the concern is stored with its place, an unguessable code and the phone protected
    assert created is True
    assert (concern.community, concern.region, concern.status) == (
        district.community_a,
        district.community_a,
        "submitted",
    )
    assert len(concern.tracking_code) == 8
    assert concern.phone_masked == "138****5678"
    assert "13812345678" not in concern.phone_encrypted
    assert personal.decrypt(concern.phone_encrypted) == "13812345678"
    assert concern.first_response_due is not None
    # and the photo was re-encoded without its metadata, with a thumbnail
    photo = ConcernPhoto.objects.get(concern=concern)
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) == 360
    # and the submission is on the public timeline, indexed (not public before staff confirm its
    # masked text), and the resident gets an SMS with the code
    event = AuditEvent.objects.get(event_type="concern.submitted")
    assert event.public is True
    assert event.public_text == "已收到您的反映（居民自行提交）。我们将在 5 个工作日内给出处理意见。"
    assert SearchDocument.objects.filter(kind="concern", object_id=concern.pk, is_public=False).count() == 1
    sms = OutboxMessage.objects.get()
    assert concern.tracking_code[:4] in sms.body


def test_a_double_submit_creates_one_concern(district):
    first, created_first = submit(district, client_token="same-token")
    second, created_second = submit(district, client_token="same-token")
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Concern.objects.count() == 1


def test_a_token_counts_only_within_minutes_of_the_first_submit(district, time_machine):
    # given a concern submitted with a token
    time_machine.move_to("2026-12-07 09:00:00+08:00")
    first, _ = submit(district, client_token="late-token")
    # when the same submit comes again after the window
    time_machine.move_to("2026-12-07 09:11:00+08:00")
    second, created = submit(district, client_token="late-token")
    # then it is a concern of its own
    assert created is True
    assert second.pk != first.pk
    assert second.client_token is None


def test_a_token_from_another_address_is_a_new_concern(district):
    first, _ = services.concern_submit(
        data=ConcernInput(text=TEXT, region_id=district.community_a.pk, client_token="t-ip"), ip="203.0.113.1"
    )
    second, created = services.concern_submit(
        data=ConcernInput(text=TEXT, region_id=district.community_a.pk, client_token="t-ip"), ip="203.0.113.2"
    )
    assert created is True
    assert second.pk != first.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"text": "   \n  "}, "text", "请填写您要反映的问题。"),
        ({"text": "路灯"}, "text", "问题描述太短了，请至少写 5 个字，说清楚是什么问题。"),
        ({"text": "楼" * 10_000}, "text", "问题描述不能超过 2000 字（现在 10000 字），请精简后再提交。"),
        ({"region_id": 999_999}, "region", "请选择问题所在的村(社区)。"),
        (
            {"phone": "0779-3033333", "anonymous": False, "consent": True},
            "phone",
            "请输入正确的11位大陆手机号码，例如 13812345678。",
        ),
        (
            {"phone": "13812345678", "anonymous": False, "consent": False},
            "consent",
            "留下手机号需要您同意我们用它联系您、发送办理进度短信。",
        ),
        ({"phone": "", "anonymous": False}, "phone", "请填写手机号，或选择匿名反映。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(district, overrides, field, message):
    with pytest.raises(ApplicationError) as excinfo:
        submit(district, **overrides)
    assert (excinfo.value.field, excinfo.value.message) == (field, message)
    assert Concern.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_street_is_not_a_place_for_a_concern(district):
    # a forged id of a street (not a community or grid) is refused like an unknown one
    with pytest.raises(ApplicationError) as excinfo:
        submit(district, region_id=district.street_a.pk)
    assert excinfo.value.message == "请选择问题所在的村(社区)。"


def test_a_grid_gives_its_community(district):
    concern, _ = submit(district, region_id=district.grid_a.pk)
    assert (concern.region, concern.community) == (district.grid_a, district.community_a)


def test_a_file_that_is_not_an_image_is_refused(district):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe", content_type="image/jpeg")
    with pytest.raises(ApplicationError) as excinfo:
        submit(district, photos=[fake])
    assert excinfo.value.message == "照片“photo.jpg”未能上传：图片已损坏或不是有效图片。"
    assert Concern.objects.count() == 0


def test_a_50_mb_photo_is_refused(district):
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (50 * 1024 * 1024), content_type="image/jpeg")
    with pytest.raises(ApplicationError) as excinfo:
        submit(district, photos=[big])
    assert excinfo.value.message == "照片“big.jpg”未能上传：文件过大：最大 10 MB。"


def test_an_image_bomb_is_refused(district):
    # given a tiny PNG that claims 30000 × 30000 pixels
    buffer = io.BytesIO()
    Image.new("1", (30000, 30000)).save(buffer, format="PNG")
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    assert bomb.size < 1024 * 1024
    # when / then
    with pytest.raises(ApplicationError) as excinfo:
        submit(district, photos=[bomb])
    assert excinfo.value.message == "照片“bomb.png”未能上传：图片尺寸过大，请压缩后再上传。"
    assert Concern.objects.count() == 0


def test_seven_photos_are_too_many(district):
    with pytest.raises(ApplicationError) as excinfo:
        submit(district, photos=[png(f"{i}.png") for i in range(7)])
    assert excinfo.value.message == "最多上传 6 张照片（您选了 7 张）。"


def test_submissions_from_one_address_are_limited(district, monkeypatch):
    monkeypatch.setattr(services, "SUBMIT_LIMIT_PER_IP", services.Limit(count=2, seconds=3600))
    submit(district, text=TEXT + "一")
    submit(district, text=TEXT + "二")
    with pytest.raises(ApplicationError) as excinfo:
        submit(district, text=TEXT + "三")
    assert excinfo.value.code == "rate_limited"
    assert Concern.objects.count() == 2


def test_submissions_with_one_phone_are_limited(district, monkeypatch):
    monkeypatch.setattr(services, "SUBMIT_LIMIT_PER_PHONE", services.Limit(count=1, seconds=86400))
    submit(district, phone="13812345678", consent=True, anonymous=False)
    with pytest.raises(ApplicationError) as excinfo:
        services.concern_submit(
            data=ConcernInput(
                text=TEXT,
                region_id=district.community_a.pk,
                phone="13812345678",
                consent=True,
                anonymous=False,
            ),
            ip="10.9.9.9",
        )
    assert excinfo.value.message == "该手机号今天提交次数已达上限，请明天再试。"


def test_a_sensitive_word_flags_for_review_and_never_drops(district):
    # given an administrator's sensitive-word list
    SensitiveWord.objects.create(word="集体上访")
    # when
    concern, _ = submit(district, text="再不解决我们就组织集体上访，楼道飞线太危险")
    # then the concern is kept, hidden from the public and marked for staff
    assert (concern.needs_review, concern.review_reason) == (True, "含敏感词：集体上访")
    assert SearchDocument.objects.get(kind="concern", object_id=concern.pk).is_public is False
    assert AuditEvent.objects.filter(event_type="concern.flagged").count() == 1


def test_support_counts_each_person_once(district):
    # given a public concern
    concern = publish(submit(district)[0])
    # when the same browser supports twice and a phone once
    _, first = services.concern_support(concern_id=concern.pk, browser_token="b1")
    _, again = services.concern_support(concern_id=concern.pk, browser_token="b1")
    _, by_phone = services.concern_support(concern_id=concern.pk, phone="139 0000 1111", consent=True)
    # then
    concern.refresh_from_db()
    assert (first, again, by_phone) == (True, False, True)
    assert concern.supporters_count == 2
    assert ConcernSupport.objects.count() == 2


def test_a_concern_under_review_cannot_be_supported(district):
    SensitiveWord.objects.create(word="上访")
    concern, _ = submit(district, text="楼道飞线，不解决就上访")
    with pytest.raises(ApplicationError):
        services.concern_support(concern_id=concern.pk, browser_token="b1")


def test_a_followup_adds_text_and_photo_while_open(district):
    concern, _ = submit(district)
    services.concern_add_followup(concern=concern, text="今天又看到有人在充电", photos=[png()])
    assert concern.followups.get().text == "今天又看到有人在充电"
    assert concern.photos.filter(followup__isnull=False).count() == 1


def test_a_followup_on_a_closed_concern_is_refused(district):
    concern, _ = submit(district)
    Concern.objects.filter(pk=concern.pk).update(status="closed")
    concern.refresh_from_db()
    with pytest.raises(ApplicationError) as excinfo:
        services.concern_add_followup(concern=concern, text="还有问题")
    assert excinfo.value.message == "这条反映已办结，不能再补充。如有新问题，请重新反映。"


def test_a_grid_worker_enters_a_concern_for_an_elderly_resident(district, grid_worker):
    # when a grid worker types in what an elderly resident said on the phone
    concern, _ = services.concern_submit(
        data=ConcernInput(
            text="铜鼓里小区的大树树枝拍打窗户，台风天很危险",
            region_id=district.community_a.pk,
            name="陈耀满",
            phone="13907791234",
            consent=True,
            anonymous=False,
            channel=EntryChannel.PHONE,
        ),
        actor=grid_worker,
    )
    # then the operator and the channel are recorded, and the name is protected
    assert (concern.operator, concern.channel) == (grid_worker, "phone")
    assert personal.decrypt(concern.name_encrypted) == "陈耀满"
    assert AuditEvent.objects.get(event_type="concern.submitted").actor == grid_worker


def test_assisted_entry_needs_a_back_office_role(district, member):
    with pytest.raises(PermissionDenied):
        services.concern_submit(
            data=ConcernInput(text=TEXT, region_id=district.community_a.pk, channel=EntryChannel.PHONE),
            actor=member,
        )
    assert Concern.objects.count() == 0


def test_assisted_entry_outside_the_workers_community_is_refused(district, grid_worker):
    with pytest.raises(PermissionDenied) as excinfo:
        services.concern_submit(
            data=ConcernInput(
                text=TEXT, region_id=district.community_b.pk, channel=EntryChannel.DOOR_TO_DOOR
            ),
            actor=grid_worker,
        )
    assert excinfo.value.message == "该村(社区)不在您的负责范围内。"


def test_a_hotline_referral_needs_its_ticket_number(district, staff):
    with pytest.raises(ApplicationError) as excinfo:
        services.concern_submit(
            data=ConcernInput(text=TEXT, region_id=district.community_a.pk, channel=EntryChannel.HOTLINE),
            actor=staff,
        )
    assert excinfo.value.message == "请填写12345热线工单号。"


def test_revealing_a_phone_is_logged(district, staff):
    concern, _ = submit(district, phone="13812345678", consent=True, anonymous=False)
    contact = services.contact_reveal(concern=concern, actor=staff, reason="回访")
    assert contact == {"name": "", "phone": "13812345678"}
    event = AuditEvent.objects.get(event_type="concern.contact_viewed")
    assert (event.actor, event.reason) == (staff, "回访")


def test_a_department_officer_cannot_reveal_a_phone(district, department_officer):
    concern, _ = submit(district, phone="13812345678", consent=True, anonymous=False)
    with pytest.raises(PermissionDenied):
        services.contact_reveal(concern=concern, actor=department_officer)
    assert AuditEvent.objects.filter(event_type="concern.contact_viewed").count() == 0


def test_the_resident_deletes_their_contact_data(district):
    concern, _ = submit(district, phone="13812345678", name="李四", consent=True, anonymous=False)
    services.contact_delete(concern=concern)
    concern.refresh_from_db()
    assert (concern.phone_encrypted, concern.phone_hash, concern.phone_masked, concern.name_encrypted) == (
        "",
        "",
        "",
        "",
    )
    assert concern.anonymous is True


def test_deleting_contact_data_erases_the_number_from_sent_sms(district):
    # given a concern whose receipt SMS went to the resident's phone
    concern, _ = submit(district, phone="13812345678", consent=True, anonymous=False)
    # when the resident deletes their contact data
    services.contact_delete(concern=concern)
    # then the SMS keeps its text for the timeline but no longer the number
    sms = OutboxMessage.objects.get()
    assert (sms.phone_encrypted, sms.phone_hash, sms.phone_masked) == ("", "", "")
    assert concern.tracking_code[:4] in sms.body


def test_suggestions_leave_out_concerns_the_record_says_are_under_review(district):
    # given: five earlier reports of one problem; the three newest were just flagged for review,
    # which their index rows do not say yet
    from shangliang.concerns import selectors

    earlier = [
        services.concern_submit(
            data=ConcernInput(text=TEXT, region_id=district.community_a.pk, client_token=f"e{n}")
        )[0]
        for n in range(5)
    ]
    for concern in earlier:
        publish(concern)
    Concern.objects.filter(pk__in=[c.pk for c in earlier[2:]]).update(needs_review=True)
    # when
    offered = selectors.similar_public(TEXT, community_id=district.community_a.pk)
    # then: the two that may be shown
    assert sorted(s.pk for s in offered) == sorted(c.pk for c in earlier[:2])
