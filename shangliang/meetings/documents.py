"""Files made from a meeting: the minutes as a Word document in the layout of an official record
(协商议事会议纪要), and the meeting's calendar entry (.ics)."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from shangliang.meetings import ics
from shangliang.meetings.models import Meeting, MeetingStatus
from shangliang.meetings.selectors import Minutes

FONT = "SimSun"


def _names(people: list) -> str:
    return "、".join(f"{p.name}（{p.unit or p.get_role_display()}）" for p in people) or "无"


def minutes_docx(minutes: Minutes) -> bytes:
    """The staff version (with names), for printing, signing and filing."""
    meeting = minutes.meeting
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    org = doc.add_paragraph(settings.SHANGLIANG.get("BRAND_ORG", ""))
    org.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = doc.add_heading(f"“{settings.SHANGLIANG['BRAND_NAME']}”协商议事会议纪要", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subject = doc.add_paragraph(meeting.title)
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER

    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [
        ("会议时间", f"{start:%Y年%m月%d日 %H:%M}—{end:%H:%M}"),
        ("会议地点", meeting.place),
        ("协商形式", f"{meeting.get_form_display()}（{meeting.get_purpose_display()}）"),
        ("议题", "；".join(t.title for t in meeting.topics.all()) or meeting.title),
        ("主持人", str(meeting.host)),
        ("记录人", str(meeting.recorder)),
        (
            "出席",
            _names(minutes.present)
            + (f"；另有报名群众 {minutes.public_attendance} 人" if minutes.public_attendance else ""),
        ),
        ("请假", "、".join(f"{p.name}（{p.leave_reason}）" for p in minutes.on_leave) or "无"),
        ("缺席", "、".join(p.name for p in minutes.absent) or "无"),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value

    def section(heading: str, lines: list[str]) -> None:
        doc.add_heading(heading, level=2)
        for line in lines or ["无"]:
            doc.add_paragraph(line)

    if meeting.minutes_summary:
        section("会议概述", [meeting.minutes_summary])
    section(
        "一、会议议程",
        [f"{i}. {a.title}（{a.duration_minutes} 分钟）" for i, a in enumerate(minutes.agenda, 1)],
    )
    section(
        "二、发言情况",
        [f"{s.participant.name}（{s.get_kind_display()}）：{s.summary}" for s in minutes.speeches],
    )
    section(
        "三、表决情况",
        [
            f"{v.question}：赞成 {v.votes_for} 票，反对 {v.votes_against} 票，弃权 {v.votes_abstain} 票，"
            f"{'获得通过' if v.passed else '未获通过'}。"
            for v in minutes.votes
        ],
    )
    consensus_lines = []
    for i, c in enumerate(minutes.consensus, 1):
        line = f"{i}. {c.text}"
        if c.department is not None:
            line += f"（承办单位：{c.department.name}{'，责任人：' + c.responsible_person if c.responsible_person else ''}）"
        consensus_lines.append(line)
        if c.dissent:
            consensus_lines.append(f"   不同意见：{c.dissent}")
    section("四、达成共识", consensus_lines)
    section(
        "五、未决事项",
        [
            f"{i}. {u.text}{'（下一步：' + u.next_step + '）' if u.next_step else ''}"
            for i, u in enumerate(minutes.unresolved, 1)
        ],
    )

    doc.add_paragraph()
    signatures = doc.add_table(rows=2, cols=2)
    signatures.cell(0, 0).text = f"主持人（签字）：{meeting.host}"
    signatures.cell(0, 1).text = f"记录人（签字）：{meeting.recorder}"
    host_at = meeting.host_confirmed_at and timezone.localtime(meeting.host_confirmed_at)
    recorder_at = meeting.recorder_confirmed_at and timezone.localtime(meeting.recorder_confirmed_at)
    signatures.cell(1, 0).text = f"确认时间：{host_at:%Y年%m月%d日}" if host_at else "确认时间："
    signatures.cell(1, 1).text = f"确认时间：{recorder_at:%Y年%m月%d日}" if recorder_at else "确认时间："

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def meeting_ics(meeting: Meeting, *, url: str, host: str) -> str:
    topics = "；".join(t.title for t in meeting.topics.all())
    description = "\n".join(
        part for part in (f"议题：{topics}" if topics else "", meeting.description, url) if part
    )
    event = ics.Event(
        uid=f"meeting-{meeting.pk}@{host or 'shangliang'}",
        sequence=meeting.version,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=meeting.title,
        location=meeting.place,
        description=description,
        url=url,
        cancelled=meeting.status == MeetingStatus.CANCELLED,
    )
    return ics.calendar(event, now=timezone.now())
