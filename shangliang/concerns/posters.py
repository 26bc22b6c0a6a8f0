"""The A4 poster on a consultation room's door: brand, room, open days and a QR code to the submit
page for the room's community. Rendered to PDF with ReportLab's built-in Chinese CID font, so no
font file has to be installed on the server (PDF readers supply the glyphs)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
RED = HexColor("#a8201a")


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def room_poster_pdf(
    *, brand: str, organisation: str, room_name: str, address: str, url: str, open_days: Sequence[str]
) -> bytes:
    font = _font()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{brand} · {room_name}")
    pdf.setAuthor(organisation)

    pdf.setFillColor(RED)
    pdf.rect(0, height - 70 * mm, width, 70 * mm, stroke=0, fill=1)
    pdf.setFillColor(white)
    pdf.setFont(font, 40)
    pdf.drawCentredString(width / 2, height - 35 * mm, brand)
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, height - 52 * mm, organisation)

    pdf.setFillColor(HexColor("#1f1f1f"))
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 90 * mm, room_name)
    pdf.setFont(font, 13)
    pdf.drawCentredString(width / 2, height - 100 * mm, address)

    size = 95 * mm
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    qr_x, qr_y = (width - size) / 2, height - 205 * mm
    renderPDF.draw(drawing, pdf, qr_x, qr_y)
    # In a digital copy the code is also a link.
    pdf.linkURL(url, (qr_x, qr_y, qr_x + size, qr_y + size), relative=0)

    pdf.setFont(font, 22)
    pdf.setFillColor(RED)
    pdf.drawCentredString(width / 2, height - 218 * mm, "扫码反映身边事  ·  不用注册  ·  凭码查进度")
    pdf.setFillColor(HexColor("#1f1f1f"))
    pdf.setFont(font, 13)
    y = height - 232 * mm
    if open_days:
        pdf.drawCentredString(width / 2, y, "固定议事日（欢迎居民到场反映）")
        for line in open_days[:4]:
            y -= 7 * mm
            pdf.drawCentredString(width / 2, y, line)
    pdf.setFont(font, 10)
    pdf.drawCentredString(width / 2, 12 * mm, url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
