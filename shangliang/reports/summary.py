"""The annual work summary (.docx) written from the figures, after the article's own paragraph:
"据统计，2021年以来，该区共开展协商议事15次，解决15个问题，向党委政府报送10个建议。" """

from __future__ import annotations

import io

from django.conf import settings
from docx import Document
from docx.shared import Pt

from shangliang.reports.selectors import Statistics


def _value(stats: Statistics, name: str) -> int:
    value = stats.figure(name).value
    return int(value or 0)


def _part(stats: Statistics, name: str, key: str) -> int:
    return next((p.value for p in stats.figure(name).parts if p.key == key), 0)


def paragraphs(stats: Statistics) -> list[str]:
    """The summary's paragraphs: the figures in the article's words, then what each counts."""
    period = stats.period.label if stats.period.preset != "year" else f"{stats.period.start:%Y}年"
    org = settings.SHANGLIANG["BRAND_ORG"]
    instructions = _value(stats, "instructions")
    lines = [
        f"据统计，{period}，{org}共开展协商议事{_value(stats, 'meetings_held')}次，"
        f"解决{_value(stats, 'problems_solved')}个问题，"
        f"向党委政府报送{_value(stats, 'recommendations_sent')}个建议"
        + (f"，其中{instructions}条获领导批示" if instructions else "")
        + "。",
        f"收到群众反映{_value(stats, 'concerns_received')}件，按时研判{_value(stats, 'concerns_screened')}件；"
        f"登记协商议题{_value(stats, 'topics_by_state')}个，参会{_value(stats, 'participants')}人次。",
    ]
    sessions, person_times = _part(stats, "trainings", "sessions"), _part(stats, "trainings", "person_times")
    if sessions:
        lines.append(f"开展专题培训、以会代训等培训{sessions}期，培训政协委员{person_times}人次。")
    lines.append(
        f"现有协商议事室{_value(stats, 'rooms')}个，政协委员活动小组联系村(社区){_value(stats, 'coverage')}个。"
    )
    return lines


def summary_docx(stats: Statistics, title: str) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(14)
    document.add_heading(title, level=1)
    for text in paragraphs(stats):
        document.add_paragraph(text)
    document.add_heading("统计口径", level=2)
    for figure in stats.figures:
        document.add_paragraph(f"{figure.label}：{figure.rule}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
