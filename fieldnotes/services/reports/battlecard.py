"""The battlecard: one page for the sales team with, theme by theme, the objection, the best
answer and other answers that worked, optionally for one competitor.

It is one page whatever the library holds. Themes come most heard first, two to a row;
when they do not all fit, the other answers are cut down first, then to none, then the
least heard themes are left off and the page says how many are continued in the
objection library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from fieldnotes.domain.library import BattlecardEntry, HeardObjection, battlecard_entries
from fieldnotes.domain.wording import counted
from fieldnotes.services.reports import styles
from fieldnotes.services.reports.document import DocumentInfo, ProgressReporter, write_pdf
from fieldnotes.services.reports.flowables import Boxed, para, user_text
from fieldnotes.services.reports.fonts import REGULAR, SEMIBOLD
from fieldnotes.services.reports.text import escape, rich, shorten
from fieldnotes.services.team_settings import Branding

if TYPE_CHECKING:
    from fieldnotes.services.session import Services

#: Gap between the two columns of themes, and below each row.
COLUMN_GAP = 14
ROW_GAP = 10
#: The room the page's frame offers (the running header and footer are outside it).
FRAME_HEIGHT = styles.PAGE_SIZE[1] - styles.MARGIN_TOP - styles.MARGIN_BOTTOM


@dataclass(frozen=True)
class _Density:
    """How much of each theme is printed: other answers shown, and their length in characters."""

    other_answers: int
    answer_length: int
    other_length: int


#: Tried in turn until every theme fits; the last one also leaves off themes that do not.
DENSITIES = (_Density(2, 420, 200), _Density(1, 300, 150), _Density(0, 240, 0))


@dataclass(frozen=True)
class Battlecard:
    """What was printed: the themes on the page and those left for the library."""

    path: Path
    themes_shown: int
    themes_left_off: int


def _styles() -> dict[str, ParagraphStyle]:
    sheet = styles.sheet()
    return {
        "theme": ParagraphStyle("card_theme", parent=sheet.subheading, fontSize=10.5, leading=13, spaceBefore=0,
                                spaceAfter=1, textColor=styles.ACCENT),
        "meta": ParagraphStyle("card_meta", parent=sheet.detail, fontSize=7.5, leading=9.5, spaceAfter=3),
        "objection": ParagraphStyle("card_objection", parent=sheet.quote, fontSize=9, leading=12, spaceAfter=2),
        "label": ParagraphStyle("card_label", parent=sheet.callout_label, fontSize=6.5, leading=8.5, spaceAfter=1),
        "answer": ParagraphStyle("card_answer", parent=sheet.callout, fontSize=9, leading=12),
        "other": ParagraphStyle("card_other", parent=sheet.detail, fontSize=8, leading=10.5, leftIndent=8,
                                firstLineIndent=-8, spaceAfter=1),
    }


def _theme_block(entry: BattlecardEntry, density: _Density) -> list[Flowable]:
    look = _styles()
    heard = f"heard {counted(entry.heard, 'time')}"
    if entry.accounts:
        heard += f" · {counted(entry.accounts, 'account')}"
    if entry.last_heard:
        heard += f" · last {entry.last_heard}"
    label = "BEST ANSWER" if entry.marked else "ANSWER THAT WORKED"
    answer_box = Boxed(
        [para(label, look["label"]), *user_text(shorten(entry.answer, density.answer_length), look["answer"])],
        bar=styles.ACCENT, ground=styles.ACCENT_SOFT, padding=(4, 6, 5, 8), space_before=2, space_after=2,
    )
    block: list[Flowable] = [
        para(rich(entry.theme), look["theme"]),
        para(escape(heard), look["meta"]),
        para(f"“{rich(shorten(entry.objection, 220))}”", look["objection"]),
        answer_box,
    ]
    others = entry.other_answers[:density.other_answers]
    if others:
        block.append(para(f'<font name="{SEMIBOLD}">Also worked</font>', look["meta"]))
        block.extend(para("• " + rich(shorten(answer, density.other_length)), look["other"]) for answer in others)
        more = len(entry.other_answers) - len(others)
        if more:
            block.append(para(escape(f"and {counted(more, 'other answer')} in the library"), look["other"]))
    return block


def _row(cells: Sequence[list[Flowable]], width: float) -> Table:
    column = (width - COLUMN_GAP) / 2
    padded = list(cells) + [[]] * (2 - len(cells))
    table = Table([padded], colWidths=[column, column], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), COLUMN_GAP),
        ("RIGHTPADDING", (1, 0), (1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), ROW_GAP),
        ("LINEABOVE", (0, 0), (-1, 0), 0.5, styles.RULE),
    ]))
    return table


def _title(competitor: str | None, entries: Sequence[BattlecardEntry], objections: int) -> list[Flowable]:
    sheet = styles.sheet()
    title = "Answers to objections" + (f" against {competitor}" if competitor else "")
    heard = sum(entry.heard for entry in entries)
    subtitle = (f"{counted(len(entries), 'theme')} · {counted(heard, 'objection')} heard in the field, "
                "the most heard first")
    if not entries:
        subtitle = (f"No answer recorded yet for the {counted(objections, 'objection')} heard"
                    + (f" against {competitor}" if competitor else "") + ".")
    return [para("BATTLECARD", sheet.kicker), para(rich(title), ParagraphStyle(
        "card_title", parent=sheet.title, fontSize=17, leading=21, spaceAfter=2)),
        para(escape(subtitle), ParagraphStyle("card_subtitle", parent=sheet.subtitle, fontSize=9, leading=12,
                                              spaceAfter=8))]


def _height(flowables: Sequence[Flowable], width: float) -> float:
    total = 0.0
    for flowable in flowables:
        _, height = flowable.wrap(width, FRAME_HEIGHT * 4)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def battlecard_story(entries: Sequence[BattlecardEntry], competitor: str | None = None,
                     objections: int = 0) -> tuple[list[Flowable], int]:
    """The page's flowables and how many themes it shows; everything fits one page.

    Args:
        entries: the themes, most heard first (`domain.library.battlecard_entries`).
        competitor: the competitor the card is about, for its title.
        objections: how many objections were heard in all (said when none has an answer).
    """
    width = styles.FRAME_WIDTH
    head = _title(competitor, entries, objections)
    room = FRAME_HEIGHT - _height(head, width) - 4
    note_room = 24  # the line saying what was left off
    rows: list[Table] = []
    heights: list[float] = []
    for density in DENSITIES:
        rows = [_row([_theme_block(entry, density) for entry in entries[start:start + 2]], width)
                for start in range(0, len(entries), 2)]
        heights = [_height([row], width) for row in rows]
        if sum(heights) <= room:
            return head + rows, len(entries)
    # Even at its tightest not every theme fits: keep whole rows, most heard first.
    kept, used = [], 0.0
    for row, height in zip(rows, heights, strict=True):
        if used + height > room - note_room:
            break
        kept.append(row)
        used += height
    shown = min(len(kept) * 2, len(entries))
    left = entries[shown:]
    names = ", ".join(entry.theme for entry in left[:4]) + (" …" if len(left) > 4 else "")
    note = para(escape(f"Continued: {counted(len(left), 'more theme')} ({names}) in the objection library "
                       f"of fieldnotes."), ParagraphStyle("card_continued", parent=styles.sheet().detail,
                                                          fontName=SEMIBOLD))
    return head + kept + [Spacer(1, 2), note], shown


def write_battlecard(services: Services, target: Path, competitor: str | None = None,
                     objections: list[HeardObjection] | None = None, branding: Branding | None = None) -> Battlecard:
    """Write the one-page battlecard to `target` (replaced in one step once complete).

    Args:
        services: the open notebook's services.
        target: the PDF file to write.
        competitor: only the objections heard against this competitor (its name as the
            library shows it; see `Library.competitor_named` for a name typed by a user).
        objections: the library already read (read from the notebook when None).
        branding: the team's name and logo; read from the notebook when None.

    Raises:
        ReportFileError: the target cannot be written.
    """
    heard = services.library.objections() if objections is None else objections
    entries = battlecard_entries(heard, competitor)
    considered = len(heard) if competitor is None else sum(competitor in item.competitors for item in heard)
    story, shown = battlecard_story(entries, competitor, considered)
    title = "Battlecard" + (f" against {competitor}" if competitor else "")
    info = DocumentInfo(
        title=title,
        author=services.author,
        subject="Answers to objections heard in the field" + (f" against {competitor}" if competitor else ""),
        header_subject=title,
        header_detail=dt.date.today().isoformat(),
        header_right="Objection library",
        keywords="battlecard, objections, fieldnotes",
        branding=branding if branding is not None else services.team.branding(),
    )
    path = write_pdf(Path(target), story, info, ProgressReporter(None, None, total=1))
    return Battlecard(path, shown, len(entries) - shown)
