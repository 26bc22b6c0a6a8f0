from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from shangliang.accounts.tests.factories import UserFactory
from shangliang.actions.models import ActionStatus, ResultClass, SourceType
from shangliang.core.roles import Role
from shangliang.demo.builders import evaluations as builder
from shangliang.evaluations.models import Evaluation
from shangliang.evaluations.selectors import problems_solved_count
from shangliang.supervision.tests.factories import ActionItemFactory, topic_with_items
from shangliang.topics.models import Topic, TopicStatus

pytestmark = pytest.mark.django_db


def test_builder_completes_evaluates_and_publishes_the_cases_once(district: Any) -> None:
    # given the demo accounts, the 赤西村 topic with an item still in progress, and the 铜鼓里 direct assignment
    for role, name in (
        (Role.STAFF, "demo_staff"),
        (Role.REVIEWER, "demo_reviewer"),
        (Role.MEMBER, "demo_member"),
    ):
        UserFactory(role=role, region=district.district, username=name)
    UserFactory(role=Role.GRID_WORKER, region=district.grid_a, username="demo_grid")
    UserFactory(role=Role.ADMIN, username="demo_admin", is_superuser=True)
    topic, _ = topic_with_items(
        district.community_b, statuses=(ActionStatus.IN_PROGRESS, ActionStatus.ACCEPTED)
    )
    Topic.objects.filter(pk=topic.pk).update(title=builder.MEDICAL_TOPIC)
    ActionItemFactory(
        region=district.community_a2,
        source_type=SourceType.DIRECT,
        status=ActionStatus.CLOSED,
        result_class=ResultClass.SOLVED,
        completed_at=timezone.now(),
    )
    # when
    first = builder.build()
    second = builder.build()
    # then
    assert [e.passed for e in first] == [True, True]
    assert second == []
    topic.refresh_from_db()
    assert topic.status == TopicStatus.CLOSED
    indicator = topic.indicators.get()
    assert (indicator.before_text, indicator.after_text) == ("91.1%", "98.3%")
    assert problems_solved_count() == 2
    assert Evaluation.objects.count() == 2
