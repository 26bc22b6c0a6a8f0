"""Role × state × transition for action items: allowed ones move, refused ones change nothing."""

from __future__ import annotations

import pytest

from shangliang.actions import services
from shangliang.actions.models import ACTION_TRANSITIONS, ActionStatus
from shangliang.actions.tests.factories import ActionItemFactory
from shangliang.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

ROLES = ["admin_user", "staff", "secretary", "grid_worker", "department_officer", "other_officer", "reviewer"]
DEPARTMENT = {
    ActionStatus.ACCEPTED,
    ActionStatus.RETURN_REQUESTED,
    ActionStatus.IN_PROGRESS,
    ActionStatus.EXTENSION_REQUESTED,
    ActionStatus.DONE,
}
WORKING = {"assigned", "reassigned", "accepted", "in_progress", "extended", "reopened"}


@pytest.fixture
def other_officer(district):
    from shangliang.accounts.tests.factories import UserFactory
    from shangliang.places.tests.factories import OrganisationFactory

    return UserFactory(
        role="officer", region=district.district, organisation=OrganisationFactory(name="区医保局")
    )


def call(item, new, user):
    """The service that makes each transition, with valid input."""
    import datetime as dt

    from django.utils import timezone

    from shangliang.concerns.tests.factories import png
    from shangliang.places.tests.factories import OrganisationFactory

    later = timezone.localdate() + dt.timedelta(days=30)
    steps = {
        ActionStatus.ACCEPTED: lambda: services.action_accept(item_id=item.pk, actor=user),
        ActionStatus.RETURN_REQUESTED: lambda: services.action_request_return(
            item_id=item.pk, reason="非本单位职责", actor=user
        ),
        ActionStatus.REASSIGNED: lambda: services.action_reassign(
            item_id=item.pk, department_id=OrganisationFactory().pk, actor=user
        ),
        ActionStatus.IN_PROGRESS: lambda: (
            services.action_report_progress(item_id=item.pk, text="进展", actor=user)
            if item.status in WORKING
            else services.action_decide_extension(item_id=item.pk, approve=False, reason="不同意", actor=user)
            if item.status == ActionStatus.EXTENSION_REQUESTED
            else services.action_verify(item_id=item.pk, passed=False, reason="未解决", actor=user)
        ),
        ActionStatus.EXTENSION_REQUESTED: lambda: services.action_request_extension(
            item_id=item.pk, until=later, reason="等待材料", actor=user
        ),
        ActionStatus.EXTENDED: lambda: services.action_decide_extension(
            item_id=item.pk, approve=True, actor=user
        ),
        ActionStatus.DONE: lambda: services.action_complete(
            item_id=item.pk, result_class="A", text="已解决", photos=[png()], actor=user
        ),
        ActionStatus.VERIFIED: lambda: services.action_verify(item_id=item.pk, passed=True, actor=user),
        ActionStatus.CLOSED: lambda: services.action_close(item_id=item.pk, actor=user),
        ActionStatus.REOPENED: lambda: services.action_reopen(
            item_id=item.pk, reason="评价未通过", deadline=later, actor=user
        ),
        ActionStatus.ASSIGNED: lambda: services.action_refuse_return(
            item_id=item.pk, reason="属于贵单位", actor=user
        ),
    }
    steps[new]()


def allowed(role: str, old: str, new: str) -> bool:
    if role == "admin_user":
        return True
    if new in DEPARTMENT and old in WORKING:
        return role == "department_officer"
    return role == "staff"


CASES = [(old, new) for old, targets in ACTION_TRANSITIONS.items() for new in sorted(targets)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("old", "new"), CASES)
def test_action_transition_matrix(request, district, department_officer, role, old, new):
    # given an item of the officer's department in state ``old``
    user = request.getfixturevalue(role)
    item = ActionItemFactory(
        department=department_officer.organisation,
        region=district.community_a,
        status=old,
        result_class="B" if old in ("done", "verified") else "",
        extension_until=None,
    )
    if old == ActionStatus.EXTENSION_REQUESTED:
        item.extension_until = item.deadline + __import__("datetime").timedelta(days=5)
        item.save()
    # when the role tries the step to ``new``
    try:
        call(item, new, user)
        moved = True
    except ApplicationError:
        moved = False
    # then it moved exactly when allowed, and a refusal changed nothing
    item.refresh_from_db()
    assert moved == allowed(role, old, new), (role, old, new)
    assert item.status == (new if moved else old)
    assert item.version == (1 if not moved else item.version)
