"""Role × state × transition for topics: allowed ones move, refused ones change nothing."""

from __future__ import annotations

import pytest

from shangliang.core.errors import ApplicationError
from shangliang.topics import services
from shangliang.topics.models import MANUAL_TRANSITIONS, TOPIC_TRANSITIONS, TopicStatus
from shangliang.topics.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "admin_user",
    "staff",
    "street_staff",
    "secretary",
    "grid_worker",
    "member",
    "reviewer",
    "department_officer",
]
# (role, from, to) → allowed, for a topic of community a (street a); everything else in the table
# is refused for that role.
SECRETARY = {("proposed", "approved"), ("proposed", "cancelled")}
# The changes a person makes on the topic page; the others follow their step (test_services).
CASES = [
    (old, new)
    for old, targets in TOPIC_TRANSITIONS.items()
    for new in sorted(targets)
    if new in MANUAL_TRANSITIONS and (old, new) != ("scheduled", "approved")
]


def allowed(role: str, old: str, new: str) -> bool:
    if role in ("admin_user", "staff", "street_staff"):
        return True
    if role == "secretary":
        return (old, new) in SECRETARY
    return False


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("old", "new"), CASES)
def test_topic_transition_matrix(request, district, role, old, new):
    # given a topic of community a in state ``old``
    user = request.getfixturevalue(role)
    topic = TopicFactory(
        community=district.community_a, status=old, cancel_reason="x" if old == "cancelled" else ""
    )
    # when the role tries to move it to ``new``
    try:
        services.topic_transition(topic_id=topic.pk, new=new, actor=user, reason="原因")
        moved = True
    except ApplicationError:
        moved = False
    # then it moved exactly when allowed, and a refusal changed nothing
    topic.refresh_from_db()
    assert moved == allowed(role, old, new)
    assert topic.status == (new if moved else old)
    assert topic.version == (2 if moved else 1)


@pytest.mark.parametrize("role", ["staff", "secretary", "grid_worker"])
def test_out_of_scope_topics_are_refused(request, district, role):
    user = request.getfixturevalue(role)
    topic = TopicFactory(community=district.community_b, status=TopicStatus.PROPOSED)
    if role == "staff":
        user.region = district.street_a
        user.save()
    with pytest.raises(ApplicationError):
        services.topic_transition(topic_id=topic.pk, new=TopicStatus.APPROVED, actor=user)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PROPOSED
