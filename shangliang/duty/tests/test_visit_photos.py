"""Photos of activity-group visits: re-encoded without metadata before the transaction, written after
the commit under random names, served by the visit's page to those who may see the visit."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shangliang.concerns.tests.factories import jpeg_with_gps, png
from shangliang.core.scope import scope_of
from shangliang.duty import services
from shangliang.duty.models import Visit, VisitPhoto
from shangliang.duty.tests.factories import group_of, member_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(district: Any) -> Any:
    a = member_user("邵响亮", district.district)
    b = member_user("梁国栋", district.district)
    return group_of(district.community_a, [a.member, b.member])


def visit_input(group: Any, photos: list[Any]) -> services.VisitInput:
    member_ids = list(group.members.values_list("pk", flat=True))
    return services.VisitInput(
        group_id=group.pk,
        visited_on=timezone.localdate(),
        member_ids=member_ids,
        heard="居民反映小区树木遮挡采光",
        photos=photos,
    )


def leader(group: Any) -> Any:
    from shangliang.accounts.models import User

    return User.objects.get(member=group.members.order_by("pk").first())


def test_visit_photos_are_written_after_the_commit_under_names_that_tell_nothing(
    group, django_capture_on_commit_callbacks
):
    actor = leader(group)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        visit = services.visit_record(
            data=visit_input(group, [jpeg_with_gps("走访.jpg")]), scope=scope_of(actor), actor=actor
        )
        photo = VisitPhoto.objects.get(visit=visit)
        assert not default_storage.exists(photo.file.name)
    for callback in callbacks:
        callback()
    assert re.fullmatch(r"visits/[A-Za-z0-9_-]{24}\.jpg", photo.file.name)
    assert re.fullmatch(r"visits/[A-Za-z0-9_-]{24}-t\.jpg", photo.thumbnail.name)
    assert photo.name == "走访.jpg"
    with default_storage.open(photo.file.name) as f, Image.open(f) as image:
        assert (image.format, dict(image.getexif())) == ("JPEG", {})


def test_a_failed_visit_leaves_no_photo_file(group, monkeypatch, django_capture_on_commit_callbacks):
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    actor = leader(group)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        services.visit_record(data=visit_input(group, [png()]), scope=scope_of(actor), actor=actor)
    assert (Visit.objects.count(), VisitPhoto.objects.count(), callbacks) == (0, 0, [])
    assert not default_storage.exists("visits")


def test_a_visit_photo_opens_for_those_who_may_see_the_visit_only(
    client, district, group, staff, django_capture_on_commit_callbacks
):
    # given a visit recorded with two photos through its form
    actor = leader(group)
    client.force_login(actor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("duty:visit-create", args=[group.pk]),
            {
                "group": group.pk,
                "visited_on": timezone.localdate().isoformat(),
                "members": [str(pk) for pk in group.members.values_list("pk", flat=True)],
                "heard": "听取意见",
                "concerns": "",
                "photos": [png("一.png"), png("二.png")],
            },
        )
    assert response.status_code == 302
    visit = Visit.objects.get()
    # when a group member opens the visit page
    page = client.get(reverse("duty:visit-detail", args=[visit.pk])).content.decode()
    urls = sorted(set(re.findall(r'(?:href|src)="(/duty/visits/[^"]+/photos/[^"]+)"', page)))
    # then each photo and its thumbnail open for them and for the office
    assert len(urls) == 4
    office = Client()
    office.force_login(staff)
    assert [client.get(url).status_code for url in urls] == [200] * 4
    assert [office.get(url)["Content-Type"] for url in urls] == ["image/jpeg"] * 4
    # and not for a member outside the group, nor for someone not signed in
    outsider = Client()
    outsider.force_login(member_user("黄玉春", district.district))
    assert [outsider.get(url).status_code for url in urls] == [404] * 4
    assert [Client().get(url).status_code for url in urls] == [302] * 4


def test_a_visit_photo_that_is_not_an_image_is_refused_in_chinese_and_the_form_kept(client, group):
    client.force_login(leader(group))
    response = client.post(
        reverse("duty:visit-create", args=[group.pk]),
        {
            "group": group.pk,
            "visited_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "members": [str(pk) for pk in group.members.values_list("pk", flat=True)],
            "heard": "听取意见：路灯不亮",
            "photos": [SimpleUploadedFile("现场.jpg", b"<html>", content_type="image/jpeg")],
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "照片“现场.jpg”未能上传：图片已损坏或不是有效图片。" in body
    assert "听取意见：路灯不亮" in body
    assert Visit.objects.count() == 0
