"""A closed walk's protocol and action list as a PDF for the archive (bevarande), by fpdf2.

No Flask here: the caller passes the texts already in the reader's language. The font is DejaVu Sans,
shipped in walkapp/fonts (fpdf2 brings none that has å, ä, ö and the rest of the youths' alphabets);
only the glyphs used are embedded. Right-to-left scripts are written without shaping: an Arabic quote
is legible letter by letter, not typeset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


@dataclass
class Place:
    """One location as the protocol lists it; every text already in the reader's language."""

    number: int
    name: str
    summary: str  # priority, pins, people, mean rating, categories
    words: list[str] = field(default_factory=list)  # approved quotes, each with its rating in words
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value): action, responsible, status…


@dataclass
class Protocol:
    """What the PDF says: a heading, the walk's facts, its places and the action list's table."""

    kicker: str
    title: str
    facts: list[tuple[str, str]]
    places_heading: str
    places: list[Place]
    no_places: str
    words_label: str
    table_heading: str
    table_header: list[str]
    table_rows: list[list[str]]
    footer: str
    made_at: dt.datetime | None = None
    language: str = "sv"


def _pdf():
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    return pdf


def protocol_pdf(protocol: Protocol) -> bytes:
    """The protocol as PDF bytes: facts, numbered places with the approved words, then the action list."""
    pdf = _pdf()
    pdf.set_title(protocol.title)
    pdf.set_subject(protocol.kicker)
    pdf.set_creator("Trygghetsvandring")
    pdf.set_lang(protocol.language)
    if protocol.made_at is not None:
        pdf.set_creation_date(protocol.made_at.replace(tzinfo=protocol.made_at.tzinfo or dt.UTC))
    footer = protocol.footer

    def page_footer():
        pdf.set_y(-12)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(90)
        pdf.cell(0, 5, f"{footer}   {pdf.page_no()}", align="R")
        pdf.set_text_color(0)

    pdf.footer = page_footer
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(width, 5, protocol.kicker, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(width, 8, protocol.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _facts(pdf, protocol.facts, 10)

    pdf.ln(3)
    _heading(pdf, protocol.places_heading)
    if not protocol.places:
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(width, 5.5, protocol.no_places, new_x="LMARGIN", new_y="NEXT")
    for place in protocol.places:
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.set_font(FONT, "B", 11)
        pdf.multi_cell(width, 6, f"{place.number}. {place.name}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(width, 5, place.summary, new_x="LMARGIN", new_y="NEXT")
        if place.words:
            pdf.set_font(FONT, "B", 9)
            pdf.multi_cell(width, 5, protocol.words_label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FONT, "", 9)
            for quote in place.words:
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(width - 4, 5, f"– {quote}", new_x="LMARGIN", new_y="NEXT")
        _facts(pdf, place.facts, 9)
        pdf.ln(2.5)

    pdf.add_page(orientation="landscape")
    _heading(pdf, protocol.table_heading)
    pdf.set_font(FONT, "", 8)
    widths = _column_widths(len(protocol.table_header))
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5, first_row_as_headings=True,
                   repeat_headings=1) as table:
        row = table.row()
        for name in protocol.table_header:
            row.cell(name)
        for values in protocol.table_rows:
            row = table.row()
            for value in values:
                row.cell(value)
    return bytes(pdf.output())


def _heading(pdf, text: str) -> None:
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(pdf.epw, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _facts(pdf, facts: list[tuple[str, str]], size: float) -> None:
    """Label and value pairs, one per line, the label in bold, the value flowing after it."""
    for label, value in facts:
        if not value:
            continue
        pdf.set_font(FONT, "B", size)
        pdf.write(size * 0.55, f"{label}: ")
        pdf.set_font(FONT, "", size)
        pdf.write(size * 0.55, value)
        pdf.ln(size * 0.6)


def _column_widths(n: int) -> tuple[int, ...]:
    """Relative widths of the action list's columns: number, place and action wide, the rest narrow."""
    base = (5, 22, 8, 12, 16, 10, 27)
    return base[:n] if n <= len(base) else base + (10,) * (n - len(base))
