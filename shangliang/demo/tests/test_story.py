"""The demo tells one true story: dates in order, an evaluation residents can answer now, scores
that differ, and figures that match the lists they count."""

import io
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Min
from django.urls import reverse

from shangliang.concerns.models import Concern
from shangliang.core.models import AuditEvent
from shangliang.demo.builders.story import HELD, MEETING_STEPS
from shangliang.evaluations import selectors
from shangliang.evaluations.models import Evaluation, EvaluationStatus
from shangliang.evaluations.services import vote_url
from shangliang.topics.models import Topic

pytestmark = pytest.mark.django_db


def test_the_demo_tells_one_story_in_order(client):
    # given the demo district
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    concern_type = ContentType.objects.get_for_model(Concern)
    # then every concern of a held topic was filed, and screened, before its first meeting
    held = (
        Topic.objects.filter(meetings__status__in=HELD).annotate(first=Min("meetings__starts_at")).distinct()
    )
    assert held.count() >= 3
    for topic in held:
        for concern in Concern.objects.filter(topic_links__topic=topic, topic_links__removed_at__isnull=True):
            assert concern.created_at < topic.first, (topic.title, concern.created_at, topic.first)
            events = AuditEvent.objects.filter(content_type=concern_type, object_id=str(concern.pk)).order_by(
                "created_at", "pk"
            )
            before = []
            for event in events:
                if event.event_type in MEETING_STEPS:
                    break
                before.append(event)
            assert before
            assert all(e.created_at < topic.first for e in before), topic.title
    # and one residents' evaluation is open, its link answering
    open_evaluation = Evaluation.objects.filter(status=EvaluationStatus.OPEN).order_by("pk").first()
    assert open_evaluation is not None
    path = re.sub(r"^https?://[^/]+", "", vote_url(open_evaluation))
    assert client.get(path).status_code == 200
    # and the published scores differ
    composites = set(Evaluation.objects.filter(passed=True).values_list("composite", flat=True))
    assert len(composites) >= 4
    # and the results page lists as many problems as its figure counts
    html = client.get(reverse("evaluations:results")).content.decode()
    listed = html.count('<li class="card">')
    assert listed == selectors.problems_solved_count()
