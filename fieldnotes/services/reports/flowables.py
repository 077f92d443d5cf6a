"""Building blocks of report pages: user text as paragraphs, boxed quotes and callouts, and
right-to-left text laid out line by line.

Every block here splits across pages, however long its content: a quote longer than a page
continues on the next one with its bar, a note of twenty thousand words flows paragraph by
paragraph.
"""

from __future__ import annotations

import copy
import unicodedata

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from fieldnotes.services.reports import styles
from fieldnotes.services.reports.fonts import REGULAR
from fieldnotes.services.reports.text import (
    STAND_IN_COLOUR,
    base_direction,
    escape,
    rich,
    runs,
    split_blocks,
    stand_in,
    uses_shaping,
)


class _Paragraph(Paragraph):
    """A paragraph that breaks its lines once per width.

    Tables, boxes and the page layout each ask a paragraph for its size, often at the same
    width; ReportLab breaks the lines again every time, which is most of a report's cost.
    """

    _wrapped_for: float | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._wrapped_for == available_width and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(available_width, available_height)
        self._wrapped_for = available_width
        return size


def para(markup: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of markup built by `rich()`, shaped when a run needs it."""
    if uses_shaping(markup):
        style = styles.sheet().shaped(style)
    return _Paragraph(markup, style)


def user_text(text: str, style: ParagraphStyle, lead: str = "") -> list[Flowable]:
    """A user's text as flowables: one per block between blank lines, so long notes flow.

    Args:
        text: exactly what the user typed.
        style: the paragraph style of the text.
        lead: markup put before the first block (a label or a badge), already safe.
    """
    blocks = split_blocks(text)
    if not blocks:
        return [para(lead, style)] if lead else []
    flowables: list[Flowable] = []
    for index, block in enumerate(blocks):
        block_lead = lead if index == 0 else ""
        if base_direction(block) == "rtl":
            if block_lead:
                # The badges and labels go where a right-to-left reader starts: on the right.
                flowables.append(para(block_lead, styles.sheet().right_to_left(style)))
            flowables.append(RightToLeftText(block, style))
        elif len(block) > LONG_BLOCK:
            flowables.append(LongParagraph(para(block_lead + rich(block), style)))
        else:
            flowables.append(para(block_lead + rich(block), style))
    return flowables


#: Blocks longer than this (in characters) are broken into lines once and split by whole lines.
LONG_BLOCK = 3000


class LongParagraph(Flowable):
    """A very long paragraph, broken into lines once and then split between pages by lines.

    ReportLab breaks the rest of a paragraph into lines again after every page it fills, so a
    twenty-thousand-word note without a blank line costs time in proportion to the square of
    its length. This keeps the lines of the first breaking and hands out slices of them.
    """

    def __init__(self, paragraph: Paragraph, lines: list | None = None, width: float | None = None,
                 first: bool = True, last: bool = True) -> None:
        super().__init__()
        self.paragraph = paragraph
        self._lines = lines
        self._width = width
        self._first = first
        self._last = last
        self._leading = paragraph.style.leading
        self.spaceBefore = paragraph.style.spaceBefore if first else 0
        self.spaceAfter = paragraph.style.spaceAfter if last else 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._lines is None or (self._width != available_width and self._first and self._last):
            self.paragraph.wrap(available_width, 1e9)
            self._lines = list(self.paragraph.blPara.lines)
            self._width = available_width
            self._leading = self.paragraph.height / max(len(self._lines), 1)
        self.width = available_width if self._width is None else self._width
        self.height = self._leading * len(self._lines)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        assert self._lines is not None
        fitting = int((available_height + 1e-6) // self._leading)
        if fitting <= 0:
            return []
        if fitting >= len(self._lines):
            return [self]
        return [
            LongParagraph(self.paragraph, self._lines[:fitting], self._width, self._first, False),
            LongParagraph(self.paragraph, self._lines[fitting:], self._width, False, self._last),
        ]

    def draw(self) -> None:
        piece = copy.copy(self.paragraph)
        piece.blPara = copy.copy(self.paragraph.blPara)
        piece.blPara.lines = self._lines
        piece.width = self.width
        piece.height = self.height
        piece.drawOn(self.canv, 0, 0)


class Boxed(Flowable):
    """Flowables set apart by a coloured bar on their left and, optionally, a tinted ground.

    Used for verbatim quotes (bar only) and for the objective and next step (tinted).
    """

    def __init__(
        self,
        content: list[Flowable],
        bar: Color,
        ground: Color | None = None,
        padding: tuple[float, float, float, float] = (4, 6, 4, 10),
        space_before: float = 3,
        space_after: float = 6,
    ) -> None:
        super().__init__()
        self.content = content
        self.bar = bar
        self.ground = ground
        self.padding = padding  # top, right, bottom, left
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._heights: list[float] = []
        self._inner_width = 0.0

    def _inner(self, available_width: float) -> float:
        _, right, _, left = self.padding
        return max(available_width - left - right, 20)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._inner_width = self._inner(available_width)
        self._heights = []
        total = 0.0
        for index, flowable in enumerate(self.content):
            _, height = flowable.wrap(self._inner_width, max(available_height, 1))
            gap = flowable.getSpaceBefore() if index else 0
            self._heights.append(height)
            total += gap + height + (flowable.getSpaceAfter() if index < len(self.content) - 1 else 0)
        top, _, bottom, _ = self.padding
        self.width = available_width
        self.height = total + top + bottom
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        top, _, bottom, _ = self.padding
        inner_width = self._inner(available_width)
        room = available_height - top - bottom
        kept: list[Flowable] = []
        for index, flowable in enumerate(self.content):
            gap = flowable.getSpaceBefore() if kept else 0
            _, height = flowable.wrap(inner_width, max(room, 1))
            if gap + height <= room:
                kept.append(flowable)
                room -= gap + height + flowable.getSpaceAfter()
                continue
            parts = flowable.split(inner_width, room - gap) if room - gap > 0 else []
            rest = self.content[index + 1:]
            if parts:
                kept.append(parts[0])
                rest = [*parts[1:], *rest]
            if not kept:
                return []
            if not rest:
                break
            return [
                Boxed(kept, self.bar, self.ground, self.padding, self.spaceBefore, 0),
                Boxed(rest, self.bar, self.ground, self.padding, 0, self.spaceAfter),
            ]
        return [] if not kept else [Boxed(kept, self.bar, self.ground, self.padding, self.spaceBefore,
                                          self.spaceAfter)]

    def draw(self) -> None:
        canvas = self.canv
        top, _, _, left = self.padding
        if self.ground is not None:
            canvas.setFillColor(self.ground)
            canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canvas.setFillColor(self.bar)
        canvas.rect(0, 0, styles.QUOTE_BAR_WIDTH, self.height, stroke=0, fill=1)
        y = self.height - top
        for index, (flowable, height) in enumerate(zip(self.content, self._heights, strict=True)):
            if index:
                y -= flowable.getSpaceBefore()
            y -= height
            flowable.drawOn(canvas, left, y)
            y -= flowable.getSpaceAfter()


# --- right-to-left text ----------------------------------------------------------------

_MIRRORED = {"(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "<": ">", ">": "<",
             "«": "»", "»": "«", "‹": "›", "›": "‹"}


def _direction_of_word(word: str) -> str | None:
    """ "rtl" or "ltr" by the word's first strong character; None for numbers and punctuation."""
    for character in word:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def _visual_word_markup(word: str, direction: str) -> str:
    """Markup for one word as it must appear in a right-to-left line.

    Within a word, ReportLab places same-face stretches left to right and HarfBuzz turns each
    Hebrew or Arabic stretch around; so a right-to-left word lists its stretches in reverse,
    and punctuation in it takes its mirror image (an opening bracket closes on the left).
    """
    pieces = runs(word)
    if direction == "rtl" and len(pieces) > 1:
        pieces = list(reversed(pieces))
        flipped = []
        for piece in pieces:
            if piece.face == REGULAR:
                text = "".join(_MIRRORED.get(character, character) for character in reversed(piece.text))
                flipped.append(type(piece)(text, piece.face))
            else:
                flipped.append(piece)
        pieces = flipped
    markup = []
    for piece in pieces:
        if piece.face is None:
            shown = "".join(stand_in(character) for character in piece.text)
            markup.append(f'<font name="{REGULAR}" color="{STAND_IN_COLOUR}">{shown}</font>')
        elif piece.face == REGULAR:
            markup.append(escape(piece.text))
        else:
            markup.append(f'<font name="{piece.face}">{escape(piece.text)}</font>')
    return "".join(markup)


class RightToLeftText(Flowable):
    """A paragraph of Hebrew or Arabic, broken into lines here and set right to left.

    ReportLab shapes Arabic (with HarfBuzz) but, without its optional bidi library, places
    the words of a line left to right in the order they were typed. This flowable breaks
    the lines itself, then writes each line's words in visual order (runs of Latin words
    and numbers keep their own order), one right-aligned paragraph per line.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter
        self._lines: list[tuple[list[str], bool]] = []
        self._paragraphs: list[tuple[Paragraph, float]] = []
        self._wrapped_width: float | None = None

    def _word_width(self, word: str) -> float:
        width = 0.0
        for piece in runs(word):
            face = self.style.fontName if piece.face == REGULAR else (piece.face or REGULAR)
            shown = piece.text if piece.face is not None else "".join(stand_in(c) for c in piece.text)
            width += stringWidth(shown, face, self.style.fontSize)
        return width

    def _break_lines(self, width: float) -> list[tuple[list[str], bool]]:
        space = stringWidth(" ", self.style.fontName, self.style.fontSize)
        lines: list[tuple[list[str], bool]] = []
        for source_line in self.text.split("\n"):
            current: list[str] = []
            used = 0.0
            for word in source_line.split():
                word_width = self._word_width(word)
                if current and used + space + word_width > width:
                    lines.append((current, False))
                    current, used = [], 0.0
                used += (space if current else 0) + word_width
                current.append(word)
            lines.append((current, True))
        return lines

    def _line_markup(self, words: list[str]) -> str:
        groups: list[tuple[str, list[str]]] = []
        for word in words:
            direction = _direction_of_word(word)
            if direction == "ltr" or (direction is None and groups and groups[-1][0] == "ltr"
                                      and any(ch.isdigit() for ch in word)):
                if groups and groups[-1][0] == "ltr":
                    groups[-1][1].append(word)
                else:
                    groups.append(("ltr", [word]))
            else:
                groups.append(("rtl", [word]))
        visual: list[str] = []
        for direction, group_words in reversed(groups):
            visual.extend(_visual_word_markup(word, direction) for word in group_words)
        return " ".join(visual)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._wrapped_width != available_width:
            rtl_style = styles.sheet().right_to_left(self.style)
            self._lines = self._break_lines(available_width)
            self._paragraphs = []
            for words, _ in self._lines:
                paragraph = Paragraph(self._line_markup(words) or "&nbsp;", rtl_style)
                _, height = paragraph.wrap(available_width, available_height)
                self._paragraphs.append((paragraph, height))
            self._wrapped_width = available_width
        self.width = available_width
        self.height = sum(height for _, height in self._paragraphs)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        used = 0.0
        fitting = 0
        for _, height in self._paragraphs:
            if used + height > available_height:
                break
            used += height
            fitting += 1
        if fitting == 0 or fitting == len(self._paragraphs):
            return [] if fitting == 0 else [self]
        first = self._part(0, fitting)
        first.spaceAfter = 0
        rest = self._part(fitting, len(self._lines))
        rest.spaceBefore = 0
        return [first, rest]

    def _part(self, start: int, end: int) -> RightToLeftText:
        """Some of the lines, already broken and set, so that splitting costs nothing more."""
        part = RightToLeftText(self._text_of(self._lines[start:end]), self.style)
        part._lines = self._lines[start:end]
        part._paragraphs = self._paragraphs[start:end]
        part._wrapped_width = self._wrapped_width
        return part

    @staticmethod
    def _text_of(lines: list[tuple[list[str], bool]]) -> str:
        parts: list[str] = []
        for words, ends_source_line in lines:
            parts.append(" ".join(words))
            parts.append("\n" if ends_source_line else " ")
        return "".join(parts).rstrip("\n ")

    def draw(self) -> None:
        y = self.height
        for paragraph, height in self._paragraphs:
            y -= height
            paragraph.drawOn(self.canv, 0, y)
