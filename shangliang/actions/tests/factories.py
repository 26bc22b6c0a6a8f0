from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from shangliang.actions.models import ActionItem, ActionStatus


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    title = "铜鼓里小区修剪遮挡窗户的树木"
    description = "台风季前修剪"
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    status = ActionStatus.ASSIGNED
    accept_due = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3))
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
