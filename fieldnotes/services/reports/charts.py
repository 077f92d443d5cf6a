"""Charts for summary reports, drawn with ReportLab's own vector graphics.

Each chart is a `Chart` flowable that draws itself when the page is laid out: only then can
labels in Chinese, Japanese or Korean be measured (their faces are prepared for the layout).

Labels are real text in the PDF (searchable, copyable) and switch faces per run of characters
like paragraphs do, so a need written in Chinese is labelled in Chinese. Arabic and Hebrew
labels are drawn letter by letter, without shaping: charts show at most a few words of a
label, and the table next to each chart has the full text, properly set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from fieldnotes.services.reports import styles
from fieldnotes.services.reports.fonts import REGULAR
from fieldnotes.services.reports.text import fitted_label, label_pieces, label_width


def draw_label(group: Group, text: str, x: float, y: float, size: float = styles.CHART_FONT_SIZE,
               face: str = REGULAR, colour: Color = styles.INK, anchor: str = "start") -> None:
    """Add a label to a drawing as runs of text, each in a face that has its glyphs."""
    pieces = label_pieces(text, face)
    total = sum(stringWidth(piece, piece_face, size) for piece, piece_face in pieces)
    if anchor == "end":
        x -= total
    elif anchor == "middle":
        x -= total / 2
    for piece, piece_face in pieces:
        group.add(String(x, y, piece, fontName=piece_face, fontSize=size, fillColor=colour))
        x += stringWidth(piece, piece_face, size)


class Chart(Flowable):
    """A drawing made at layout time from `draw`; its labels' characters are noted at once."""

    def __init__(self, draw: Callable[[], Drawing], labels: list[str]) -> None:
        super().__init__()
        for label in labels:
            label_pieces(label, REGULAR)  # notes CJK characters for the layout's faces
        self._draw = draw
        self._drawing: Drawing | None = None

    def _made(self) -> Drawing:
        if self._drawing is None:
            self._drawing = self._draw()
        return self._drawing

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = self._made().wrap(available_width, available_height)
        return self.width, self.height

    def draw(self) -> None:
        self._made().drawOn(self.canv, 0, 0)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: Color
    note: str = ""


def _horizontal_bars_drawing(bars: list[Bar], width: float = styles.FRAME_WIDTH, label_share: float = 0.42,
                    row_height: float = 15) -> Drawing:
    """One bar per item, longest first as given, with its label on the left and value at its end."""
    height = row_height * len(bars) + 14
    drawing = Drawing(width, height)
    group = Group()
    label_room = width * label_share
    bar_room = width - label_room - 40
    largest = max((bar.value for bar in bars), default=1) or 1
    axis_x = label_room + 6
    for index, bar in enumerate(bars):
        y = height - (index + 1) * row_height
        label = fitted_label(bar.label, label_room - 4, styles.CHART_FONT_SIZE)
        draw_label(group, label, label_room, y + 4, anchor="end")
        length = max(bar_room * bar.value / largest, 1.5)
        group.add(Rect(axis_x, y + 2, length, row_height - 5, fillColor=bar.colour, strokeColor=None))
        value_text = f"{bar.value:g}" + (f"  {bar.note}" if bar.note else "")
        group.add(String(axis_x + length + 4, y + 4.5, value_text, fontName=REGULAR,
                         fontSize=styles.CHART_FONT_SIZE, fillColor=styles.MUTED))
    group.add(Line(axis_x, 10, axis_x, height, strokeColor=styles.RULE, strokeWidth=0.6))
    drawing.add(group)
    return drawing


def _paired_bars_drawing(categories: list[str], first: list[int], second: list[int], first_name: str, second_name: str,
                width: float = styles.FRAME_WIDTH) -> Drawing:
    """Two bars per category (say, channels used today and channels preferred) with a legend."""
    row_height = 22
    legend_height = 16
    height = row_height * len(categories) + legend_height + 8
    drawing = Drawing(width, height)
    group = Group()
    label_room = width * 0.25
    bar_room = width - label_room - 40
    largest = max([*first, *second, 1])
    axis_x = label_room + 6
    for index, category in enumerate(categories):
        top = height - legend_height - index * row_height
        label = fitted_label(category, label_room - 4, styles.CHART_FONT_SIZE)
        draw_label(group, label, label_room, top - 12, anchor="end")
        for offset, (values, colour) in enumerate(((first, styles.TODAY_COLOUR), (second, styles.PREFERRED_COLOUR))):
            value = values[index]
            y = top - 9 - offset * 9
            length = max(bar_room * value / largest, 1.5 if value else 0)
            if length:
                group.add(Rect(axis_x, y, length, 7.5, fillColor=colour, strokeColor=None))
            group.add(String(axis_x + length + 4, y + 1, str(value), fontName=REGULAR, fontSize=styles.AXIS_FONT_SIZE,
                             fillColor=styles.MUTED))
    group.add(Line(axis_x, 4, axis_x, height - legend_height + 2, strokeColor=styles.RULE, strokeWidth=0.6))
    _legend(group, [(first_name, styles.TODAY_COLOUR), (second_name, styles.PREFERRED_COLOUR)], axis_x,
            height - 9)
    drawing.add(group)
    return drawing


def _legend(group: Group, entries: list[tuple[str, Color]], x: float, y: float, max_width: float | None = None) -> None:
    for name, colour in entries:
        shown = fitted_label(name, 120, styles.CHART_FONT_SIZE)
        group.add(Rect(x, y - 1, 8, 8, fillColor=colour, strokeColor=None))
        draw_label(group, shown, x + 11, y, colour=styles.INK)
        x += 11 + label_width(shown, styles.CHART_FONT_SIZE) + 14


def _timeline_drawing(months: list[str], series: list[tuple[str, list[int]]], width: float = styles.FRAME_WIDTH,
             height: float = 150) -> Drawing:
    """Counts per month, one line per series (say, mentions of each competitor) with a legend."""
    from fieldnotes.services.reports.text import format_month

    drawing = Drawing(width, height)
    group = Group()
    left, right, bottom, top = 26, 10, 22, 24
    plot_width = width - left - right
    plot_height = height - bottom - top
    largest = max((value for _, values in series for value in values), default=1) or 1
    step = 1 if largest <= 5 else 2 if largest <= 10 else max(1, round(largest / 5))
    ticks = list(range(0, largest + step, step))
    top_value = ticks[-1] or 1
    for tick in ticks:
        y = bottom + plot_height * tick / top_value
        group.add(Line(left, y, left + plot_width, y, strokeColor=styles.RULE, strokeWidth=0.4))
        group.add(String(left - 4, y - 2.5, str(tick), fontName=REGULAR, fontSize=styles.AXIS_FONT_SIZE,
                         fillColor=styles.MUTED, textAnchor="end"))
    count = len(months)
    spacing = plot_width / max(count - 1, 1)

    def x_of(index: int) -> float:
        return left + (index * spacing if count > 1 else plot_width / 2)

    label_every = max(1, round(count / 12))
    for index, month in enumerate(months):
        if index % label_every == 0 or index == count - 1:
            group.add(String(x_of(index), bottom - 11, format_month(month), fontName=REGULAR,
                             fontSize=styles.AXIS_FONT_SIZE, fillColor=styles.MUTED, textAnchor="middle"))
    for number, (_, values) in enumerate(series):
        colour = styles.SERIES_COLOURS[number % len(styles.SERIES_COLOURS)]
        points: list[float] = []
        for index, value in enumerate(values):
            points += [x_of(index), bottom + plot_height * value / top_value]
        if count > 1:
            group.add(PolyLine(points, strokeColor=colour, strokeWidth=1.6))
        for index in range(count):
            if values[index]:
                group.add(Circle(points[2 * index], points[2 * index + 1], 2.2, fillColor=colour, strokeColor=None))
    _legend(group, [(name, styles.SERIES_COLOURS[number % len(styles.SERIES_COLOURS)])
                    for number, (name, _) in enumerate(series)], left, height - 10)
    drawing.add(group)
    return drawing


def horizontal_bars(bars: list[Bar], label_share: float = 0.42) -> Chart:
    """One bar per item, in the order given, labelled on the left, its value at its end."""
    return Chart(lambda: _horizontal_bars_drawing(bars, label_share=label_share), [bar.label for bar in bars])


def paired_bars(categories: list[str], first: list[int], second: list[int], first_name: str,
                second_name: str) -> Chart:
    """Two bars per category (say, channels used today and channels preferred) with a legend."""
    return Chart(lambda: _paired_bars_drawing(categories, first, second, first_name, second_name),
                 [*categories, first_name, second_name])


def timeline(months: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    """Counts per month, one line per series (say, mentions of each competitor) with a legend."""
    return Chart(lambda: _timeline_drawing(months, series), [name for name, _ in series])
