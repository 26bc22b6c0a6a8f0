"""An output as an official document (公文格式, after GB/T 9704): a .docx with the title in
方正小标宋简体 二号, 主送 and body in 仿宋_GB2312 三号 with a two-character first-line indent and
fixed 28-point lines, and the 落款 and date at the right; and the same structure for printable HTML."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from shangliang.core.errors import ApplicationError
from shangliang.outputs.models import Output

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
LINE = Pt(28)


@dataclass(frozen=True)
class Layout:
    title: str
    kind: str
    recipients: str
    paragraphs: list[str]
    signatory: str
    date: str


def chinese_date(output: Output) -> str:
    day = output.issued_on or output.sent_at or output.created_at
    return f"{day.year}年{day.month}月{day.day}日"


def layout(output: Output) -> Layout:
    recipients = "、".join(str(a) for a in output.addressees.all())
    return Layout(
        title=output.title,
        kind=output.get_kind_display(),
        recipients=recipients,
        paragraphs=[line.strip() for line in output.body.splitlines() if line.strip()],
        signatory=output.signatory or settings.SHANGLIANG.get("BRAND_ORG", ""),
        date=chinese_date(output),
    )


def _font(run: object, name: str, size: Pt, bold: bool = False) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = size  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]


def _paragraph(doc: object, text: str, *, align: int | None = None, indent: bool = False) -> None:
    paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)


def output_docx(output: Output) -> bytes:
    """The .docx of an output; refused with a clear message when there is no body yet."""
    if not output.body.strip():
        raise ApplicationError("该成果还没有正文，不能生成 .docx 文件。请先填写正文。")
    page = layout(output)
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(28)
    _font(title.add_run(page.title), TITLE_FONT, TITLE_SIZE)
    if page.recipients:
        _paragraph(doc, f"{page.recipients}：")
    for text in page.paragraphs:
        _paragraph(doc, text, indent=True)
    _paragraph(doc, "")
    _paragraph(doc, page.signatory, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, page.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
