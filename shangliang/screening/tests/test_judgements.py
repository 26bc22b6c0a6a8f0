"""Every merge, split, "not the same" dismissal and category correction is a labelled example."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shangliang.concerns import services as concern_services
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.models import AuditEvent
from shangliang.core.scope import scope_of
from shangliang.screening import selectors, services
from shangliang.text.models import Category, Judgement, SearchDocument
from shangliang.topics.tests.factories import waiting_concern

pytestmark = pytest.mark.django_db


def _labels() -> list[tuple[str, str, int, str, int | None]]:
    return list(
        Judgement.objects.order_by("id").values_list(
            "label", "via", "object_id", "other_kind", "other_object_id"
        )
    )


def test_a_merge_then_a_split_leave_one_example_the_split_decided(district, grid_worker):
    # given
    first = waiting_concern(district.community_a, text="3栋电梯又坏了")
    second = waiting_concern(district.community_a, text="三栋的电梯停了两天")
    # when
    merged = services.concern_merge(concern_id=second.pk, into_concern_id=first.pk, actor=grid_worker)
    after_merge = _labels()
    services.concern_split(concern_id=second.pk, actor=grid_worker, expected_version=merged.version)
    # then
    assert after_merge == [("same", "merge", second.pk, "concern", first.pk)]
    assert _labels() == [("different", "split", second.pk, "concern", first.pk)]
    judgement = Judgement.objects.get()
    assert (judgement.text, judgement.other_text, judgement.actor) == (second.text, first.text, grid_worker)


def test_not_the_same_is_recorded_and_the_record_is_no_longer_listed(district, grid_worker):
    # given: two reports of the same estate the engine finds similar
    lift = waiting_concern(district.community_a, text="海景花园5栋电梯坏了，老人下不了楼")
    light = waiting_concern(district.community_a, text="海景花园5栋楼道灯坏了，老人下楼看不见")
    for concern in (lift, light):
        concern_services.index_concern(concern)
    listed = [item.object_id for item in selectors.similar_for(scope_of(grid_worker), light)]
    # when
    services.concern_dismiss_similar(
        concern_id=light.pk, other_kind="concern", other_object_id=lift.pk, actor=grid_worker
    )
    # then
    assert listed == [lift.pk]
    assert [item.object_id for item in selectors.similar_for(scope_of(grid_worker), light)] == []
    assert _labels() == [("different", "dismiss", light.pk, "concern", lift.pk)]
    assert AuditEvent.objects.filter(event_type="concern.not_duplicate", object_id=str(light.pk)).count() == 1


def test_not_the_same_needs_the_desk_and_an_existing_record(district, grid_worker, resident):
    # given
    concern = waiting_concern(district.community_a)
    # when / then
    with pytest.raises(PermissionDenied):
        services.concern_dismiss_similar(
            concern_id=concern.pk, other_kind="concern", other_object_id=concern.pk + 1, actor=resident
        )
    with pytest.raises(ApplicationError, match="没有找到该相似记录"):
        services.concern_dismiss_similar(
            concern_id=concern.pk, other_kind="concern", other_object_id=concern.pk + 999, actor=grid_worker
        )
    assert Judgement.objects.count() == 0


def test_a_category_correction_is_saved_indexed_and_learned(district, grid_worker):
    # given
    concern = waiting_concern(district.community_a, text="楼下大排档半夜还很吵")
    concern_services.index_concern(concern)
    noise = Category.objects.get(name="噪音扰民")
    # when
    services.concern_set_category(
        concern_id=concern.pk, category_id=noise.pk, actor=grid_worker, expected_version=concern.version
    )
    # then
    concern.refresh_from_db()
    assert (concern.category_id, concern.version) == (noise.pk, 2)
    assert SearchDocument.objects.get(kind="concern", object_id=concern.pk).category == "噪音扰民"
    judgement = Judgement.objects.get()
    assert (judgement.label, judgement.category, judgement.object_id) == ("category", "噪音扰民", concern.pk)
    assert AuditEvent.objects.filter(event_type="concern.category_corrected").count() == 1


def test_the_desk_page_posts_not_the_same_and_a_category(client, district, grid_worker):
    # given
    lift = waiting_concern(district.community_a, text="海景花园5栋电梯坏了，老人下不了楼")
    light = waiting_concern(district.community_a, text="海景花园5栋楼道灯坏了，老人下楼看不见")
    for concern in (lift, light):
        concern_services.index_concern(concern)
    client.force_login(grid_worker)
    page = client.get(reverse("screening:concern", args=[light.pk])).content.decode()
    property_category = Category.objects.get(name="物业管理")
    # when
    dismissed = client.post(
        reverse("screening:dismiss", args=[light.pk]), {"kind": "concern", "object_id": str(lift.pk)}
    )
    corrected = client.post(
        reverse("screening:category", args=[light.pk]),
        {"category": str(property_category.pk), "version": str(light.version)},
    )
    # then
    assert "不是同一问题" in page
    assert "更正类别" in page
    assert (dismissed.status_code, corrected.status_code) == (302, 302)
    assert sorted(Judgement.objects.values_list("label", flat=True)) == ["category", "different"]
