"""The visit list: a lazy table model over search results, and the pane with search and filters.

The model fetches the keys and the columns of matching visits a page at a time, only for
the rows the view asks about, so a list of 100,000 visits opens and scrolls as fast as a
list of ten. The first page comes at once (under 50 ms at 100,000 visits); how many visits
match can take longer to count, so it is counted on the thread pool and the rows beyond
the first page appear when the count arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
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

from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.domain.model import VisitKind, VisitRow
from fieldnotes.domain.wording import counted
from fieldnotes.services.changes import Change
from fieldnotes.services.search import Search, VisitQuery
from fieldnotes.ui.field_widgets import DateField

log = logging.getLogger(__name__)

PAGE_SIZE = 200
SEARCH_DELAY_MS = 120
#: Below this width (pixels) the list leaves out its Kind column, so that titles stay readable.
NARROW_LIST_WIDTH = 420
#: While words are searched the list also shows where they matched: below this width it leaves
#: out the Kind column then, so that titles and excerpts have the room.
NARROW_SEARCH_LIST_WIDTH = 560
#: The least room a search's excerpt is left beside the titles, in pixels (its tooltip has it whole).
MATCH_MINIMUM = 60
#: The least an account's name is narrowed to while words are searched, in pixels.
ACCOUNT_MINIMUM = 60
#: The account column's width when the list opens.
ACCOUNT_WIDTH = 130

_COLUMNS = ("Date", "Title", "Account", "Kind", "Salesperson", "Where it matched")
MATCH_COLUMN = 5
Index = QModelIndex | QPersistentModelIndex


def display_date(visited_on: str) -> str:
    """The day of a visit (`2026-03-04`); its time is in the tooltip and the editor."""
    return visited_on[:10]


class _CountSignals(QObject):
    counted = Signal(int, int)  # generation of the query, number of visits (-1: failed)
    paged = Signal(int, int, object, object)  # generation, page number, keys, rows (None: failed)


class _PageJob(QRunnable):
    """Fetches one page of keys and their rows on a worker thread (a deep page can take seconds)."""

    def __init__(self, search: Search, query: VisitQuery, generation: int, page_number: int,
                 signals: _CountSignals) -> None:
        super().__init__()
        self._search = search
        self._query = query
        self._generation = generation
        self._page_number = page_number
        self._signals = signals

    def run(self) -> None:
        try:
            pks = self._search.find(self._query, self._page_number * PAGE_SIZE, PAGE_SIZE)
            rows: list[VisitRow] | None = self._search.rows(pks)
        except FieldnotesError as error:  # the notebook is closing, or its file went away
            log.info("fetching page %d of %r stopped: %s", self._page_number, self._query, error)
            pks, rows = [], None
        except Exception:  # the rows stay "Loading…"; the log says why
            log.exception("fetching page %d of %r failed", self._page_number, self._query)
            pks, rows = [], None
        self._signals.paged.emit(self._generation, self._page_number, pks, rows)


class _CountJob(QRunnable):
    """Counts the visits of one query on a worker thread; the number comes back by signal."""

    def __init__(self, search: Search, query: VisitQuery, generation: int, signals: _CountSignals) -> None:
        super().__init__()
        self._search = search
        self._query = query
        self._generation = generation
        # Held here too: the job may outlive the model that started it.
        self._signals = signals

    def run(self) -> None:
        try:
            total = self._search.count(self._query)
        except FieldnotesError as error:  # the notebook is closing, or its file went away
            log.info("counting the visits of %r stopped: %s", self._query, error)
            total = -1
        except Exception:  # a count that fails leaves the first page shown; the log says why
            log.exception("counting the visits of %r failed", self._query)
            total = -1
        self._signals.counted.emit(self._generation, total)


class VisitListModel(QAbstractTableModel):
    """Rows are the visits that match `query`, in search order, fetched page by page."""

    VisitIdRole = Qt.ItemDataRole.UserRole + 1
    #: The number of matching visits, once known (the first page is shown before).
    countChanged = Signal(int)

    def __init__(self, search: Search, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._query = VisitQuery()
        self._count = 0
        self._count_known = True
        self._generation = 0
        self._pages: dict[int, list[int]] = {}
        self._rows: dict[int, VisitRow] = {}
        self._matches: dict[int, tuple[list[str], str]] = {}
        self._page_wanted: int | None = None  # the page the view asked for last
        self._page_loading: int | None = None  # the page being fetched (one at a time)
        self._count_signals = _CountSignals()
        self._count_signals.counted.connect(self._on_counted)
        self._count_signals.paged.connect(self._on_paged)

    # --- queries -------------------------------------------------------------------

    @property
    def query(self) -> VisitQuery:
        return self._query

    @property
    def count_known(self) -> bool:
        """Whether `rowCount` is every matching visit, not only the first page of them."""
        return self._count_known

    def set_query(self, query: VisitQuery) -> None:
        """Show the first page of `query` now; count the rest on the thread pool."""
        self.beginResetModel()
        self._generation += 1
        self._query = query
        self._pages.clear()
        self._rows.clear()
        self._matches.clear()
        self._page_wanted = None
        first_page = self._search.find(query, 0, PAGE_SIZE)
        self._pages[0] = first_page
        self._count = len(first_page)
        self._count_known = len(first_page) < PAGE_SIZE
        self.endResetModel()
        if self._count_known:
            self.countChanged.emit(self._count)
        else:
            QThreadPool.globalInstance().start(_CountJob(self._search, query, self._generation, self._count_signals))

    def _on_counted(self, generation: int, total: int) -> None:
        if generation != self._generation or total < 0:
            return  # the count of a query the user has since changed, or a failed one
        if total > self._count:
            self.beginInsertRows(QModelIndex(), self._count, total - 1)
            self._count = total
            self.endInsertRows()
        elif total < self._count:  # visits went away between the page and the count
            self.beginRemoveRows(QModelIndex(), total, self._count - 1)
            self._count = total
            self.endRemoveRows()
        self._count_known = True
        self.countChanged.emit(self._count)

    def refresh(self) -> None:
        """Run the current query again (visits were added, removed or reordered)."""
        self.set_query(self._query)

    def refresh_visits(self, visit_ids: frozenset[str]) -> None:
        """Reload the cached columns of these visits where they are shown."""
        stale = [pk for pk, row in self._rows.items() if row.id in visit_ids]
        for pk in stale:
            del self._rows[pk]
            self._matches.pop(pk, None)
        if stale:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(_COLUMNS) - 1))

    def _pk_at(self, row: int) -> int | None:
        """The key at a row, or None while its page is being fetched (never waits for it)."""
        page_number, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_number)
        if page is None:
            self._request_page(page_number)
            return None
        return page[offset] if offset < len(page) else None

    def _request_page(self, page_number: int) -> None:
        """Fetch a page on the thread pool; while one is fetched, only the latest asked waits.

        Dragging the scroll bar asks for every page it passes; fetching them all would keep
        the pool busy with pages nobody looks at any more.
        """
        if page_number == self._page_loading:
            return
        self._page_wanted = page_number
        if self._page_loading is None:
            self._start_page()

    def _start_page(self) -> None:
        page_number, self._page_wanted = self._page_wanted, None
        if page_number is None:
            return
        self._page_loading = page_number
        QThreadPool.globalInstance().start(
            _PageJob(self._search, self._query, self._generation, page_number, self._count_signals))

    def _on_paged(self, generation: int, page_number: int, pks: list[int], rows: list[VisitRow] | None) -> None:
        self._page_loading = None
        if generation == self._generation and rows is not None:
            self._pages[page_number] = pks
            for fetched in rows:
                self._rows[fetched.pk] = fetched
            first = page_number * PAGE_SIZE
            last = min(first + PAGE_SIZE, self._count) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(_COLUMNS) - 1))
        if self._page_wanted is not None and self._page_wanted not in self._pages:
            self._start_page()

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
            try:
                fetched_rows = self._search.rows(missing)
            except FieldnotesError as error:  # a view painting while its notebook closes
                log.info("the visit list could not read its rows: %s", error)
                return None
            for fetched in fetched_rows:
                self._rows[fetched.pk] = fetched
            cached = self._rows.get(pk)
        return cached

    def _where_matched(self, row: VisitRow, role: int) -> str | None:
        """Where the searched words are in this visit: the fields, and an excerpt."""
        if not self._query.words:
            return None
        if row.pk not in self._matches:
            self._matches.update(self._search.where_matched(self._query, [row.pk]))
        columns, excerpt = self._matches.get(row.pk, ([], ""))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Matched in the {', '.join(columns)}:\n{excerpt}" if columns else None
        return excerpt or (f"in the {', '.join(columns)}" if columns else "")

    def row_of(self, visit_id: str) -> int | None:
        """Row of a visit among the pages already fetched (None when not loaded or not listed)."""
        for page_number, page in self._pages.items():
            missing = [pk for pk in page if pk not in self._rows]
            for fetched in self._search.rows(missing) if missing else ():
                self._rows[fetched.pk] = fetched
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
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) \
                and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, self.VisitIdRole):
            return None
        row = self.visit_row(index.row())
        if row is None:
            loading = role == Qt.ItemDataRole.DisplayRole and index.column() == 1
            return "Loading…" if loading and 0 <= index.row() < self._count else None
        if role == self.VisitIdRole:
            return row.id
        column = index.column()
        if column == MATCH_COLUMN:
            return self._where_matched(row, role)
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
    #: Delete pressed in the list: delete the selected visits.
    deleteRequested = Signal()
    #: Ctrl+Z pressed in the list: put back the visits deleted last.
    undoRequested = Signal()

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
        self.table.setAccessibleName("Visits")
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
        # A narrowed column shows the start of its name ("Where…"), its tooltip the whole.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, self.table.fontMetrics().horizontalAdvance("2026-12-31") + 20)
        header.resizeSection(2, ACCOUNT_WIDTH)
        header.resizeSection(3, 105)
        header.resizeSection(4, 100)
        self.table.setColumnHidden(4, True)  # the salesperson: searchable, rarely needed at a glance
        self.table.setColumnHidden(MATCH_COLUMN, True)  # shown while words are searched
        # A title reads at least this far while words are searched (the excerpt gives way first).
        self.title_minimum = self.table.fontMetrics().horizontalAdvance("Stadtwerke Lüneburg") + 12
        self._account_width = ACCOUNT_WIDTH  # the account column's width outside a search, kept for after it
        self.table.viewport().installEventFilter(self)
        self.model.modelReset.connect(self.fit_columns)
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
        self.table.installEventFilter(self)
        #: Whether Ctrl+Z in the list has deleted visits to put back; otherwise the key is
        #: left to the window (the visit's own undo).
        self.undo_available: Callable[[], bool] = lambda: False
        self.model.countChanged.connect(self._update_count)

    @staticmethod
    def _date_edit(empty_text: str, tip: str) -> DateField:
        edit = DateField(empty_text=empty_text)
        edit.setToolTip(f"{tip}. {edit.toolTip()}; empty for any date")
        edit.setAccessibleName(tip)
        return edit

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._show_kind_if_room(event.size().width())
        super().resizeEvent(event)

    def _searching(self) -> bool:
        return not self.table.isColumnHidden(MATCH_COLUMN)

    def _show_kind_if_room(self, width: int) -> None:
        # A narrow list (a laptop screen) keeps room for the titles: the kind is a filter and shows
        # in the editor; it comes back as a column when the list is widened.
        narrow = NARROW_SEARCH_LIST_WIDTH if self._searching() else NARROW_LIST_WIDTH
        self.table.setColumnHidden(3, width < narrow)

    def fit_columns(self) -> None:
        """While words are searched, give the titles their room first and the excerpt the rest.

        Outside a search the title column takes whatever the others leave. During one, the
        title gets what its visible rows need, never less than `title_minimum`, as long as the
        excerpt keeps `MATCH_MINIMUM`; the account's name is narrowed (down to
        `ACCOUNT_MINIMUM`) before the title is; the excerpt stretches into what is left, elided,
        its tooltip giving it whole.
        """
        header = self.table.horizontalHeader()
        if not self._searching():
            if header.sectionResizeMode(1) != QHeaderView.ResizeMode.Stretch:
                header.setSectionResizeMode(MATCH_COLUMN, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(2, self._account_width)
                header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            return
        if header.sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch:
            self._account_width = header.sectionSize(2)  # the user's width, for after the search
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
            header.setSectionResizeMode(MATCH_COLUMN, QHeaderView.ResizeMode.Stretch)
        others = sum(header.sectionSize(column) for column in (0, 3, 4) if not self.table.isColumnHidden(column))
        room = self.table.viewport().width() - others
        title_needed = self.table.sizeHintForColumn(1)
        title = max(self.title_minimum, min(title_needed, room - ACCOUNT_MINIMUM - MATCH_MINIMUM))
        account = max(ACCOUNT_MINIMUM, min(self._account_width, room - title - MATCH_MINIMUM))
        header.resizeSection(1, title)
        header.resizeSection(2, account)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
            return False
        if watched is self.table and isinstance(event, QKeyEvent):
            undo = event.matches(QKeySequence.StandardKey.Undo) and self.undo_available()
            delete = event.key() == Qt.Key.Key_Delete and not event.modifiers()
            if (undo or delete) and event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # the list's own keys, before any window shortcut
                return True
            if (undo or delete) and event.type() == QEvent.Type.KeyPress:
                (self.undoRequested if undo else self.deleteRequested).emit()
                return True
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
        query = self.current_query()
        self.model.set_query(query)
        searching = bool(query.words)
        if self._searching() != searching:
            self.table.setColumnHidden(MATCH_COLUMN, not searching)
            self._show_kind_if_room(self.width())
        self.fit_columns()
        self._update_count()
        if current is not None:
            self.select_visit(current, emit=False)

    def _update_count(self) -> None:
        count = self.model.rowCount()
        if self.model.count_known:
            self.count_label.setText(counted(count, "visit"))
        else:
            self.count_label.setText(f"{count:,}+ visits, counting…")

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
