"""The statistics tables as .xlsx (openpyxl) and .csv: the same figures as the page (one definition)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

from shangliang.reports.figures import BREAKDOWNS
from shangliang.reports.selectors import Statistics

FIGURES_SHEET = "指标"
GROUPS_SHEET = "分类统计"
TREND_SHEET = "月度趋势"


def figure_rows(stats: Statistics) -> Iterator[list[object]]:
    yield ["指标", "分项", "数值", "单位", "统计期间", "统计口径"]
    for f in stats.figures:
        yield [f.label, None, f.value, f.unit, stats.period.label, f.rule]
        for part in f.parts:
            yield [f.label, part.label, part.value, f.unit, stats.period.label, None]


def group_rows(stats: Statistics) -> Iterator[list[object]]:
    yield [BREAKDOWNS.get(stats.breakdown, "分类"), "指标", "数值", "单位"]
    for f in stats.figures:
        for g in f.groups:
            yield [g.label, f.label, g.value, f.unit]


def trend_rows(stats: Statistics) -> Iterator[list[object]]:
    trend = [f for f in stats.figures if f.months]
    yield ["月份", *[f.label for f in trend]]
    for i, month in enumerate(stats.months):
        yield [f"{month:%Y-%m}", *[f.months[i][1] for f in trend]]


def statistics_xlsx(stats: Statistics) -> bytes:
    book = Workbook(write_only=True)
    tables: list[tuple[str, Iterable[list[object]]]] = [(FIGURES_SHEET, figure_rows(stats))]
    if stats.breakdown:
        tables.append((GROUPS_SHEET, group_rows(stats)))
    tables.append((TREND_SHEET, trend_rows(stats)))
    for title, rows in tables:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def statistics_csv(stats: Statistics) -> str:
    """One file: the figures, then the breakdown and the trend, each table after a titled blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    tables: list[tuple[str, Iterable[list[object]]]] = [(FIGURES_SHEET, figure_rows(stats))]
    if stats.breakdown:
        tables.append((GROUPS_SHEET, group_rows(stats)))
    tables.append((TREND_SHEET, trend_rows(stats)))
    for i, (title, rows) in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([f"【{title}】"])
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return "\ufeff" + out.getvalue()  # Excel opens UTF-8 CSV correctly only with the BOM
