from __future__ import annotations

import pytest

from shangliang.duty import defaults
from shangliang.duty.models import DutyItem, DutyRule


@pytest.fixture
def duty_rules(db: None) -> None:
    """The default rule table: the data migration loads it, but a transactional test's flush before
    this one may have emptied it."""
    defaults.load(DutyItem, DutyRule)
