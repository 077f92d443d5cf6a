"""The Insights charts from the keyboard, and their numbers at a whole notebook's size."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from fieldnotes.ui.insight_chart import ALERT_COLOUR, COMPUTING, NOTHING_TO_SHOW, Bar, BarChart, ChartRow
from tests.gui.conftest import press


def _rows(count: int, value: int = 3, note: str = "") -> list[ChartRow]:
    return [ChartRow(f"Theme {number}", (Bar(0, value, (), f"Theme {number}"),), note=note, alert=bool(note))
            for number in range(count)]


def test_moving_down_a_long_chart_scrolls_to_the_bar_the_keyboard_is_on(qtbot) -> None:
    chart = BarChart("Needs by theme", ("Visits",))
    chart.set_rows(_rows(40))
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    holder = QWidget()
    QVBoxLayout(holder).addWidget(chart)
    scroll.setWidget(holder)
    scroll.resize(500, 300)
    qtbot.addWidget(scroll)
    scroll.show()
    qtbot.waitExposed(scroll)
    chart.repaint()  # the bars' places are known once drawn

    def shown(row: int) -> bool:
        rect = chart.bar_rect(row, 0)
        top_left = chart.mapTo(scroll.viewport(), rect.topLeft().toPoint())
        bottom_left = chart.mapTo(scroll.viewport(), rect.bottomLeft().toPoint())
        return top_left.y() >= 0 and bottom_left.y() <= scroll.viewport().height()

    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    assert chart.current == (0, 0) and shown(0)
    assert scroll.verticalScrollBar().value() == 0  # the title above the first row stays in sight
    for _ in range(30):
        press(chart, Qt.Key.Key_Down)
    assert chart.current == (30, 0) and shown(30)
    for _ in range(30):
        press(chart, Qt.Key.Key_Up)
    assert chart.current == (0, 0) and scroll.verticalScrollBar().value() == 0


def _columns_of(image: QImage, matches) -> list[int]:
    return [x for x in range(image.width()) for y in range(image.height()) if matches(QColor(image.pixel(x, y)))]


def test_a_six_digit_number_is_written_whole_before_the_note_beside_it(qtbot) -> None:
    chart = BarChart("Needs by theme", ("Visits",))
    qtbot.addWidget(chart)
    chart.set_rows(_rows(1, value=100_000, note="severity 5"))
    chart.resize(700, chart.height())
    row = chart.grab().toImage()
    bar_ends = int(chart.bar_rect(0, 0).right())
    red = ALERT_COLOUR

    def is_note(colour: QColor) -> bool:
        return abs(colour.red() - red.red()) < 40 and abs(colour.green() - red.green()) < 40 \
            and abs(colour.blue() - red.blue()) < 40

    def is_ink(colour: QColor) -> bool:
        return max(colour.red(), colour.green(), colour.blue()) < 90

    note_starts = min(_columns_of(row, is_note))
    number = [x for x in _columns_of(row, is_ink) if bar_ends < x < note_starts]
    alone = QImage(200, 40, QImage.Format.Format_RGB32)  # the number as it looks written freely
    alone.fill(QColor("#ffffff"))
    painter = QPainter(alone)
    painter.setFont(chart.font())
    painter.setPen(QColor("#000000"))
    painter.drawText(10, 30, "100,000")
    painter.end()
    whole = _columns_of(alone, is_ink)
    assert max(number) - min(number) >= max(whole) - min(whole) - 1


def test_a_chart_says_it_is_computing_until_its_figures_arrive(qtbot) -> None:
    chart = BarChart("Needs by theme", ("Visits",))
    qtbot.addWidget(chart)
    assert chart.empty_text == COMPUTING
    chart.set_rows([])
    assert chart.empty_text == NOTHING_TO_SHOW
