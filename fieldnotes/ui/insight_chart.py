"""A small bar chart drawn with QPainter, whose every bar clicks through to the findings behind it.

Qt Charts is not part of PySide6-Essentials, and these charts need little: a row per
theme (or channel, competitor, offering), one or more bars in it, side by side or
stacked, a note at the end of the row (a severity, a threat) and a sparkline of months.
The same drawing code paints the widget and writes PNG and SVG files for a slide; the
files are always drawn on white, whatever the app's theme.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QToolTip, QWidget

from fieldnotes.domain.finding_lines import FindingLine

#: Series colours, mid-tones that read on white and on the dark theme's grey alike.
SERIES_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7")
#: A note that needs attention (an acute need, a high threat, something new): the reports' red.
ALERT_COLOUR = QColor("#d64541")
#: How exported charts look: dark ink on white, for a slide.
EXPORT_INK, EXPORT_BACKGROUND = QColor("#202020"), QColor("#ffffff")
#: The width of exported charts, in pixels (the height follows from the rows).
EXPORT_WIDTH = 1000

_MARGIN = 10
_BAR_HEIGHT = 14
_BAR_GAP = 3
_ROW_GAP = 10
_SPARK_WIDTH = 90
_LABEL_SHARE = 0.3


#: What an empty chart says while its figures are computed, and once they are, when there are none.
COMPUTING = "Computing…"
NOTHING_TO_SHOW = "Nothing to show for these visits"


@dataclass(frozen=True)
class Bar:
    """One number of a chart and what stands behind it.

    Attributes:
        series: the position of its series in the chart's legend (which colour it takes).
        value: the number drawn.
        finding_ids: the findings the number counts (or a wider set that `keep` narrows).
        what: the figure in words, for the tooltip and the heading of the findings shown.
        keep: picks the findings this number counts out of `finding_ids` once they are read
            (the month of a visit, a follow-up's state); None keeps them all.
        read_ids: reads the findings' ids when they are asked for, instead of `finding_ids`
            (on a worker thread; for figures that do not carry them).
    """

    series: int
    value: int
    finding_ids: tuple[str, ...]
    what: str
    keep: Callable[[FindingLine], bool] | None = None
    read_ids: Callable[[], Sequence[str]] | None = None


@dataclass(frozen=True)
class ChartRow:
    """A row of a chart: its label, its bars, a note after them and an optional sparkline."""

    label: str
    bars: tuple[Bar, ...]
    note: str = ""
    alert: bool = False
    trend: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Colours:
    ink: QColor
    faint: QColor
    background: QColor | None


class BarChart(QWidget):
    """Rows of horizontal bars; a click, Enter or Space on a bar emits `barActivated(Bar)`.

    Args:
        title: drawn above the bars (and in exported files).
        series: the name of each series, in legend order.
        stacked: bars of a row are drawn end to end in one bar instead of one under another.

    Signals:
        barActivated(Bar): the user asked for the findings behind a bar.
    """

    barActivated = Signal(object)

    def __init__(self, title: str, series: tuple[str, ...], stacked: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.caption = ""  # what the figures are over ("16 visits · 7 accounts"), right of the title
        self.series = series
        self.stacked = stacked
        self.rows: list[ChartRow] = []
        self.empty_text = COMPUTING  # until the first figures arrive
        self.current: tuple[int, int] | None = None  # (row, bar) the keyboard is on
        self._hits: list[tuple[QRectF, int, int]] = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(title)

    # --- content -------------------------------------------------------------------

    def set_rows(self, rows: list[ChartRow]) -> None:
        """Show these rows (the keyboard's place is kept when it still exists)."""
        self.rows = rows
        self.empty_text = NOTHING_TO_SHOW
        if self.current is not None and not (self.current[0] < len(rows)
                                             and self.current[1] < len(rows[self.current[0]].bars)):
            self.current = None
        self.setFixedHeight(self._height_for(QFontMetrics(self.font())))
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The chart in words, for screen readers: each row with its numbers."""
        lines = []
        for row in self.rows:
            numbers = ", ".join(f"{self.series[bar.series]} {bar.value:,}" for bar in row.bars)
            lines.append(f"{row.label}: {numbers}{'; ' + row.note if row.note else ''}")
        return "\n".join(lines) or self.empty_text

    def bar_at(self, row: int, bar: int) -> Bar:
        return self.rows[row].bars[bar]

    def bar_rect(self, row: int, bar: int) -> QRectF:
        """Where a bar was drawn last (for tests and for the keyboard's focus frame)."""
        for rect, hit_row, hit_bar in self._hits:
            if (hit_row, hit_bar) == (row, bar):
                return rect
        return QRectF()

    # --- geometry ------------------------------------------------------------------

    def _row_height(self, row: ChartRow, metrics: QFontMetrics) -> int:
        bars = 1 if self.stacked else max(len(row.bars), 1)
        return max(metrics.height(), bars * _BAR_HEIGHT + (bars - 1) * _BAR_GAP)

    def _header_height(self, metrics: QFontMetrics) -> int:
        return _MARGIN + (metrics.height() + 4) * 2 + 6  # title, legend

    def _height_for(self, metrics: QFontMetrics) -> int:
        body = sum(self._row_height(row, metrics) + _ROW_GAP for row in self.rows) or metrics.height() * 2
        return self._header_height(metrics) + body + _MARGIN

    def sizeHint(self) -> QSize:
        return QSize(640, self._height_for(QFontMetrics(self.font())))

    # --- drawing -------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        colours = _Colours(palette.color(QPalette.ColorRole.WindowText),
                           palette.color(QPalette.ColorRole.PlaceholderText), None)
        self._hits = self.render_chart(painter, QRect(0, 0, self.width(), self.height()), colours)
        if self.hasFocus() and self.current is not None:
            rect = self.bar_rect(*self.current)
            if not rect.isNull():
                pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(-2, -2, 2, 2))
        painter.end()

    def render_chart(self, painter: QPainter, area: QRect, colours: _Colours) -> list[tuple[QRectF, int, int]]:
        """Draw the chart into `area`; returns where each bar went, as (rectangle, row, bar)."""
        if colours.background is not None:
            painter.fillRect(area, colours.background)
        font = QFont(self.font())
        metrics = QFontMetrics(font)
        left, top, width = area.left() + _MARGIN, area.top() + _MARGIN, area.width() - 2 * _MARGIN
        title_font = QFont(font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(colours.ink)
        line = metrics.height() + 4
        painter.drawText(QRectF(left, top, width, line), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self.title)
        painter.setFont(font)
        if self.caption:
            painter.setPen(colours.faint)
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(QRectF(left, top, width, line), right, self.caption)
        x = float(left)
        for number, name in enumerate(self.series if len(self.series) > 1 else ()):
            swatch = QRectF(x, top + line + (line - 10) / 2, 10, 10)
            painter.fillRect(swatch, QColor(SERIES_COLOURS[number % len(SERIES_COLOURS)]))
            painter.setPen(colours.ink)
            text_width = metrics.horizontalAdvance(name)
            painter.drawText(QRectF(x + 14, top + line, text_width + 4, line), Qt.AlignmentFlag.AlignVCenter, name)
            x += 14 + text_width + 18
        y = float(self._header_height(metrics) + area.top())
        if not self.rows:
            painter.setPen(colours.faint)
            painter.drawText(QRectF(left, y, width, metrics.height() * 2), Qt.AlignmentFlag.AlignLeft, self.empty_text)
            return []

        widest_label = max(metrics.horizontalAdvance(row.label) for row in self.rows)
        label_width = min(int(width * _LABEL_SHARE), widest_label + 16)
        has_trend = any(len(row.trend) > 1 for row in self.rows)
        note_font = QFont(font)
        note_font.setBold(True)  # the widest a note is drawn
        note_width = max((QFontMetrics(note_font).horizontalAdvance(row.note) for row in self.rows if row.note),
                         default=0)
        largest = max((sum(b.value for b in row.bars) if self.stacked else max((b.value for b in row.bars), default=0))
                      for row in self.rows) or 1
        # Room for the largest number written after its bar (100,000 at a whole notebook), so that
        # it never runs into the note beside it.
        number_width = max(metrics.horizontalAdvance(" 00,000"), metrics.horizontalAdvance(f" {largest:,}") + 4)
        bar_left = left + label_width
        bar_room = max(width - label_width - number_width - (note_width + 12 if note_width else 0)
                       - (_SPARK_WIDTH + 12 if has_trend else 0), 40)
        scale = bar_room / largest
        hits: list[tuple[QRectF, int, int]] = []
        for row_number, row in enumerate(self.rows):
            height = self._row_height(row, metrics)
            painter.setPen(colours.ink)
            label = metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, label_width - 10)
            painter.drawText(QRectF(left, y, label_width - 6, height), Qt.AlignmentFlag.AlignVCenter, label)
            end = float(bar_left)
            for bar_number, bar in enumerate(row.bars):
                colour = QColor(SERIES_COLOURS[bar.series % len(SERIES_COLOURS)])
                length = max(bar.value * scale, 2.0 if bar.value else 0.0)
                if self.stacked:
                    rect = QRectF(end, y + (height - _BAR_HEIGHT) / 2, length, _BAR_HEIGHT)
                    end += length
                else:
                    rect = QRectF(bar_left, y + bar_number * (_BAR_HEIGHT + _BAR_GAP), length, _BAR_HEIGHT)
                painter.fillRect(rect, colour)
                if self.stacked:
                    text = f"{bar.value:,}"
                    if bar.value and metrics.horizontalAdvance(text) + 4 < length:
                        painter.setPen(QColor("#ffffff"))
                        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
                else:
                    painter.setPen(colours.ink)
                    painter.drawText(QRectF(rect.right() + 4, rect.top() - 2, number_width, _BAR_HEIGHT + 4),
                                     Qt.AlignmentFlag.AlignVCenter, f"{bar.value:,}")
                # A zero still answers a click (with no findings): its place is the first pixels.
                hits.append((QRectF(rect.left(), rect.top(), max(rect.width(), 6.0), rect.height()),
                             row_number, bar_number))
            if self.stacked:
                painter.setPen(colours.ink)
                painter.drawText(QRectF(end + 4, y, number_width, height), Qt.AlignmentFlag.AlignVCenter,
                                 f"{sum(bar.value for bar in row.bars):,}")
            note_left = bar_left + bar_room + number_width + 6
            if row.note:
                painter.setPen(ALERT_COLOUR if row.alert else colours.faint)
                painter.setFont(note_font if row.alert else font)
                painter.drawText(QRectF(note_left, y, note_width + 8, height), Qt.AlignmentFlag.AlignVCenter, row.note)
                painter.setFont(font)
            if len(row.trend) > 1:
                spark_left = note_left + (note_width + 12 if note_width else 0)
                self._sparkline(painter, QRectF(spark_left, y + 1, _SPARK_WIDTH, height - 2), row.trend, colours)
            y += height + _ROW_GAP
        return hits

    @staticmethod
    def _sparkline(painter: QPainter, rect: QRectF, values: tuple[int, ...], colours: _Colours) -> None:
        highest = max(values) or 1
        step = rect.width() / (len(values) - 1)
        points = [QPointF(rect.left() + i * step, rect.bottom() - value / highest * rect.height())
                  for i, value in enumerate(values)]
        painter.setPen(QPen(colours.faint, 1.5))
        for start, finish in itertools.pairwise(points):
            painter.drawLine(start, finish)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colours.ink)
        painter.drawEllipse(points[-1], 2.2, 2.2)

    # --- export --------------------------------------------------------------------

    def _export_height(self) -> int:
        return self._height_for(QFontMetrics(self.font()))

    def export_png(self, path: Path) -> None:
        """Write the chart as a PNG picture on white, `EXPORT_WIDTH` pixels wide, at twice the density.

        Args:
            path: where to write; its name ends in `.png`.
        """
        height = self._export_height()
        image = QImage(EXPORT_WIDTH * 2, height * 2, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(2)
        image.fill(EXPORT_BACKGROUND)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.render_chart(painter, QRect(0, 0, EXPORT_WIDTH, height), _export_colours())
        painter.end()
        if not image.save(str(path)):  # the format follows the name's `.png`
            raise OSError(f"{path}: the picture could not be written")

    def export_svg(self, path: Path) -> None:
        """Write the chart as an SVG drawing on white, which slides scale without blur."""
        height = self._export_height()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(EXPORT_WIDTH, height))
        generator.setViewBox(QRect(0, 0, EXPORT_WIDTH, height))
        generator.setTitle(self.title)
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError(f"{path}: the drawing could not be written")
        self.render_chart(painter, QRect(0, 0, EXPORT_WIDTH, height), _export_colours())
        painter.end()

    # --- interaction ---------------------------------------------------------------

    def _hit(self, position: QPointF) -> tuple[int, int] | None:
        for rect, row, bar in self._hits:
            if rect.adjusted(0, -1, 0, 1).contains(position):
                return row, bar
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position())
        if hit is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.current = hit
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.update()
        self.barActivated.emit(self.bar_at(*hit))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        shape = Qt.CursorShape.PointingHandCursor if self._hit(event.position()) else Qt.CursorShape.ArrowCursor
        self.setCursor(shape)
        super().mouseMoveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            hit = self._hit(QPointF(event.pos()))
            if hit is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), f"{self.bar_at(*hit).what}\nClick for the findings", self)
            return True
        return super().event(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.current is None and self.rows and self.rows[0].bars:
            self.current = (0, 0)
        self.update()
        super().focusInEvent(event)
        self.show_current()

    def show_current(self) -> None:
        """Scroll the chart's scroll area to the bar the keyboard is on (the first row with the
        title above it), so that moving down a long chart never leaves its frame out of sight."""
        scroll = self.parentWidget()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parentWidget()
        inside = scroll.widget() if scroll is not None else None
        if scroll is None or inside is None or self.current is None:
            return
        rect = self.bar_rect(*self.current)
        if rect.isNull():
            return
        top = self.mapTo(inside, QPointF(rect.left(), rect.top() - _ROW_GAP).toPoint())
        bottom = self.mapTo(inside, QPointF(rect.left(), rect.bottom() + _ROW_GAP).toPoint()).y()
        top_y = 0 if self.current[0] == 0 else top.y()
        scroll.ensureVisible(top.x(), (top_y + bottom) // 2, 0, (bottom - top_y) // 2 + 1)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.rows or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        row, bar = self.current or (0, 0)
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.current = (row, bar)
            self.barActivated.emit(self.bar_at(row, bar))
            return
        if key == Qt.Key.Key_Down:
            row = min(row + 1, len(self.rows) - 1)
        elif key == Qt.Key.Key_Up:
            row = max(row - 1, 0)
        elif key == Qt.Key.Key_Right:
            bar += 1
        elif key == Qt.Key.Key_Left:
            bar -= 1
        else:
            super().keyPressEvent(event)
            return
        bar = max(0, min(bar, len(self.rows[row].bars) - 1))
        self.current = (row, bar)
        self.update()
        self.show_current()


def _export_colours() -> _Colours:
    return _Colours(EXPORT_INK, QColor("#6b6b6b"), EXPORT_BACKGROUND)
