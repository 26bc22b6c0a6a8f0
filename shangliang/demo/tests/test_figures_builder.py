import datetime as dt
import io

import pytest
from django.core.management import call_command

from shangliang.meetings.models import Meeting
from shangliang.meetings.selectors import HELD_STATUSES
from shangliang.outputs.models import Instruction, Output
from shangliang.topics.models import Topic

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_articles_figures_since_2021_through_the_counting_rules(client):
    # given the demo district
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    counts = (Topic.objects.count(), Output.objects.count(), Instruction.objects.count())
    # when it is built again and the public statistics since 2021 are read
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    response = client.get("/api/v1/stats", {"since": "2021-01-01"})
    assert response.status_code == 200, response.content[:3000]
    body = response.json()
    # then they are the article's, and the second build added nothing
    values = {f["name"]: f["value"] for f in body["figures"]}
    assert {k: values[k] for k in ("problems_solved", "recommendations_sent", "rooms")} == {
        "problems_solved": 15,
        "recommendations_sent": 10,
        "rooms": 17,
    }
    # the special committees' 2022 consultations (members' work) are among the meetings held
    held = Meeting.objects.filter(status__in=HELD_STATUSES, starts_at__date__gte=dt.date(2021, 1, 1))
    assert values["meetings_held"] == held.count() == 15
    assert values["instructions"] > 0
    assert (Topic.objects.count(), Output.objects.count(), Instruction.objects.count()) == counts
