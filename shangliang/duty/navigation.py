"""What members' work adds to the staff layout: navigation, to-dos and the periodic recomputation."""

from __future__ import annotations

from datetime import timedelta

from shangliang.core.periodic import register_periodic
from shangliang.duty.tasks import recompute_current_year


def register() -> None:
    register_periodic("duty.recompute_current_year", recompute_current_year, every=timedelta(hours=1))
