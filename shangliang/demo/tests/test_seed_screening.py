"""The demo's screening records: topics and action items in every state, merges, referrals, declines."""

import pytest

from shangliang.actions.models import ActionItem, ActionStatus
from shangliang.concerns.models import Concern, ConcernStatus
from shangliang.outputs.models import Output
from shangliang.screening.models import Decision
from shangliang.topics.models import Topic, TopicStatus

pytestmark = pytest.mark.django_db


def build() -> None:
    from shangliang.demo.builders import accounts, concerns, places, screening

    built = places.build()
    accounts.build(built["regions"], built["organisations"])
    concerns.build()
    screening.build()


def test_seed_demo_shows_screening_topics_and_action_items_in_every_state():
    # when
    build()
    # then every topic state is there
    assert set(Topic.objects.values_list("status", flat=True)) == set(TopicStatus.values)
    # and action items in every state a visitor should see, overdue and returned included
    statuses = set(ActionItem.objects.values_list("status", flat=True))
    assert {
        ActionStatus.ASSIGNED,
        ActionStatus.RETURN_REQUESTED,
        ActionStatus.REASSIGNED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.EXTENSION_REQUESTED,
        ActionStatus.DONE,
        ActionStatus.CLOSED,
    } <= statuses
    assert any(item.is_overdue for item in ActionItem.objects.all())
    assert any(item.acceptance_overdue for item in ActionItem.objects.all())
    # and concerns merged, referred, converted, declined and still waiting
    concern_statuses = set(Concern.objects.values_list("status", flat=True))
    assert {
        ConcernStatus.MERGED,
        ConcernStatus.REFERRED,
        ConcernStatus.CONVERTED,
        ConcernStatus.DECLINED,
        ConcernStatus.SUBMITTED,
        ConcernStatus.ASSIGNED_DIRECTLY,
        ConcernStatus.CLOSED,
    } <= concern_statuses
    assert Decision.objects.filter(kind="refer").exclude(referral_ref="").count() == 2
    assert Output.objects.count() == 2
    # and the demo officer has work in their inbox
    assert ActionItem.objects.filter(department__name="海城区住房和城乡建设局").count() >= 4


def test_the_screening_demo_twice_changes_nothing():
    build()
    before = (
        Topic.objects.count(),
        ActionItem.objects.count(),
        Decision.objects.count(),
        Concern.objects.count(),
    )
    build()
    assert (
        Topic.objects.count(),
        ActionItem.objects.count(),
        Decision.objects.count(),
        Concern.objects.count(),
    ) == before
