"""Topics, concerns and action items in a given state, for supervision and evaluation tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from shangliang.actions.models import ActionItem, ActionStatus, ResultClass, SourceType
from shangliang.concerns.models import Concern, ConcernStatus
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.places.models import Organisation, OrganisationKind, Region
from shangliang.privacy import personal
from shangliang.topics.models import JoinedVia, Topic, TopicConcern, TopicStatus


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    title = factory.Sequence(lambda n: f"整治老旧小区飞线充电{n}")
    description = "老旧小区居民从楼上拉电线给电动车充电，存在火灾隐患。"
    status = TopicStatus.IMPLEMENTING
    region_path = factory.LazyAttribute(lambda o: o.region.path)


def housing_bureau() -> Organisation:
    """The department the department_officer persona works in (same name), with a supervising leader."""
    department, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.DEPARTMENT, name="区住建局", defaults={"supervising_leader": "李副区长"}
    )
    if not department.supervising_leader:
        department.supervising_leader = "李副区长"
        department.save(update_fields=["supervising_leader"])
    return department


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    title = factory.Sequence(lambda n: f"建设集中充电桩{n}")
    source_type = SourceType.CONSENSUS
    department = factory.LazyFunction(lambda: housing_bureau())
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    accept_due = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    status = ActionStatus.IN_PROGRESS


def concern_with_phone(community: Region, phone: str = "13877901234", **extra: Any) -> Concern:
    number = personal.normalize_mobile(phone)
    return ConcernFactory(
        community=community,
        status=ConcernStatus.ACCEPTED,
        phone_encrypted=personal.encrypt(number),
        phone_hash=personal.lookup_hash(number),
        phone_masked=personal.mask_phone(number),
        **extra,
    )


def topic_with_items(
    region: Region,
    *,
    statuses: tuple[str, ...] = (ActionStatus.VERIFIED, ActionStatus.VERIFIED),
    result_class: str = ResultClass.SOLVED,
    department: Any = None,
    concern: Concern | None = None,
) -> tuple[Topic, list[ActionItem]]:
    topic = TopicFactory(region=region, community=region)
    if concern is not None:
        TopicConcern.objects.create(topic=topic, concern=concern, via=JoinedVia.CREATED)
    items = []
    for status in statuses:
        finished = status in (ActionStatus.DONE, ActionStatus.VERIFIED, ActionStatus.CLOSED)
        extra: dict[str, Any] = {"department": department} if department is not None else {}
        items.append(
            ActionItemFactory(
                topic=topic,
                region=region,
                status=status,
                result_class=result_class if finished else "",
                result_text="已建成集中充电桩 2 处，飞线全部拆除。" if finished else "",
                completed_at=timezone.now() if finished else None,
                **extra,
            )
        )
    return topic, items
