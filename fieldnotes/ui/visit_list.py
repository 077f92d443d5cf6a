"""The visit list: a lazy table model over search results, and the pane with search and filters.

The model knows how many visits match and fetches their keys and their columns a page
at a time, only for the rows the view asks about, so a list of 100,000 visits opens and
scrolls as fast as a list of ten.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.model import VisitKind, VisitRow
from fieldnotes.services.changes import Change
from fieldnotes.services.search import Search, VisitQuery
from fieldnotes.ui.field_widgets import DateField

PAGE_SIZE = 200
SEARCH_DELAY_MS = 120
#: Below this width (pixels) the list leaves out its Kind column, so that titles stay readable.
NARROW_LIST_WIDTH = 420

_COLUMNS = ("Date", "Title", "Account", "Kind", "Salesperson")
Index = QModelIndex | QPersistentModelIndex


def display_date(visited_on: str) -> str:
    """The day of a visit (`2026-03-04`); its time is in the tooltip and the editor."""
    return visited_on[:10]


class VisitListModel(QAbstractTableModel):
    """Rows are the visits that match `query`, in search order, fetched page by page."""

    VisitIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, search: Search, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._query = VisitQuery()
        self._count = 0
        self._pages: dict[int, list[int]] = {}
        self._rows: dict[int, VisitRow] = {}

    # --- queries -------------------------------------------------------------------

    @property
    def query(self) -> VisitQuery:
        return self._query

    def set_query(self, query: VisitQuery) -> None:
        self.beginResetModel()
        self._query = query
        self._pages.clear()
        self._rows.clear()
        first_page = self._search.find(query, 0, PAGE_SIZE)
        self._pages[0] = first_page
        self._count = len(first_page) if len(first_page) < PAGE_SIZE else self._search.count(query)
        self.endResetModel()

    def refresh(self) -> None:
        """Run the current query again (visits were added, removed or reordered)."""
        self.set_query(self._query)

    def refresh_visits(self, visit_ids: frozenset[str]) -> None:
        """Reload the cached columns of these visits where they are shown."""
        stale = [pk for pk, row in self._rows.items() if row.id in visit_ids]
        for pk in stale:
            del self._rows[pk]
        if stale:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(_COLUMNS) - 1))

    def _pk_at(self, row: int) -> int | None:
        page_number, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_number)
        if page is None:
            page = self._search.find(self._query, page_number * PAGE_SIZE, PAGE_SIZE)
            self._pages[page_number] = page
        return page[offset] if offset < len(page) else None

    def visit_row(self, row: int) -> VisitRow | None:
        if not 0 <= row < self._count:
            return None
        pk = self._pk_at(row)
        if pk is None:
            return None
        cached = self._rows.get(pk)
        if cached is None:
            page = self._pages[row // PAGE_SIZE]
            missing = [p for p in page if p not in self._rows]
            for fetched in self._search.rows(missing):
                self._rows[fetched.pk] = fetched
            cached = self._rows.get(pk)
        return cached

    def row_of(self, visit_id: str) -> int | None:
        """Row of a visit among those already fetched (None when not loaded or not listed)."""
        for page_number, page in self._pages.items():
            for offset, pk in enumerate(page):
                row = self._rows.get(pk)
                if row is not None and row.id == visit_id:
                    return page_number * PAGE_SIZE + offset
        return None

    # --- Qt model ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, self.VisitIdRole):
            return None
        row = self.visit_row(index.row())
        if row is None:
            return None
        if role == self.VisitIdRole:
            return row.id
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.title or '(untitled visit)'}\n{row.visited_on.replace('T', ' ')} · {row.kind.label}"
        if column == 0:
            return display_date(row.visited_on)
        if column == 1:
            return row.title or "(untitled visit)"
        if column == 2:
            return row.account_name or "—"
        if column == 3:
            return row.kind.label
        return row.salesperson


class VisitListPane(QWidget):
    """Search box, filters and the list of visits; emits the id of the visit to show."""

    visitActivated = Signal(str)

    def __init__(self, search: Search, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self.model = VisitListModel(search, self)

        self.search_box = QLineEdit(placeholderText="Search every visit…  (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setObjectName("searchBox")

        self.account_filter = QComboBox()
        self.account_filter.setToolTip("Only visits to this account")
        self.kind_filter = QComboBox()
        self.kind_filter.setToolTip("Only visits of this kind")
        self.kind_filter.addItem("Any kind", None)
        for kind in VisitKind:
            self.kind_filter.addItem(kind.label, kind)
        self.competitor_filter = QComboBox()
        self.competitor_filter.setToolTip("Only visits where this competitor moved")
        self.severity_filter = QComboBox()
        self.severity_filter.setToolTip("Only visits with a need at least this severe")
        self.severity_filter.addItem("Any severity", None)
        for level in range(2, 6):
            self.severity_filter.addItem(f"Severity ≥ {level}", level)
        self.date_from = self._date_edit("From date", "Visits on or after this date")
        self.date_to = self._date_edit("To date", "Visits on or before this date")

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setObjectName("visitList")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, self.table.fontMetrics().horizontalAdvance("2026-12-31") + 20)
        header.resizeSection(2, 130)
        header.resizeSection(3, 105)
        header.resizeSection(4, 100)
        self.table.setColumnHidden(4, True)  # the salesperson: searchable, rarely needed at a glance
        self.count_label = QLabel()
        self.count_label.setObjectName("visitCount")

        widget: QWidget
        filters_top = QHBoxLayout()
        for widget in (self.account_filter, self.kind_filter, self.competitor_filter):
            filters_top.addWidget(widget, 1)
        for combo in (self.account_filter, self.kind_filter, self.competitor_filter, self.severity_filter):
            # The filters share the list's width evenly; their drop-down lists still show whole names.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        filters_bottom = QHBoxLayout()
        for widget in (self.severity_filter, self.date_from, self.date_to):
            filters_bottom.addWidget(widget, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.search_box)
        layout.addLayout(filters_top)
        layout.addLayout(filters_bottom)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_query)
        self.search_box.textChanged.connect(self._search_timer.start)
        self.search_box.returnPressed.connect(self.apply_query)
        for combo in (self.account_filter, self.kind_filter, self.competitor_filter, self.severity_filter):
            combo.currentIndexChanged.connect(self.apply_query)
        for edit in (self.date_from, self.date_to):
            edit.valueChanged.connect(self.apply_query)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.activated.connect(lambda index: self._on_current_row(index, QModelIndex()))
        self.search_box.installEventFilter(self)

    @staticmethod
    def _date_edit(empty_text: str, tip: str) -> DateField:
        edit = DateField(empty_text=empty_text)
        edit.setToolTip(f"{tip}. {edit.toolTip()}; empty for any date")
        edit.setAccessibleName(tip)
        return edit

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A narrow list (a laptop screen) keeps room for the titles: the kind is a filter and shows
        # in the editor; it comes back as a column when the list is widened.
        self.table.setColumnHidden(3, event.size().width() < NARROW_LIST_WIDTH)
        super().resizeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down from the search box goes to the results, as in a browser's address bar.
        if (
            watched is self.search_box
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        ):
            self.table.setFocus()
            if self.model.rowCount() and not self.table.currentIndex().isValid():
                self.table.setCurrentIndex(self.model.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    def reload_filter_choices(self, accounts: list[tuple[str, str]], competitors: list[str]) -> None:
        """Refill the account and competitor filters, keeping what was chosen."""
        for combo, everything, items in (
            (self.account_filter, "All accounts", accounts),
            (self.competitor_filter, "Any competitor", [(name, name) for name in competitors]),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for item_id, label in items:
                combo.addItem(label, item_id)
            position = combo.findData(chosen)
            combo.setCurrentIndex(max(position, 0))
            combo.blockSignals(False)

    def current_query(self) -> VisitQuery:
        return VisitQuery(
            text=self.search_box.text(),
            account_id=self.account_filter.currentData(),
            kind=self.kind_filter.currentData(),
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            competitor=self.competitor_filter.currentData(),
            min_severity=self.severity_filter.currentData(),
        )

    def apply_query(self) -> None:
        self._search_timer.stop()
        current = self.current_visit_id()
        self.model.set_query(self.current_query())
        self._update_count()
        if current is not None:
            self.select_visit(current, emit=False)

    def _update_count(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(f"{count:,} visit{'s' if count != 1 else ''}")

    def current_visit_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.data(index, VisitListModel.VisitIdRole) if index.isValid() else None

    def selected_visit_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = (self.model.data(self.model.index(row, 0), VisitListModel.VisitIdRole) for row in rows)
        return [visit_id for visit_id in ids if visit_id is not None]

    def select_visit(self, visit_id: str, emit: bool = True) -> bool:
        row = self.model.row_of(visit_id)
        if row is None:
            return False
        selection = self.table.selectionModel()
        selection.blockSignals(not emit)
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.selectRow(row)
        selection.blockSignals(False)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        visit_id = self.model.data(current, VisitListModel.VisitIdRole) if current.isValid() else None
        if visit_id:
            self.visitActivated.emit(visit_id)

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def on_change(self, change: Change) -> None:
        if change.visit_list:
            self.apply_query()
        elif change.visit_ids:
            self.model.refresh_visits(change.visit_ids)

    @staticmethod
    def find_shortcut() -> QKeySequence:
        return QKeySequence(QKeySequence.StandardKey.Find)
