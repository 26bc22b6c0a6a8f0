"""Photos of the intake: chosen once and kept through the similar-problems page and a field to
correct, decoded outside the write transaction, capped in pixels, written after the commit under
names that tell nothing, and served only through signed addresses."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from shangliang.concerns import pending, services
from shangliang.concerns.models import Concern, ConcernPhoto
from shangliang.concerns.services import ConcernInput
from shangliang.concerns.tests.factories import jpeg_with_gps, png, publish
from shangliang.core.errors import ApplicationError
from shangliang.files import images, uploads

pytestmark = pytest.mark.django_db

TEXT = "政法路5栋楼道里有人私拉电线给电动车充电，晚上很危险"
TOKEN = "0123456789abcdef0123456789abcdef"


def form_data(district, **extra):
    return {
        "text": TEXT,
        "community": district.community_a.pk,
        "contact": "anonymous",
        "client_token": TOKEN,
        **extra,
    }


def huge_png(name: str, size: tuple[int, int]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pending_files() -> list[str]:
    try:
        return sorted(default_storage.listdir(pending.DIRECTORY)[1])
    except FileNotFoundError:
        return []


def test_a_photo_chosen_before_the_similar_problems_page_is_filed_with_the_concern(
    client, district, django_capture_on_commit_callbacks
):
    # given an earlier public report of the same problem
    earlier, _ = services.concern_submit(data=ConcernInput(text=TEXT, region_id=district.community_a.pk))
    publish(earlier)
    # when a resident sends the same problem with a photo, without JavaScript
    response = client.post(
        reverse("concerns:submit"), form_data(district, photos=[jpeg_with_gps("楼道.jpg")])
    )
    html = response.content.decode()
    # then the page comes back saying why in one sentence, with the photo kept
    assert response.status_code == 200
    assert "还没有提交：附近已有居民反映过类似的问题" in html
    assert "已上传 1 张照片，提交时一并保存：楼道.jpg。" in html
    assert len(pending_files()) == 2
    # when they file anew without choosing the photo again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("concerns:submit"), form_data(district, confirm_new="1"))
    # then the new concern has the photo, and nothing is left kept
    concern = Concern.objects.latest("id")
    assert response.status_code == 302
    assert concern.photos.count() == 1
    assert default_storage.exists(concern.photos.get().image.name)
    assert pending_files() == []


def test_a_photo_chosen_before_a_field_error_is_kept_until_the_form_is_right(
    client, district, django_capture_on_commit_callbacks
):
    # when the form is sent with a photo but without a community
    response = client.post(reverse("concerns:submit"), form_data(district, community="", photos=[png()]))
    # then it comes back with the error and the photo kept
    assert response.status_code == 400
    assert "已上传 1 张照片" in response.content.decode()
    # when the community is chosen and one more photo added
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("concerns:submit"), form_data(district, photos=[png("second.png")]))
    # then both photos are filed
    assert Concern.objects.get().photos.count() == 2


def test_kept_photos_can_be_dropped(client, district):
    # given a photo kept by a refused form
    client.post(reverse("concerns:submit"), form_data(district, community="", photos=[png()]))
    # when the resident ticks 不要这些照片 and files
    client.post(reverse("concerns:submit"), form_data(district, drop_photos="1"))
    # then the concern has no photo and the kept files are gone
    assert Concern.objects.get().photos.count() == 0
    assert pending_files() == []


def test_kept_photos_belong_to_the_browser_that_chose_them(
    client, district, django_capture_on_commit_callbacks
):
    # given a photo kept for a form in one browser
    client.post(reverse("concerns:submit"), form_data(district, community="", photos=[png()]))
    # when another browser sends a form with the same token
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("concerns:submit"), form_data(district))
    # then its concern carries no photo of the first browser's
    assert Concern.objects.get().photos.count() == 0


def test_photo_files_are_written_after_the_commit_under_names_that_tell_nothing(
    district, django_capture_on_commit_callbacks
):
    # when a concern with a photo is filed and the transaction has not committed yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        concern, _ = services.concern_submit(
            data=ConcernInput(text=TEXT, region_id=district.community_a.pk, photos=[png()])
        )
        photo = ConcernPhoto.objects.get(concern=concern)
        # then its row names files that do not exist yet
        assert not default_storage.exists(photo.image.name)
        assert not default_storage.exists(photo.thumbnail.name)
    # when it commits
    for callback in callbacks:
        callback()
    # then they are written, named by nothing but a random token
    assert default_storage.exists(photo.image.name)
    assert default_storage.exists(photo.thumbnail.name)
    assert re.fullmatch(r"concerns/[A-Za-z0-9_-]{24}\.jpg", photo.image.name)
    assert concern.tracking_code not in photo.image.name
    assert str(concern.pk) not in photo.image.name.split("/")[0]


@pytest.mark.django_db(transaction=True)
def test_photos_are_decoded_and_similar_concerns_found_outside_the_write_transaction(district, monkeypatch):
    # given decoding and the similarity check that note whether a transaction is open
    seen: list[tuple[str, bool]] = []
    reencode, similar = images.reencode, services.text_selectors.similar

    def watched_reencode(*args, **kwargs):
        seen.append(("decode", connection.in_atomic_block))
        return reencode(*args, **kwargs)

    def watched_similar(*args, **kwargs):
        seen.append(("similar", connection.in_atomic_block))
        return similar(*args, **kwargs)

    monkeypatch.setattr(images, "reencode", watched_reencode)
    monkeypatch.setattr(services.text_selectors, "similar", watched_similar)
    # when a concern with two photos is filed
    services.concern_submit(
        data=ConcernInput(text=TEXT, region_id=district.community_a.pk, photos=[png(), jpeg_with_gps()])
    )
    # then neither ran inside the transaction
    assert seen == [("decode", False), ("decode", False), ("similar", False)]


def test_a_photo_over_40_megapixels_is_refused(district):
    # given a 7000 × 6000 image (42 MP; a small PNG)
    big = huge_png("big.png", (7000, 6000))
    # when / then
    with pytest.raises(ApplicationError) as excinfo:
        services.concern_submit(data=ConcernInput(text=TEXT, region_id=district.community_a.pk, photos=[big]))
    assert excinfo.value.message == "照片“big.png”未能上传：图片尺寸过大，请压缩后再上传。"
    assert uploads.MAX_IMAGE_PIXELS == 40_000_000


def test_photos_over_100_megapixels_together_are_refused(district):
    # given three images of 36 MP each
    photos = [huge_png(f"{i}.png", (6000, 6000)) for i in range(3)]
    # when / then
    with pytest.raises(ApplicationError) as excinfo:
        services.concern_submit(
            data=ConcernInput(text=TEXT, region_id=district.community_a.pk, photos=photos)
        )
    assert excinfo.value.message == "这些照片合计尺寸过大（超过 100 百万像素），请少选几张或压缩后再上传。"
    assert Concern.objects.count() == 0


def test_the_tracking_page_shows_photos_through_signed_addresses_only(
    client, district, django_capture_on_commit_callbacks
):
    # given a concern with a photo
    with django_capture_on_commit_callbacks(execute=True):
        concern, _ = services.concern_submit(
            data=ConcernInput(text=TEXT, region_id=district.community_a.pk, photos=[png()])
        )
    # when its tracking page is opened
    html = client.get(reverse("concerns:track", args=[concern.tracking_code])).content.decode()
    # then the photo is linked through /files/, never /media/, and that address serves it
    assert "/media/" not in html
    urls = re.findall(r'src="(/files/[^"]+)"', html)
    assert len(urls) == 1
    response = client.get(urls[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    # and a forged or altered address serves nothing
    assert client.get(urls[0].replace("/files/", "/files/x")).status_code == 404
    forged = reverse("portal:file", kwargs={"token": concern.photos.get().image.name.replace("/", ":")})
    assert client.get(forged).status_code == 404
