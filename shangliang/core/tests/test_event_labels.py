"""Every audit event kind the code can emit has a Chinese label, and no page shows a kind's code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from shangliang.core.event_labels import EVENT_LABELS, event_label

PACKAGE = Path(__file__).resolve().parents[2]
KIND = re.compile(r"\"([a-z_]+\.[a-z_]+)\"")
TEMPLATE = re.compile(r"event_type=f\"([a-z_]+)\.([a-z_]*)\{(\w+)\}([a-z_]*)\"")


def _choices() -> dict[str, list[str]]:
    """What each f-string's placeholder can be, keyed by the f-string's fixed parts."""
    from shangliang.actions.models import ActionStatus
    from shangliang.concerns.models import ConcernStatus
    from shangliang.duty.models import AppealStatus, WritingStatus
    from shangliang.meetings.models import MeetingStatus
    from shangliang.meetings.record import RECORD_KINDS
    from shangliang.outputs.models import OutputStatus
    from shangliang.screening.models import DecisionKind
    from shangliang.topics.models import TopicStatus

    return {
        "action.{}": ActionStatus.values,
        "concern.{}": ConcernStatus.values,
        "concern.decision_{}": DecisionKind.values,
        "concern.topic_{}": [s for s in TopicStatus.values if s != TopicStatus.PROPOSED],
        "topic.{}": [s for s in TopicStatus.values if s != TopicStatus.PROPOSED],
        "meeting.{}": MeetingStatus.values,
        "meeting.{}_added": list(RECORD_KINDS),
        "meeting.{}_removed": list(RECORD_KINDS),
        "meeting.minutes_signed_{}": ["host", "recorder"],
        "output.{}": OutputStatus.values,
        "duty.appeal_{}": [s for s in AppealStatus.values if s != AppealStatus.PENDING],
        "duty.writing_{}": WritingStatus.values,
    }


def emitted_kinds() -> set[str]:
    """Every kind written by the code: literals on the lines that record an event, and each value
    of the f-strings that build one."""
    kinds: set[str] = set()
    patterns = _choices()
    unknown = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if "event_type=" in line or "_record_created(" in line or re.search(r"\bevent = \"", line):
                kinds.update(KIND.findall(line))
            for entity, before, _name, after in TEMPLATE.findall(line):
                key = f"{entity}.{before}{{}}{after}"
                if key not in patterns:
                    unknown.append(f"{path.name}: {key}")
                    continue
                kinds.update(f"{entity}.{before}{value}{after}" for value in patterns[key])
    assert unknown == []
    return kinds


def test_every_kind_the_code_emits_has_a_label():
    # given every kind the code can write
    kinds = emitted_kinds()
    # then each has a Chinese label in the one table
    assert len(kinds) > 100
    assert sorted(k for k in kinds if k not in EVENT_LABELS) == []
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in EVENT_LABELS.values())


def test_an_unknown_kind_is_never_shown_as_its_code():
    assert event_label("meeting.something_new") == "其他操作"


@pytest.mark.django_db
def test_timelines_show_words_not_codes(client, district, staff):
    # given a concern screened into a topic whose timeline has events of several kinds
    from shangliang.concerns.tests.factories import ConcernFactory
    from shangliang.screening import services as screening
    from shangliang.screening.services import DecisionInput
    from shangliang.topics.services import TopicDraft

    concern = ConcernFactory(community=district.community_a, status="submitted")
    decision = screening.concern_decide(
        concern_id=concern.pk,
        decision=DecisionInput(
            kind="topic", reason="涉及全小区", topic=TopicDraft(title="整治老旧小区飞线充电")
        ),
        actor=staff,
    )
    client.force_login(staff)
    # when staff open the concern and the topic
    pages = [
        client.get(reverse("screening:concern", args=[concern.pk])).content.decode(),
        client.get(reverse("concerns:staff-detail", args=[concern.pk])).content.decode(),
        client.get(reverse("topics:staff-detail", args=[decision.topic.pk])).content.decode(),
    ]
    # then no event kind appears as its code
    for page in pages:
        assert [kind for kind in EVENT_LABELS if kind in page] == []
    assert "研判决定：立题" in pages[1]


def test_no_template_prints_an_event_kind_without_its_label():
    # given every template of the project
    raw = re.compile(r"\{\{\s*[\w.]*event_type\s*\}\}")
    # then none prints an event kind as it is
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.html")
        if raw.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
