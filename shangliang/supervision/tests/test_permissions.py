"""Who may open the 督办台 and 回访核实: pure predicates of a scope (no person, no database)."""

import pytest

from shangliang.core.roles import Role
from shangliang.core.scope import ANONYMOUS, Scope
from shangliang.supervision import permissions

ADMIN = Scope(user_id=1, role=Role.STAFF, is_admin=True, region_path="", region_id=1)
STAFF = Scope(user_id=2, role=Role.STAFF, region_path="/1/2/", region_id=2)
GRID = Scope(user_id=3, role=Role.GRID_WORKER, region_path="/1/2/3/", region_id=3)
SECRETARY = Scope(user_id=4, role=Role.SECRETARY, region_path="/1/2/3/", region_id=3)
STAFF_WITHOUT_REGION = Scope(user_id=5, role=Role.STAFF)
RESIDENT = Scope(user_id=6, role=Role.RESIDENT)


@pytest.mark.parametrize(
    ("scope", "board", "verify"),
    [
        (ADMIN, True, True),
        (STAFF, True, True),
        (GRID, False, True),
        (SECRETARY, False, False),
        (STAFF_WITHOUT_REGION, False, True),
        (RESIDENT, False, False),
        (ANONYMOUS, False, False),
    ],
)
def test_board_and_verification_by_scope(scope, board, verify):
    assert permissions.can_view_board(scope) is board
    assert permissions.can_verify(scope) is verify
