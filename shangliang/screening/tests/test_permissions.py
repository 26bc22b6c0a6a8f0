"""Role × concern state × screening action: allowed ones happen, refused ones change nothing."""

from __future__ import annotations

import pytest

from shangliang.concerns.models import Concern, ConcernStatus
from shangliang.concerns.tests.factories import ConcernFactory
from shangliang.core.errors import ApplicationError
from shangliang.core.roles import Role
from shangliang.core.scope import ANONYMOUS, Scope
from shangliang.places.models import OrganisationKind, Region
from shangliang.places.tests.factories import OrganisationFactory
from shangliang.screening import permissions, services
from shangliang.screening.models import Decision, DeclineReason
from shangliang.screening.services import DecisionInput
from shangliang.topics.tests.factories import waiting_concern

pytestmark = pytest.mark.django_db

ROLES = ["admin_user", "staff", "secretary", "grid_worker", "member", "reviewer", "department_officer"]
STATES = [s.value for s in ConcernStatus]
ACTIONS = ["topic", "assign", "refer", "proposal", "opinion", "decline", "merge"]
SCREENERS = {"admin_user", "staff", "secretary", "grid_worker"}
DECIDERS = {"admin_user", "staff", "secretary"}


def allowed(role: str, state: str, action: str) -> bool:
    if state not in ("submitted", "screening"):
        return False
    if action in ("topic", "merge"):
        return role in SCREENERS
    return role in DECIDERS


def decision_for(action: str) -> DecisionInput:
    if action == "assign":
        return DecisionInput(
            kind="assign", reason="直接交办", department_id=OrganisationFactory(name="区园林所").pk
        )
    if action == "refer":
        body = OrganisationFactory(name="12345热线", kind=OrganisationKind.LINKED_BODY)
        return DecisionInput(kind="refer", reason="转热线", body_id=body.pk, reference="BH-1")
    if action == "decline":
        return DecisionInput(
            kind="decline", decline_reason_id=DeclineReason.objects.create(text="私人纠纷").pk
        )
    return DecisionInput(kind=action, reason="研判理由")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_screening_matrix(request, district, role, state, action):
    # given a concern of community a in ``state`` (and a target for merges)
    user = request.getfixturevalue(role)
    concern = waiting_concern(district.community_a, status=state)
    target = waiting_concern(district.community_a)
    decision = decision_for(action)
    # when the role tries the action
    try:
        if action == "merge":
            services.concern_merge(concern_id=concern.pk, into_concern_id=target.pk, actor=user)
        else:
            services.concern_decide(concern_id=concern.pk, decision=decision, actor=user)
        done = True
    except ApplicationError:
        done = False
    # then it happened exactly when allowed, and a refusal changed nothing
    concern.refresh_from_db()
    assert done == allowed(role, state, action), (role, state, action)
    if not done:
        assert (concern.status, concern.version, concern.merged_into_id) == (state, 1, None)
        assert Decision.objects.count() == 0


@pytest.mark.parametrize("role", ["secretary", "grid_worker"])
def test_other_communities_are_out_of_scope(request, district, role):
    user = request.getfixturevalue(role)
    concern = waiting_concern(district.community_b)
    with pytest.raises(ApplicationError):
        services.concern_decide(
            concern_id=concern.pk, decision=DecisionInput(kind="topic", reason="x"), actor=user
        )
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.SUBMITTED


@pytest.mark.parametrize(
    ("role", "state", "allowed_split"),
    [
        ("grid_worker", "merged", True),
        ("secretary", "accepted", True),
        ("staff", "declined", False),
        ("member", "merged", False),
        ("department_officer", "merged", False),
    ],
)
def test_split_matrix(request, district, role, state, allowed_split):
    user = request.getfixturevalue(role)
    first = ConcernFactory(community=district.community_a)
    concern = ConcernFactory(
        community=district.community_a, status=state, merged_into=first if state == "merged" else None
    )
    if state == "accepted":
        from shangliang.topics.tests.factories import topic_with

        topic_with(district.community_a, [concern])
        concern.refresh_from_db()
    try:
        services.concern_split(concern_id=concern.pk, actor=user)
        done = True
    except ApplicationError:
        done = False
    concern.refresh_from_db()
    assert done == allowed_split
    assert concern.status == ("screening" if done else state)


@pytest.mark.parametrize(
    ("scope", "desk", "inside", "outside"),
    [
        (Scope(user_id=1, role=Role.ADMIN, is_admin=True, region_path=""), True, True, True),
        (Scope(user_id=2, role=Role.STAFF, region_path="/1/2/"), True, True, False),
        (Scope(user_id=3, role=Role.GRID_WORKER, region_path="/1/2/"), True, True, False),
        (Scope(user_id=4, role=Role.MEMBER, community_ids=frozenset({7})), False, False, False),
        (Scope(user_id=5, role=Role.RESIDENT), False, False, False),
        (ANONYMOUS, False, False, False),
    ],
)
def test_the_desk_by_scope_and_region(scope, desk, inside, outside):
    # given concerns inside and outside the region /1/2/ (no database: a scope and two rows)
    near = Concern(region=Region(path="/1/2/7/"))
    far = Concern(region=Region(path="/1/9/"))
    # when asked / then
    assert permissions.can_use_desk(scope) is desk
    assert permissions.can_screen(scope, near) is inside
    assert permissions.can_screen(scope, far) is outside
