"""Column widths for a findings table that always fits its viewport, the finding's text first.

Qt's own resize modes share the width badly in a narrow table: every "stretch" column gets the
same share and every "size to contents" column takes its full width, so the finding's text ends
up one word per line beside a wide speaker's name, and a horizontal scroll bar appears. Here
each column has a role, and the widths are worked out from the viewport's width whenever it
changes:

* the main column (the finding's text) gets the most room, never less than `MAIN_SHARE` of the
  viewport;
* short columns (a severity, a check box, a name, a choice) take what their content needs, up to
  `SHORT_CAP` pixels, and are elided below that when even so the table is too narrow;
* long columns (a quote, themes, free text) share what is left, each at least `LONG_MINIMUM`;
* optional columns are hidden, last first, while the others would not fit otherwise, and shown
  again when the table is wide enough (closing the guide panel makes room for them).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

#: The share of the viewport the main column never goes below.
MAIN_SHARE = 0.4
#: The most a short column takes, in pixels; its content is elided beyond.
SHORT_CAP = 130
#: The least a long column is given while the main column has its share.
LONG_MINIMUM = 64
#: The most a column's name asks of its width; a longer name is elided (its tooltip has it whole).
HEADER_CAP = 72
#: What a long column gives up to, before short columns are elided, in a table too narrow for all.
LONG_FLOOR = 56
#: The least any column is made, in pixels.
NARROWEST = 16
#: The main column weighs this many long columns when the room left is shared.
MAIN_WEIGHT = 2


class ColumnRole(enum.Enum):
    MAIN = "main"
    SHORT = "short"
    LONG = "long"


@dataclass(frozen=True)
class ColumnPlan:
    """How one column is sized.

    Attributes:
        role: main, short or long.
        optional: hidden when the table is too narrow for every column.
    """

    role: ColumnRole
    optional: bool = False


def plan_widths(viewport: int, plans: Sequence[ColumnPlan], needed: Sequence[int]) -> list[int | None]:
    """The width of each column in a viewport `viewport` pixels wide; None for a column hidden.

    Args:
        viewport: the width to fill exactly.
        plans: each column's role.
        needed: each short column's content width (ignored for the others).

    Returns:
        Widths that add up to `viewport` (when it is wider than nothing), one per column.
    """
    shown = list(range(len(plans)))
    main_minimum = int(viewport * MAIN_SHARE)

    def short_width(column: int) -> int:
        return min(needed[column], SHORT_CAP)

    def least_width(columns: list[int]) -> int:
        total = 0
        for column in columns:
            role = plans[column].role
            total += main_minimum if role is ColumnRole.MAIN else (
                LONG_MINIMUM if role is ColumnRole.LONG else short_width(column))
        return total

    for column in reversed(range(len(plans))):
        if least_width(shown) <= viewport:
            break
        if plans[column].optional:
            shown.remove(column)

    widths: list[int | None] = [None] * len(plans)
    shorts = [column for column in shown if plans[column].role is ColumnRole.SHORT]
    others = [column for column in shown if plans[column].role is not ColumnRole.SHORT]
    short_total = sum(short_width(column) for column in shorts)
    flexible_least = sum(main_minimum if plans[column].role is ColumnRole.MAIN else LONG_FLOOR for column in others)
    # Too narrow even so: short columns give up room in proportion to their width, and elide.
    short_room = max(0, viewport - flexible_least)
    scale = min(1.0, short_room / short_total) if short_total else 1.0
    for column in shorts:
        widths[column] = max(NARROWEST, int(short_width(column) * scale))
    room = viewport - sum(widths[column] or 0 for column in shorts)
    weights = {column: MAIN_WEIGHT if plans[column].role is ColumnRole.MAIN else 1 for column in others}
    total_weight = sum(weights.values())
    mains = [column for column in others if plans[column].role is ColumnRole.MAIN]
    for column in mains:
        widths[column] = max(main_minimum, room * weights[column] // total_weight) if total_weight else room
    longs = [column for column in others if plans[column].role is ColumnRole.LONG]
    left = room - sum(widths[column] or 0 for column in mains)
    for column in longs:
        widths[column] = max(0, left // len(longs))
    # Rounding leaves a few pixels over: the last shown flexible column (or any) takes them.
    assigned = sum(width or 0 for width in widths)
    receivers = longs or mains or shown
    if receivers and assigned != viewport:
        receiver = receivers[-1]
        widths[receiver] = max(0, (widths[receiver] or 0) + viewport - assigned)
    return widths


class ColumnFitter(QObject):
    """Keeps a table's columns sized by `plan_widths` as its viewport changes width.

    Args:
        table: the table; its header sections are set to a fixed width and its horizontal
            scroll bar is turned off (the columns always fit).
        plans: one plan per column of the table's model.
    """

    def __init__(self, table: QTableView, plans: Sequence[ColumnPlan]) -> None:
        super().__init__(table)
        self._table = table
        self._plans = list(plans)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(NARROWEST)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.viewport().installEventFilter(self)
        model = table.model()
        model.modelReset.connect(self.fit)
        model.rowsInserted.connect(self.fit)
        model.dataChanged.connect(self.fit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A page not shown gets its last resize only when shown: both are a new width.
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False

    def _needed(self, column: int) -> int:
        """A short column's content width: its values, and its header's name up to `HEADER_CAP`."""
        table = self._table
        header_width = table.horizontalHeader().sectionSizeFromContents(column).width()
        return max(table.sizeHintForColumn(column), min(header_width, HEADER_CAP))

    def fit(self) -> None:
        """Size the columns to the viewport's width now."""
        table = self._table
        needed = [self._needed(column) if plan.role is ColumnRole.SHORT else 0
                  for column, plan in enumerate(self._plans)]
        widths = plan_widths(table.viewport().width(), self._plans, needed)
        for column, width in enumerate(widths):
            table.setColumnHidden(column, width is None)
            if width is not None and table.columnWidth(column) != width:
                table.setColumnWidth(column, width)
