from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from shangliang.concerns.models import Concern, ConcernStatus
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.workdays import add_working_days
from shangliang.places.models import Region
from shangliang.topics.models import JoinedVia, Topic, TopicConcern, TopicStatus


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    title = factory.Sequence(lambda n: f"整治老旧小区飞线充电{n}")
    description = "居民反映楼道私拉电线充电，存在火灾隐患。"
    region = factory.SelfAttribute("community")
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    status = TopicStatus.PROPOSED


def waiting_concern(community: Region, **kwargs: Any) -> Concern:
    """A concern waiting for a screening decision, due in 5 working days."""
    kwargs.setdefault("status", ConcernStatus.SUBMITTED)
    kwargs.setdefault("first_response_due", add_working_days(timezone.localdate(), 5))
    return ConcernFactory(community=community, **kwargs)


def topic_with(community: Region, concerns: list[Concern], **kwargs: Any) -> Topic:
    topic = TopicFactory(community=community, **kwargs)
    for concern in concerns:
        TopicConcern.objects.create(topic=topic, concern=concern, via=JoinedVia.CREATED)
        Concern.objects.filter(pk=concern.pk).update(status=ConcernStatus.ACCEPTED)
    return topic
