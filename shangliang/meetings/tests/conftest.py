from __future__ import annotations

from typing import Any

import pytest

from shangliang.meetings.tests.factories import World, world


@pytest.fixture
def w(district: Any, department_officer: Any) -> World:
    return world(district)
