"""Role × action for members' work, asked of a ``Scope`` value alone (no user object behind it)."""

from __future__ import annotations

from typing import Any

import pytest

from shangliang.core.errors import PermissionDenied
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.duty import permissions, selectors
from shangliang.places.tests import factories as pf

ADMIN = Scope(user_id=1, role=Role.ADMIN, is_admin=True, region_path="")
STAFF = Scope(user_id=2, role=Role.STAFF, region_path="0001")
CHAIR = Scope(user_id=3, role=Role.CHAIR, organisation_id=70)
CHAIR_WITHOUT_COMMITTEE = Scope(user_id=4, role=Role.CHAIR)
MEMBER = Scope(user_id=5, role=Role.MEMBER, member_id=500)
GRID_WORKER = Scope(user_id=6, role=Role.GRID_WORKER, region_path="0001", member_id=600)
ANONYMOUS = Scope()

WHO = {
    "admin": ADMIN,
    "staff": STAFF,
    "chair": CHAIR,
    "chair without committee": CHAIR_WITHOUT_COMMITTEE,
    "member": MEMBER,
    "grid worker": GRID_WORKER,
    "anonymous": ANONYMOUS,
}

# who → (ranking, verify reports, manage assessment, manage training, view trainings, self-report, review writings)
MATRIX = {
    "admin": (True, True, True, True, True, False, True),
    "staff": (True, True, True, True, True, False, True),
    "chair": (True, False, False, False, True, False, False),
    "chair without committee": (False, False, False, False, False, False, False),
    "member": (False, False, False, False, True, True, False),
    # A member link on another role's account does not make it a member's account.
    "grid worker": (False, False, False, False, False, False, False),
    "anonymous": (False, False, False, False, False, False, False),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_role_matrix_of_members_work(who: str) -> None:
    # given
    scope = WHO[who]

    # when
    answers = (
        permissions.can_view_ranking(scope),
        permissions.can_verify_reports(scope),
        permissions.can_manage_assessment(scope),
        permissions.can_manage_training(scope),
        permissions.can_view_trainings(scope),
        permissions.can_self_report(scope),
        permissions.can_review_writings(scope),
    )

    # then
    assert answers == MATRIX[who]


@pytest.mark.django_db
def test_a_member_record_is_seen_by_the_office_its_committee_chair_and_the_member_alone() -> None:
    # given a member of committee 70 (the chair's) and one of another committee
    committee = pf.OrganisationFactory(kind="special_committee")
    other = pf.OrganisationFactory(kind="special_committee")
    own = pf.MemberFactory(committee=committee)
    elsewhere = pf.MemberFactory(committee=other)
    chair = Scope(user_id=3, role=Role.CHAIR, organisation_id=committee.pk)
    member = Scope(user_id=5, role=Role.MEMBER, member_id=own.pk)

    # when
    seen = {
        name: [m.pk for m in (own, elsewhere) if selectors.member_get_for_viewer(scope, m.pk) is not None]
        for name, scope in {"staff": STAFF, "chair": chair, "member": member, "anonymous": ANONYMOUS}.items()
    }

    # then
    assert seen == {"staff": [own.pk, elsewhere.pk], "chair": [own.pk], "member": [own.pk], "anonymous": []}


@pytest.mark.django_db
def test_a_chair_ranking_is_their_committee_whatever_filter_they_ask(district: Any) -> None:
    # given
    committee = pf.OrganisationFactory(kind="special_committee")
    other = pf.OrganisationFactory(kind="special_committee")
    own = pf.MemberFactory(committee=committee, name="甲")
    pf.MemberFactory(committee=other, name="乙")
    chair = Scope(user_id=3, role=Role.CHAIR, organisation_id=committee.pk)

    # when
    rows = selectors.ranking_for(chair, 2025, committee_id=other.pk)

    # then
    assert [r.member.pk for r in rows] == [own.pk]
    with pytest.raises(PermissionDenied):
        selectors.ranking_for(MEMBER, 2025)
