"""User text made safe for ReportLab paragraphs: escaped, split into runs of one face each.

ReportLab parses paragraph text as markup, so every user string goes through `rich()` (or
`escape()` for text that is known to be drawn by the text face). `rich()` also picks, per
run of characters, a face that has glyphs for them, and replaces what no installed face can
draw, and control characters, by a visible stand-in such as `[U+E000]`, so that no
character silently disappears.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from fieldnotes.services.reports.fonts import REGULAR, cjk_language, font_book, is_invisible_format_character

_NEEDS_ESCAPE = re.compile(r"[&<>]")
_NEEDS_CARE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
STAND_IN_COLOUR = "#8a6d00"


def escape(text: str) -> str:
    """Escape the three characters ReportLab's paragraph parser would take for markup."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def stand_in(character: str) -> str:
    """What is shown instead of a character no installed face can draw."""
    return f"[U+{ord(character):04X}]"


def _is_neutral(character: str) -> bool:
    """Punctuation and digits: they may take the face of the text around them."""
    return unicodedata.category(character)[0] in "PN"


@dataclass(frozen=True)
class Run:
    """A stretch of text drawn by one face; `face` None means a stand-in for missing glyphs."""

    text: str
    face: str | None


def runs(text: str, language: str | None = None) -> list[Run]:
    """Split text into runs of one face each (line breaks stay in the text, as "\\n").

    Args:
        text: any text a user typed.
        language: "zh", "ja" or "ko" to prefer that CJK face for Han characters; guessed from
            the text when None.
    """
    book = font_book()
    book.ensure_text_face()
    if language is None:
        language = cjk_language(text)
    result: list[Run] = []
    current_face: str | None = REGULAR
    current: list[str] = []

    def close(next_face: str | None) -> None:
        nonlocal current_face, current
        if current:
            result.append(Run("".join(current), current_face))
            if current_face is not None and current_face != REGULAR:
                book.note_used(current_face, result[-1].text)
        current = []
        current_face = next_face

    for character in text:
        if character == "\n":
            current.append(character)
            continue
        if character == "\t":
            character = " "
        category = unicodedata.category(character)
        if category in ("Cc", "Cs", "Co"):
            close(None)
            current.append(character)
            close(current_face if current_face is not None else REGULAR)
            continue
        if is_invisible_format_character(character):
            # Joiners and variation selectors belong to the character before them; a face
            # that lacks them would draw a box, and they are never visible on their own.
            if current_face is not None and ((current_face == REGULAR and book.covered_by_text_face(character))
                                             or book.face_has(current_face, character)):
                current.append(character)
            continue
        if (current_face in book.adopting_faces and _is_neutral(character) and not character.isspace()
                and book.face_has(current_face, character)):
            # Punctuation inside an Arabic or Chinese word stays in its face, so that the
            # word is shaped and spaced as one. Spaces always take the text face: some faces
            # (the emoji one) have spaces as wide as a pictogram.
            current.append(character)
            continue
        face = book.face_for(character, language)
        if face != current_face or face is None:
            close(face)
        current.append(character)
    close(None)
    return result


def rich(text: str, language: str | None = None) -> str:
    """Paragraph markup that shows `text` exactly: escaped, one `<font>` per run, `<br/>` per line.

    Text in the text face carries no font tag, so it takes the paragraph's own face (regular,
    bold or italic as the style says).
    """
    if not text:
        return ""
    if text.isascii() and not _NEEDS_CARE.search(text):
        return escape(text).replace("\r\n", "\n").replace("\n", "<br/>").replace("\t", " ")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts: list[str] = []
    for run in runs(text, language):
        if run.face is None:
            shown = "".join(stand_in(character) for character in run.text if character != "\n")
            parts.append(f'<font name="{REGULAR}" color="{STAND_IN_COLOUR}">{shown}</font>')
            continue
        body = escape(run.text).replace("\n", "<br/>")
        parts.append(body if run.face == REGULAR else f'<font name="{run.face}">{body}</font>')
    return "".join(parts)


def uses_shaping(markup: str) -> bool:
    """Whether markup has runs in a face whose script needs HarfBuzz shaping (Arabic, Indic...)."""
    if "<font" not in markup:
        return False
    return any(f'name="{face}"' in markup for face in font_book().shaping_faces)


def split_blocks(text: str) -> list[str]:
    """A long text cut at its blank lines, so that each block can flow onto the next page."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return [block for block in _BLANK_LINES.split(text) if block.strip()]


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, with an ellipsis when something was cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: max(1, limit - 1)].rstrip() + "…"


_STRONG_RTL = {"R", "AL"}
_STRONG_LTR = {"L"}


def base_direction(text: str) -> str:
    """ "rtl" when the first strongly directional character is Hebrew or Arabic, else "ltr"."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in _STRONG_RTL:
            return "rtl"
        if direction in _STRONG_LTR:
            return "ltr"
    return "ltr"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def format_day(value: str | None) -> str:
    """An ISO date as people write it in reports ("4 March 2026"); other text is returned as is."""
    if not value:
        return ""
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_short_day(value: str | None) -> str:
    """An ISO date in few letters, for tight columns ("4 Mar 2026"); other text is returned as is."""
    if not value:
        return ""
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def format_moment(visited_on: str) -> str:
    """A visit's date, with its time when one was recorded ("4 March 2026, 14:30")."""
    day = format_day(visited_on)
    if len(visited_on) > 10 and visited_on[10] == "T":
        return f"{day}, {visited_on[11:16]}"
    return day


def format_month(month: str) -> str:
    """ "2026-03" as "Mar 2026", for chart axes."""
    try:
        year, number = month.split("-")
        return f"{_MONTHS[int(number) - 1][:3]} {year}"
    except (ValueError, IndexError):
        return month


def label_pieces(text: str, face_for_text: str) -> list[tuple[str, str]]:
    """A one-line label as (text, face) pieces; stand-ins replace what no face can draw."""
    pieces = []
    for run in runs(" ".join(text.split())):
        if run.face is None:
            pieces.append(("".join(stand_in(c) for c in run.text), REGULAR))
        else:
            pieces.append((run.text, face_for_text if run.face == REGULAR else run.face))
    return pieces


def label_width(text: str, size: float, face: str = REGULAR) -> float:
    """Width in points of a one-line label set in runs of faces (a CJK face must be prepared)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(piece, piece_face, size) for piece, piece_face in label_pieces(text, face))


def fitted_label(text: str, width: float, size: float, face: str = REGULAR) -> str:
    """The label, cut with an ellipsis so that it fits in `width` points."""
    text = " ".join(text.split())
    if label_width(text, size, face) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if label_width(text[:middle].rstrip() + "…", size, face) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"
