"""Column widths for a findings table that always fits its viewport, the finding's text first.

Qt's own resize modes share the width badly in a narrow table: every "stretch" column gets the
same share and every "size to contents" column takes its full width, so the finding's text ends
up one word per line beside a wide speaker's name, and a horizontal scroll bar appears. Here
each column has a role, and the widths are worked out from the viewport's width whenever it
changes:

* the main column (the finding's text) gets the most room, never less than `MAIN_SHARE` of the
  viewport;
* free-text columns (a quote, an answer: sentences to read) share the room with it, each never
  less than `FREE_TEXT_MINIMUM` pixels, so that a quote reads as lines, not a word a line;
* short columns (a severity, a check box, a name, a choice) take what their content needs, up to
  `SHORT_CAP` pixels, and are elided below that when even so the table is too narrow;
* long columns (themes, a name typed freely) share what is left, each at least `LONG_MINIMUM`;
* optional columns are hidden while the others would not fit otherwise, those of the lowest
  priority first (the last first among equals), and shown again when the table is wide enough
  (closing the guide panel makes room for them).

Room left once every column has its least is shared by weight: the main and the free-text
columns weigh `TEXT_WEIGHT` long columns each.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

#: The share of the viewport the main column never goes below.
MAIN_SHARE = 0.4
#: The least a free-text column is given, in pixels: three short words a line (optional columns give way first).
FREE_TEXT_MINIMUM = 100
#: The most a short column takes, in pixels; its content is elided beyond.
SHORT_CAP = 130
#: The least a long column is given while the main column has its share.
LONG_MINIMUM = 64
#: The most a column's name asks of its width; a longer name is elided (its tooltip has it whole).
HEADER_CAP = 72
#: What a long or free-text column gives up to, before short columns are elided, in a table too narrow for all.
LONG_FLOOR = 56
#: The least any column is made, in pixels.
NARROWEST = 16
#: The main and free-text columns weigh this many long columns when the room left is shared.
TEXT_WEIGHT = 2


class ColumnRole(enum.Enum):
    MAIN = "main"
    FREE_TEXT = "free text"
    SHORT = "short"
    LONG = "long"


@dataclass(frozen=True)
class ColumnPlan:
    """How one column is sized.

    Attributes:
        role: main, free text, short or long.
        optional: hidden when the table is too narrow for every column.
        priority: among optional columns, those of a lower priority are hidden first.
    """

    role: ColumnRole
    optional: bool = False
    priority: int = 0


def _shared_by_weight(room: int, weights: dict[int, int], minimums: dict[int, int]) -> dict[int, int]:
    """Share `room` among columns in proportion to their weights, none below its minimum.

    A column whose share would fall below its minimum is given the minimum, and the others share
    what is left, again by weight, until every share holds.
    """
    least_total = sum(minimums.values())
    if least_total > room:  # a table narrower than every minimum: they shrink alike
        minimums = {column: minimum * max(room, 0) // least_total for column, minimum in minimums.items()}
    pinned: dict[int, int] = {}
    while True:
        free = [column for column in weights if column not in pinned]
        left = room - sum(pinned.values())
        total_weight = sum(weights[column] for column in free)
        below = [column for column in free
                 if total_weight and left * weights[column] / total_weight < minimums[column]]
        if not below:
            break
        for column in below:
            pinned[column] = minimums[column]
    shares = dict(pinned)
    for column in free:
        shares[column] = max(0, left * weights[column] // total_weight) if total_weight else 0
    return shares


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
    least_of_role = {ColumnRole.MAIN: int(viewport * MAIN_SHARE),
                     ColumnRole.FREE_TEXT: FREE_TEXT_MINIMUM,
                     ColumnRole.LONG: LONG_MINIMUM}

    def short_width(column: int) -> int:
        return min(needed[column], SHORT_CAP)

    def least_width(column: int) -> int:
        role = plans[column].role
        return short_width(column) if role is ColumnRole.SHORT else least_of_role[role]

    # Hidden lowest priority first, and among equals the last first.
    giving_way = sorted((column for column in shown if plans[column].optional),
                        key=lambda column: (plans[column].priority, -column))
    for column in giving_way:
        if sum(least_width(other) for other in shown) <= viewport:
            break
        shown.remove(column)

    widths: list[int | None] = [None] * len(plans)
    shorts = [column for column in shown if plans[column].role is ColumnRole.SHORT]
    others = [column for column in shown if plans[column].role is not ColumnRole.SHORT]
    short_total = sum(short_width(column) for column in shorts)
    # A long column gives up room down to its floor before short columns are elided; the main and
    # the free-text columns keep their shares (a quote a word a line is worse than "Speak…").
    flexible_least = sum(LONG_FLOOR if plans[column].role is ColumnRole.LONG else least_width(column)
                         for column in others)
    # Too narrow even so: short columns give up room in proportion to their width, and elide.
    short_room = max(0, viewport - flexible_least)
    scale = min(1.0, short_room / short_total) if short_total else 1.0
    for column in shorts:
        widths[column] = max(NARROWEST, int(short_width(column) * scale))
    room = viewport - sum(widths[column] or 0 for column in shorts)
    weights = {column: 1 if plans[column].role is ColumnRole.LONG else TEXT_WEIGHT for column in others}
    # What the hiding above could not make fit is taken from the free-text and long columns, down to their floor.
    squeezed = sum(least_width(column) for column in others) > room
    minimums = {column: least_of_role[ColumnRole.MAIN] if plans[column].role is ColumnRole.MAIN
                else min(LONG_FLOOR, least_width(column)) if squeezed else least_width(column)
                for column in others}
    for column, width in _shared_by_weight(room, weights, minimums).items():
        widths[column] = width
    # Rounding leaves a few pixels over: the last shown flexible column (or any) takes them.
    assigned = sum(width or 0 for width in widths)
    receivers = others or shown
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
