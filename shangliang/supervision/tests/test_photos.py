"""Photos of 回访核实 visits: written after the commit under random names, linked to the reader only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shangliang.actions.models import ActionStatus
from shangliang.concerns.tests.factories import jpeg_with_gps, png
from shangliang.supervision import services
from shangliang.supervision.models import Verification, VerificationPhoto
from shangliang.supervision.tests.factories import ActionItemFactory

pytestmark = pytest.mark.django_db


def done_item(district: Any) -> Any:
    return ActionItemFactory(
        region=district.community_a, status=ActionStatus.DONE, result_class="A", completed_at=timezone.now()
    )


def record(item: Any, actor: Any, photo: Any = None) -> Verification:
    return services.visit_record(
        item_id=item.pk,
        method="visit",
        finding="confirmed",
        residents="政法路28号院 5 户",
        note="入户看过，充电桩已用上。",
        photos=[photo or jpeg_with_gps()],
        actor=actor,
    )


def test_visit_photos_are_written_after_the_commit_under_names_that_tell_nothing(
    district, grid_worker, django_capture_on_commit_callbacks
):
    item = done_item(district)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        visit = record(item, grid_worker)
        photo = VerificationPhoto.objects.get(verification=visit)
        assert not default_storage.exists(photo.image.name)
    for callback in callbacks:
        callback()
    assert re.fullmatch(r"supervision/[A-Za-z0-9_-]{24}\.jpg", photo.image.name)
    assert default_storage.exists(photo.image.name)
    assert default_storage.exists(photo.thumbnail.name)


def test_a_failed_visit_leaves_no_photo_file(
    district, grid_worker, monkeypatch, django_capture_on_commit_callbacks
):
    item = done_item(district)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        record(item, grid_worker)
    assert (Verification.objects.count(), VerificationPhoto.objects.count(), callbacks) == (0, 0, [])
    assert not default_storage.exists("supervision")


def test_visit_photo_addresses_open_for_the_page_reader_only(
    client, district, staff, grid_worker, django_capture_on_commit_callbacks
):
    # given a grid worker's visit with a photo
    item = done_item(district)
    with django_capture_on_commit_callbacks(execute=True):
        record(item, grid_worker, png())
    # when staff open the item's supervision page
    client.force_login(staff)
    page = client.get(reverse("supervision:item", args=[item.pk])).content.decode()
    urls = re.findall(r'(?:href|src)="(/files/[^"]+/)"', page)
    # then the photo opens for them, not for another person or someone not signed in
    assert len(urls) == 2
    assert [client.get(url).status_code for url in urls] == [200, 200]
    other = Client()
    other.force_login(grid_worker)
    assert [other.get(url).status_code for url in urls] == [404, 404]
    assert [Client().get(url).status_code for url in urls] == [404, 404]
