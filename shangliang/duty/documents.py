"""Exports of members' work: a member's 履职档案 as .docx, the annual ranking as .xlsx."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from shangliang.duty.models import DutyEntry, DutyItem
from shangliang.duty.selectors import MemberRow
from shangliang.places.models import Member

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"


def _font(run: Any, name: str, size: int, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def member_record_docx(
    *,
    member: Member,
    year: int,
    row: MemberRow,
    communities: Sequence[str],
    entries: Sequence[DutyEntry],
    subtotals: Sequence[tuple[DutyItem, int, int]],
    trend: Sequence[tuple[int, int]],
) -> bytes:
    doc = Document()
    title = doc.add_paragraph()
    _font(title.add_run(f"政协委员履职档案（{year}年度）"), TITLE_FONT, 18, bold=True)
    profile = [
        ("姓名", member.name),
        ("委员层级", member.get_level_display()),
        ("界别", str(member.sector or "—")),
        ("专门委员会", str(member.committee or "—")),
        ("届次", member.term),
        ("工作单位及职务", member.work_unit or "—"),
        ("联系村(社区)", "、".join(communities) or "—"),
        ("年度总分", str(row.total)),
        ("重要考评内容得分", str(row.key_total)),
        ("评定等次", row.grade or "—"),
        ("全区排名", str(row.rank or "—")),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in profile:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    heading = doc.add_paragraph()
    _font(heading.add_run("分项得分"), BODY_FONT, 14, bold=True)
    items = doc.add_table(rows=1, cols=3)
    items.style = "Table Grid"
    items.rows[0].cells[0].text, items.rows[0].cells[1].text, items.rows[0].cells[2].text = (
        "考核项目",
        "累计分值",
        "计入得分",
    )
    for item, points, counted in subtotals:
        cells = items.add_row().cells
        cells[0].text = item.name + (f"（上限{item.annual_cap}分）" if item.annual_cap else "")
        cells[1].text, cells[2].text = str(points), str(counted)
    heading = doc.add_paragraph()
    _font(heading.add_run("履职记录"), BODY_FONT, 14, bold=True)
    lines = doc.add_table(rows=1, cols=4)
    lines.style = "Table Grid"
    for cell, text in zip(lines.rows[0].cells, ("日期", "事项", "说明", "计入得分"), strict=True):
        cell.text = text
    for e in entries:
        cells = lines.add_row().cells
        cells[0].text = f"{e.occurred_on:%Y-%m-%d}"
        cells[1].text = e.rule.label
        cells[2].text = e.label
        cells[3].text = str(e.counted) if e.counted == e.points else f"{e.counted}（超上限，原{e.points}）"
    if trend:
        heading = doc.add_paragraph()
        _font(heading.add_run("历年得分"), BODY_FONT, 14, bold=True)
        doc.add_paragraph("；".join(f"{y}年 {t} 分" for y, t in trend))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


RANKING_HEADERS = [
    "全区排名",
    "姓名",
    "委员层级",
    "界别",
    "界别内排名",
    "专门委员会",
    "专委会内排名",
    "年度总分",
    "重要考评内容得分",
    "评定等次",
]


def ranking_xlsx(year: int, rows: Sequence[MemberRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{year}年度履职排名"
    sheet.append(RANKING_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for r in rows:
        sheet.append(
            [
                r.rank,
                r.member.name,
                r.member.get_level_display(),
                str(r.member.sector or ""),
                r.sector_rank or None,
                str(r.member.committee or ""),
                r.committee_rank or None,
                r.total,
                r.key_total,
                r.grade,
            ]
        )
    for column, width in zip("ABCDEFGHIJ", (10, 12, 16, 16, 12, 22, 14, 10, 16, 10), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
