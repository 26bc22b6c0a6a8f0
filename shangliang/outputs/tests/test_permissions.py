"""Who may list and draft outputs: pure predicates of a scope and a region (no database)."""

import pytest

from shangliang.core.roles import Role
from shangliang.core.scope import ANONYMOUS, Scope
from shangliang.outputs import permissions
from shangliang.places.models import Region

ADMIN = Scope(user_id=1, role=Role.ADMIN, is_admin=True, region_path="")
STAFF = Scope(user_id=2, role=Role.STAFF, region_path="/1/2/")
CHAIR = Scope(user_id=3, role=Role.CHAIR, region_path="/1/2/")
SECRETARY = Scope(user_id=4, role=Role.SECRETARY, region_path="/1/2/3/")
RESIDENT = Scope(user_id=5, role=Role.RESIDENT)


@pytest.mark.parametrize(
    ("scope", "listed", "inside", "outside"),
    [
        (ADMIN, True, True, True),
        (STAFF, True, True, False),
        (CHAIR, True, True, False),
        (SECRETARY, False, False, False),
        (RESIDENT, False, False, False),
        (ANONYMOUS, False, False, False),
    ],
)
def test_list_and_draft_by_scope_and_region(scope, listed, inside, outside):
    assert permissions.can_list(scope) is listed
    assert permissions.can_draft_in(scope, Region(path="/1/2/7/")) is inside
    assert permissions.can_draft_in(scope, Region(path="/1/9/")) is outside
