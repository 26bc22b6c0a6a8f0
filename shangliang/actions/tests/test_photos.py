"""Photos of progress and completion: decoded before the item is locked, written after the commit
under random names, and served only to the reader of the page that links them (anyone, on the
published result)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from shangliang.accounts.tests.factories import UserFactory
from shangliang.actions import services
from shangliang.actions.models import ActionPhoto, ActionProgress, ActionStatus
from shangliang.actions.tests.factories import ActionItemFactory
from shangliang.concerns.tests.factories import jpeg_with_gps, png
from shangliang.core.errors import ApplicationError
from shangliang.core.roles import Role
from shangliang.files import images
from shangliang.places.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FILE_URL = re.compile(r'(?:href|src)="(/files/[^"]+/)"')


def stored_files(directory: str = "actions") -> list[str]:
    try:
        return sorted(default_storage.listdir(directory)[1])
    except FileNotFoundError:
        return []


def in_progress(district: Any, officer: Any) -> Any:
    return ActionItemFactory(
        department=officer.organisation, region=district.community_a, status=ActionStatus.IN_PROGRESS
    )


def test_progress_photos_are_written_after_the_commit_under_names_that_tell_nothing(
    district, department_officer, django_capture_on_commit_callbacks
):
    item = in_progress(district, department_officer)
    # when progress with a phone photo is reported and the transaction has not committed yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.action_report_progress(
            item_id=item.pk, text="已清理一半", actor=department_officer, photos=[jpeg_with_gps("现场.jpg")]
        )
        photo = ActionPhoto.objects.get(report=report)
        # then its row names files that do not exist yet
        assert not default_storage.exists(photo.image.name)
        assert not default_storage.exists(photo.thumbnail.name)
    # when it commits
    for callback in callbacks:
        callback()
    # then both are written, named by a random token only, and the photo carries no metadata
    assert re.fullmatch(r"actions/[A-Za-z0-9_-]{24}\.jpg", photo.image.name)
    assert re.fullmatch(r"actions/[A-Za-z0-9_-]{24}-t\.jpg", photo.thumbnail.name)
    assert f"{item.pk}-" not in photo.image.name
    with default_storage.open(photo.image.name) as f, Image.open(f) as image:
        assert (image.format, dict(image.getexif())) == ("JPEG", {})


def test_a_failed_completion_leaves_no_photo_file(
    district, department_officer, monkeypatch, django_capture_on_commit_callbacks
):
    # given an item in progress, and an audit write that fails after the photos' rows are made
    item = in_progress(district, department_officer)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    # when the completion with a photo is attempted
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        services.action_complete(
            item_id=item.pk, result_class="A", text="已修剪完毕", actor=department_officer, photos=[png()]
        )
    # then nothing is stored: no row, no file, nothing waiting to be written
    item.refresh_from_db()
    assert (item.status, ActionPhoto.objects.count(), ActionProgress.objects.count()) == (
        ActionStatus.IN_PROGRESS,
        0,
        0,
    )
    assert callbacks == []
    assert stored_files() == []


@pytest.mark.django_db(transaction=True)
def test_photos_are_decoded_outside_the_transaction_that_locks_the_item(
    district, department_officer, monkeypatch
):
    item = in_progress(district, department_officer)
    seen: list[bool] = []
    reencode = images.reencode

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(connection.in_atomic_block)
        return reencode(*args, **kwargs)

    monkeypatch.setattr(images, "reencode", watched)
    services.action_report_progress(
        item_id=item.pk, text="进展", actor=department_officer, photos=[png(), png()]
    )
    assert seen == [False, False]
    assert len(stored_files()) == 4


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("现场.jpg", b"not an image at all", content_type="image/jpeg"),
            "照片“现场.jpg”未能上传：图片已损坏或不是有效图片。",
        ),
        (
            SimpleUploadedFile("说明.txt", b"text", content_type="text/plain"),
            "照片“说明.txt”未能上传：文件类型不支持：只接受图片（gif、jpeg、jpg、png、webp）。",
        ),
        (
            SimpleUploadedFile("大图.jpg", b"\xff" * (2 * 1024 * 1024), content_type="image/jpeg"),
            "照片“大图.jpg”未能上传：文件过大：最大 1 MB。",
        ),
    ],
)
def test_a_photo_that_is_too_big_or_not_an_image_is_refused_in_chinese(
    client, district, department_officer, settings, upload, message
):
    settings.SHANGLIANG_MAX_UPLOAD_MB = 1
    item = in_progress(district, department_officer)
    client.force_login(department_officer)
    # when progress is sent with that file
    response = client.post(
        reverse("actions:step", args=[item.pk, "progress"]),
        {"version": item.version, "text": "已联系施工队，明天进场", "photos": [upload], "confirm": "on"},
    )
    # then the form comes back with the reason and the text kept, and nothing is stored
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert "已联系施工队，明天进场" in body
    assert (ActionProgress.objects.count(), stored_files()) == (0, [])


def test_photo_addresses_on_the_item_page_open_for_its_reader_only(
    client, district, department_officer, django_capture_on_commit_callbacks
):
    # given a progress photo reported through the item page
    item = in_progress(district, department_officer)
    client.force_login(department_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("actions:step", args=[item.pk, "progress"]),
            {"version": item.version, "text": "已清理", "photos": [png()], "confirm": "on"},
        )
    assert response.status_code == 302
    # when the officer opens the item page
    urls = FILE_URL.findall(client.get(reverse("actions:detail", args=[item.pk])).content.decode())
    # then its photo and thumbnail open for them
    assert len(urls) == 2
    assert [client.get(url).status_code for url in urls] == [200, 200]
    # and for nobody else: an officer of another department, or someone not signed in
    other = UserFactory(role=Role.OFFICER, organisation=OrganisationFactory(name="区医保局"))
    someone = Client()
    someone.force_login(other)
    assert [someone.get(url).status_code for url in urls] == [404, 404]
    assert [Client().get(url).status_code for url in urls] == [404, 404]


def test_a_wrong_photo_count_is_refused_before_anything_is_decoded(district, department_officer):
    item = in_progress(district, department_officer)
    with pytest.raises(ApplicationError, match=r"最多上传 6 张照片（您选了 7 张）。"):
        services.action_report_progress(
            item_id=item.pk, text="进展", actor=department_officer, photos=[png() for _ in range(7)]
        )
    assert ActionProgress.objects.count() == 0
