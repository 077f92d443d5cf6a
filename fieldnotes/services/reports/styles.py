"""The one stylesheet of every report: page geometry, colours, paragraph and table styles.

Change the look of reports here and nowhere else. Builders ask for styles by role
(`sheet().body`, `sheet().heading`) and colours by meaning (`SEVERITY_COLOURS`), never by value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import TableStyle

from fieldnotes.services.reports import fonts

# --- page ------------------------------------------------------------------------------

PAGE_SIZE = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
HEADER_BASELINE = PAGE_SIZE[1] - 13 * mm
FOOTER_BASELINE = 11 * mm
FRAME_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
FRAME_HEIGHT = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM

# --- colours ---------------------------------------------------------------------------

INK = colors.HexColor("#1d2730")
MUTED = colors.HexColor("#5b6770")
FAINT = colors.HexColor("#8c979f")
RULE = colors.HexColor("#d5dbe0")
ACCENT = colors.HexColor("#0f5e73")
ACCENT_SOFT = colors.HexColor("#eaf2f5")
HIGHLIGHT_SOFT = colors.HexColor("#fdf6e3")
HIGHLIGHT = colors.HexColor("#c98a14")
TABLE_STRIPE = colors.HexColor("#f5f7f8")
WHITE = colors.white

#: Severity 1 (a nuisance) to 5 (acute pain), from calm green to alarm red.
SEVERITY_COLOURS = {
    1: colors.HexColor("#6f9a78"),
    2: colors.HexColor("#a3a046"),
    3: colors.HexColor("#d79a25"),
    4: colors.HexColor("#d5652a"),
    5: colors.HexColor("#b3302a"),
}
THREAT_COLOURS = {
    "low": SEVERITY_COLOURS[1],
    "medium": SEVERITY_COLOURS[3],
    "high": SEVERITY_COLOURS[5],
}
#: Lines and bars of charts with several series, in order of use.
SERIES_COLOURS = (
    colors.HexColor("#0f5e73"),
    colors.HexColor("#d5652a"),
    colors.HexColor("#6f9a78"),
    colors.HexColor("#8e5ea2"),
    colors.HexColor("#c9a227"),
    colors.HexColor("#5b6770"),
)
TODAY_COLOUR = colors.HexColor("#9fb8c2")
PREFERRED_COLOUR = ACCENT

# --- sizes -----------------------------------------------------------------------------

BODY_SIZE = 9.5
SMALL_SIZE = 8
HEADER_SIZE = 7.5
BADGE_SIZE = 7
AXIS_FONT_SIZE = 6.5
#: Padding (top, right, bottom, left) and space around quotes and tinted callouts.
QUOTE_PADDING = (2, 4, 2, 10)
QUOTE_SPACE = (3, 7)
CALLOUT_PADDING = (7, 10, 8, 12)
CALLOUT_SPACE = (4, 10)
#: Room left between blocks: after the facts at the top, below a chart.
BLOCK_GAP = 8
#: Width left for the account or title in the running header, beside the date.
HEADER_ROOM = 250
#: The box the team's logo is scaled into, at the left of the running header (width, height).
LOGO_BOX = (32 * mm, 20)
#: Room between the logo and the header's text.
LOGO_GAP = 6
TEAM_NAME_SIZE = 8
LABEL_SIZE = 7.5
QUOTE_BAR_WIDTH = 2.2
#: A section heading starts a new page when less than this room is left below it.
HEADING_NEEDS_ROOM = 110
CHART_FONT_SIZE = 7.5


def hex_colour(colour: colors.Color) -> str:
    """A colour as paragraph markup wants it ("#rrggbb")."""
    return "#" + colour.hexval()[2:]


@dataclass(frozen=True)
class StyleSheet:
    kicker: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    finding: ParagraphStyle
    detail: ParagraphStyle
    quote: ParagraphStyle
    attribution: ParagraphStyle
    callout_label: ParagraphStyle
    callout: ParagraphStyle
    fact_value: ParagraphStyle
    cell: ParagraphStyle
    cell_muted: ParagraphStyle
    cell_number: ParagraphStyle
    #: The denser pair of a one-page sheet (the prep sheet): its section titles and table cells.
    sheet_section: ParagraphStyle
    sheet_cell: ParagraphStyle
    stat_value: ParagraphStyle
    stat_label: ParagraphStyle
    header: ParagraphStyle
    header_right: ParagraphStyle
    team_name: ParagraphStyle
    footer: ParagraphStyle
    empty: ParagraphStyle

    def shaped(self, style: ParagraphStyle) -> ParagraphStyle:
        """The same style with HarfBuzz shaping on, for text in Arabic or Indic scripts."""
        return _shaped_variant(style)

    def right_to_left(self, style: ParagraphStyle) -> ParagraphStyle:
        """The same style, shaped and aligned right, for lines of Hebrew or Arabic text."""
        return _right_to_left_variant(style)


@functools.cache
def _shaped_variant(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)


@functools.cache
def _right_to_left_variant(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-rtl", parent=style, shaping=1, alignment=TA_RIGHT,
                          firstLineIndent=0)


@functools.cache
def sheet() -> StyleSheet:
    """The stylesheet (built once; registers the text face with ReportLab on first use)."""
    fonts.font_book().ensure_text_face()
    body = ParagraphStyle(
        "body", fontName=fonts.REGULAR, fontSize=BODY_SIZE, leading=13.5, textColor=INK,
        alignment=TA_LEFT, spaceAfter=5,
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11, spaceAfter=0)
    return StyleSheet(
        kicker=ParagraphStyle(
            "kicker", parent=body, fontName=fonts.SEMIBOLD, fontSize=8, leading=10, textColor=ACCENT,
            spaceAfter=3,
        ),
        title=ParagraphStyle(
            "title", parent=body, fontName=fonts.SEMIBOLD, fontSize=21, leading=25, spaceAfter=4,
        ),
        subtitle=ParagraphStyle("subtitle", parent=body, fontSize=11, leading=14.5, textColor=MUTED,
                                spaceAfter=12),
        heading=ParagraphStyle(
            "heading", parent=body, fontName=fonts.SEMIBOLD, fontSize=13, leading=16, textColor=ACCENT,
            spaceBefore=16, spaceAfter=7,
        ),
        subheading=ParagraphStyle(
            "subheading", parent=body, fontName=fonts.SEMIBOLD, fontSize=10.5, leading=13.5,
            spaceBefore=8, spaceAfter=4, keepWithNext=1,
        ),
        body=body,
        finding=ParagraphStyle("finding", parent=body, spaceBefore=3, spaceAfter=2),
        detail=ParagraphStyle("detail", parent=body, fontSize=8.5, leading=12, textColor=MUTED, spaceAfter=2),
        quote=ParagraphStyle(
            "quote", parent=body, fontName=fonts.ITALIC, fontSize=10, leading=14.5,
            textColor=colors.HexColor("#24323c"), spaceAfter=0,
        ),
        attribution=ParagraphStyle("attribution", parent=body, fontSize=8, leading=10.5, textColor=MUTED,
                                   spaceBefore=2, spaceAfter=0),
        callout_label=ParagraphStyle(
            "callout_label", parent=body, fontName=fonts.SEMIBOLD, fontSize=7.5, leading=9.5,
            textColor=ACCENT, spaceAfter=2,
        ),
        callout=ParagraphStyle("callout", parent=body, fontSize=10.5, leading=15, spaceAfter=0),
        fact_value=ParagraphStyle("fact_value", parent=cell, fontSize=9, leading=12),
        cell=cell,
        cell_muted=ParagraphStyle("cell_muted", parent=cell, textColor=MUTED),
        cell_number=ParagraphStyle("cell_number", parent=cell, alignment=TA_RIGHT),
        sheet_section=ParagraphStyle(
            "sheet_section", parent=body, fontName=fonts.SEMIBOLD, fontSize=10, leading=12, textColor=ACCENT,
            spaceBefore=7, spaceAfter=3, keepWithNext=1,
        ),
        sheet_cell=ParagraphStyle("sheet_cell", parent=cell, fontSize=8, leading=10),
        stat_value=ParagraphStyle(
            "stat_value", parent=body, fontName=fonts.SEMIBOLD, fontSize=18, leading=21, textColor=ACCENT,
            spaceAfter=0,
        ),
        stat_label=ParagraphStyle("stat_label", parent=body, fontSize=7.5, leading=9.5, textColor=MUTED,
                                  spaceAfter=0),
        header=ParagraphStyle("header", parent=body, fontSize=HEADER_SIZE, leading=9, textColor=MUTED,
                              spaceAfter=0),
        header_right=ParagraphStyle("header_right", parent=body, fontSize=HEADER_SIZE, leading=9,
                                    textColor=MUTED, spaceAfter=0, alignment=TA_RIGHT),
        team_name=ParagraphStyle("team_name", parent=body, fontName=fonts.SEMIBOLD, fontSize=TEAM_NAME_SIZE,
                                 leading=10, textColor=INK, spaceAfter=0),
        footer=ParagraphStyle("footer", parent=body, fontSize=HEADER_SIZE, leading=9, textColor=MUTED,
                              spaceAfter=0),
        empty=ParagraphStyle("empty", parent=body, fontName=fonts.ITALIC, textColor=MUTED),
    )


def data_table_style(header_rows: int = 1) -> TableStyle:
    """Lists of things (visits, follow-ups, needs): a quiet header, hairlines, striped rows."""
    return TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # else each table names Helvetica, never embedded
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        # Column titles are plain strings (no paragraph to parse and wrap): set them here.
        ("FONTNAME", (0, 0), (-1, header_rows - 1), fonts.SEMIBOLD),
        ("FONTSIZE", (0, 0), (-1, header_rows - 1), LABEL_SIZE),
        ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), MUTED),
        ("LINEBELOW", (0, 0), (-1, header_rows - 1), 0.8, ACCENT),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.3, RULE),
        ("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [WHITE, TABLE_STRIPE]),
    ])


def dense_table_style() -> TableStyle:
    """Lists on a one-page sheet: as `data_table_style`, with less room around each row."""
    style = data_table_style()
    style.add("TOPPADDING", (0, 0), (-1, -1), 2)
    style.add("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)
    return style


def facts_table_style() -> TableStyle:
    """The who / where / when block at the top of a visit report."""
    return TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        # The labels in the first and third columns are plain strings.
        ("FONTNAME", (0, 0), (0, -1), fonts.SEMIBOLD),
        ("FONTNAME", (2, 0), (2, -1), fonts.SEMIBOLD),
        ("FONTSIZE", (0, 0), (0, -1), LABEL_SIZE),
        ("FONTSIZE", (2, 0), (2, -1), LABEL_SIZE),
        ("TEXTCOLOR", (0, 0), (-1, -1), MUTED),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, -1), (-1, -1), 0.3, RULE),
    ])


def columns_table_style() -> TableStyle:
    """Blocks set side by side in columns: no lines, no padding of their own."""
    return TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ])


def stats_table_style(columns: int) -> TableStyle:
    """The row of key figures at the top of a summary."""
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ("BACKGROUND", (0, 0), (-1, -1), ACCENT_SOFT),
    ]
    commands.extend(("LINEBEFORE", (column, 0), (column, -1), 2, WHITE) for column in range(1, columns))
    return TableStyle(commands)
