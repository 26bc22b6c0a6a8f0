"""The data behind the statistics page's charts (read by ``static/reports/charts.js``)."""

from __future__ import annotations

from typing import Any

from shangliang.reports.selectors import Statistics

# The figures compared across the breakdown's groups.
COMPARED = ("concerns_received", "meetings_held", "problems_solved", "recommendations_sent")


def chart_data(stats: Statistics) -> dict[str, Any]:
    trend = [f for f in stats.figures if f.months]
    data: dict[str, Any] = {
        "trend": {
            "categories": [f"{m:%Y-%m}" for m in stats.months],
            "series": [{"name": f.label, "data": [v or 0 for _, v in f.months]} for f in trend],
        }
    }
    compared = [f for f in stats.figures if f.name in COMPARED and f.groups]
    if compared:
        labels = sorted({g.label for f in compared for g in f.groups})
        data["groups"] = {
            "categories": labels,
            "series": [
                {
                    "name": f.label,
                    "data": [next((g.value or 0 for g in f.groups if g.label == lab), 0) for lab in labels],
                }
                for f in compared
            ],
        }
    return data
