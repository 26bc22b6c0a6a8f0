"""Role × state for every write of 三评: allowed ones write one row, refused ones write nothing."""

from __future__ import annotations

from typing import Any

import pytest

from shangliang.accounts.tests.factories import UserFactory
from shangliang.concerns.tests.factories import png
from shangliang.core.errors import ApplicationError
from shangliang.core.roles import Role
from shangliang.evaluations import services
from shangliang.evaluations.models import (
    Evaluation,
    EvaluationStatus,
    InviteeKind,
    PaperTally,
    ResidentVote,
    Review,
)
from shangliang.evaluations.rules import Counts
from shangliang.evaluations.services import InviteeInput
from shangliang.supervision.tests.factories import topic_with_items

pytestmark = pytest.mark.django_db

ROLES = [Role.STAFF, Role.GRID_WORKER, Role.REVIEWER, Role.MEMBER, Role.OFFICER, Role.SECRETARY, Role.ADMIN]


def _evaluation(district: Any, status: str) -> Evaluation:
    staff = UserFactory(role=Role.STAFF, region=district.district, username="opener")
    topic, _ = topic_with_items(district.community_a)
    evaluation = services.evaluation_open(
        actor=staff, invitees=[InviteeInput(InviteeKind.REPRESENTATIVE, "代表")], topic_id=topic.pk
    )
    if status == EvaluationStatus.CLOSED:
        Evaluation.objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.CLOSED)
        evaluation.refresh_from_db()
    return evaluation


WRITES = {
    "review": (
        lambda ev, user: services.review_submit(evaluation_id=ev.pk, grade="good", comment="好", actor=user),
        Review,
        {Role.REVIEWER, Role.ADMIN},
    ),
    "paper": (
        lambda ev, user: services.paper_tally_record(
            evaluation_id=ev.pk, counts=Counts(1), photo=png(), actor=user
        ),
        PaperTally,
        {Role.STAFF, Role.ADMIN},
    ),
    "visit entry": (
        lambda ev, user: services.resident_vote_cast(
            evaluation_id=ev.pk, choice="satisfied", channel="visit", household="1栋101", actor=user
        ),
        ResidentVote,
        {Role.STAFF, Role.GRID_WORKER, Role.ADMIN},
    ),
}


@pytest.mark.parametrize("status", [EvaluationStatus.OPEN, EvaluationStatus.CLOSED])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", list(WRITES))
def test_write_matrix(district: Any, write: str, role: str, status: str) -> None:
    evaluation = _evaluation(district, status)
    call, model, allowed_roles = WRITES[write]
    region = (
        district.grid_a if role == Role.GRID_WORKER else (None if role == Role.ADMIN else district.district)
    )
    user = UserFactory(role=role, region=region, is_superuser=role == Role.ADMIN)
    allowed = role in allowed_roles and status == EvaluationStatus.OPEN
    if allowed:
        call(evaluation, user)
        assert model.objects.count() == 1
    else:
        with pytest.raises(ApplicationError):
            call(evaluation, user)
        assert model.objects.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_close_matrix(district: Any, role: str) -> None:
    evaluation = _evaluation(district, EvaluationStatus.OPEN)
    reviewer = UserFactory(role=Role.REVIEWER, region=district.district, username="rev")
    services.review_submit(evaluation_id=evaluation.pk, grade="good", comment="好", actor=reviewer)
    services.resident_vote_cast(
        evaluation_id=evaluation.pk, choice="satisfied", channel="qr", phone="13900001111"
    )
    region = (
        district.grid_a if role == Role.GRID_WORKER else (None if role == Role.ADMIN else district.district)
    )
    user = UserFactory(role=role, region=region, is_superuser=role == Role.ADMIN)
    if role in (Role.STAFF, Role.ADMIN):
        services.evaluation_close(evaluation_id=evaluation.pk, actor=user)
        evaluation.refresh_from_db()
        assert evaluation.status == EvaluationStatus.CLOSED
    else:
        with pytest.raises(ApplicationError):
            services.evaluation_close(evaluation_id=evaluation.pk, actor=user)
        evaluation.refresh_from_db()
        assert (evaluation.status, evaluation.composite) == (EvaluationStatus.OPEN, None)
