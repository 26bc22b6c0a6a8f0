"""The statistics page in the benchmark: the rollups are refreshed once after the records are
loaded (as the nightly job does), then ``dashboard`` measures the staff statistics page as an
administrator (no scope narrows the rows) over the presets, each street and each breakdown; the
days after the refresh are counted live from the records, as in production."""

from __future__ import annotations

import time
from typing import Any


def load(ctx: Any) -> dict[str, float]:
    from shangliang.reports import rollups

    began = time.perf_counter()
    written = rollups.refresh()
    return {"rollup_rows": float(sum(written.values())), "seconds": round(time.perf_counter() - began, 1)}


def queries(ctx: Any) -> list[str]:
    streets = sorted({int(c.path.strip("/").split("/")[-2]) for c in ctx.communities})
    breakdowns = ["", "street", "community", "source", "category", "form", "committee"]
    found = []
    for i in range(60):
        period = ("year", "month", "quarter", "since2021")[i % 4]
        found.append(f"?period={period}&breakdown={breakdowns[i % len(breakdowns)]}")
        found.append(f"?period={period}&street={streets[i % len(streets)]}")
    return found


def paths(ctx: Any) -> list[str]:
    return [f"/statistics/{q}" for q in queries(ctx)]


def calls(ctx: Any) -> list[Any]:
    from django.test import RequestFactory

    from shangliang.accounts.models import User
    from shangliang.reports import views

    admin = User.objects.get(username="bench-admin")  # made before the in-process measurements
    factory = RequestFactory()

    def page(query: str) -> Any:
        request = factory.get(f"/statistics/{query}")
        request.user = admin  # type: ignore[assignment]
        return views.staff_statistics(request)

    return [(lambda q=q: page(q)) for q in queries(ctx)]


def register() -> None:
    from bench import registry

    registry.register_loader("dashboard", load)
    registry.register_inprocess(registry.InProcess("dashboard", calls))
    registry.register_endpoint(registry.Endpoint("dashboard", paths, authenticated=True))
