"""View › Follow-ups: the follow-up actions of every visit in one list, ticked done in place.

The list reads through its own plain sqlite3 connections off the GUI thread, a page at a
time: at 100,000 visits the whole team's list is 100,000 actions, and reading and sorting
them all took seconds. The first page comes with the counts (open, overdue, done), sorted
by SQLite along the index made for the listing order (`ix_finding_follow_up_listing`);
the next page is read when the list is scrolled to its end (Qt's `canFetchMore` and
`fetchMore`), starting after the last row read, so that an action ticked done in place
(it then sorts elsewhere) makes no row of the next page go missing. A page read for
filters since changed is dropped. Ticking an action done is an edit of its finding run by
the operations helper, so the visit editor and the visit list refresh from the broadcast
change; Ctrl+Z in the view takes a tick back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.follow_ups import FollowUpCounts, FollowUpRow
from fieldnotes.domain.wording import counted
from fieldnotes.services.changes import Change
from fieldnotes.services.follow_ups import name_key, write_calendar
from fieldnotes.ui.freshness import ReloadWhenSeen
from fieldnotes.ui.listing_table import listing_table
from fieldnotes.ui.marks import OVERDUE_COLOUR, OVERDUE_WORD
from fieldnotes.ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from fieldnotes.ui.frame import Frame
    from fieldnotes.ui.workspace import Workspace

ModelIndex = QModelIndex | QPersistentModelIndex

#: Columns: (key, heading).
COLUMNS = (("done", "Done"), ("due_on", "Due"), ("text", "Action"), ("owner", "Owner"),
           ("account", "Account"), ("visit", "Visit"))
DONE_COLUMN = 0
#: Done actions step back: a grey readable on light and dark themes.
DONE_COLOUR = QColor("#8a8a8a")
#: What the owner filter's first two entries stand for.
ANYONE, MINE = "", "\x00mine"
#: Edits elsewhere (typing in the editor saves every second) refresh the list this long after the last one.
REFRESH_DELAY_MS = 700
#: Actions read at a time: the first page at once, the next whenever the list is scrolled to its end.
PAGE_SIZE = 200
#: Reads the actions after a row (as it was read), at most so many: the next page of the list shown.
PageReader = Callable[[FollowUpRow, int], list[FollowUpRow]]


class FollowUpTableModel(QAbstractTableModel):
    """Follow-up rows with a checkable Done column, read a page at a time; ticking asks `tick` to write it first.

    Args:
        tick: writes a row's new done state; returns False when that failed (the box stays).

    Signals:
        pageLoaded(): a further page was read and its rows shown.
        pageFailed(object): reading a page stopped on this exception (the list ends there).
    """

    pageLoaded = Signal()
    pageFailed = Signal(object)

    def __init__(self, tick: Callable[[FollowUpRow, bool], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tick = tick
        self.rows: list[FollowUpRow] = []
        self._numbers: dict[str, int] = {}  # a finding's row
        self._read_page: PageReader | None = None
        self._last_read: FollowUpRow | None = None  # as read: a row ticked since sorts elsewhere
        self._complete = True
        self._generation = 0  # a page read for an earlier list is dropped
        self._fetching = False
        self._reading: Task | None = None  # kept: a task nobody holds is collected before it reports back

    def set_rows(self, rows: list[FollowUpRow], read_page: PageReader | None = None, complete: bool = True) -> None:
        """Show `rows`, the start of a list; `read_page` reads the rest unless it is `complete`."""
        self.beginResetModel()
        self._generation += 1
        self.rows = list(rows)
        self._numbers = {row.id: number for number, row in enumerate(self.rows)}
        self._read_page = read_page
        self._last_read = self.rows[-1] if self.rows else None
        self._complete = complete or read_page is None or not self.rows
        self._fetching = False
        self.endResetModel()

    def stop_reading(self) -> None:
        """Read no further page of the list shown (the filters changed): one on its way is dropped."""
        self._generation += 1
        self._complete = True
        self._fetching = False

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008  # Qt's signature
        return not parent.isValid() and not self._complete and not self._fetching

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        """Read the next page off the GUI thread; its rows are added when it comes."""
        if not self.canFetchMore(parent) or self._read_page is None or self._last_read is None:
            return
        read_page, after, limit, generation = self._read_page, self._last_read, PAGE_SIZE, self._generation
        self._fetching = True
        self._reading = run_in_background(
            "Reading follow-ups",
            lambda progress, cancelled: read_page(after, limit),
            None,
            lambda rows: self._add_page(generation, limit, rows),
            lambda error: self._page_failed(generation, error),
            show_progress=False,
        )

    def _add_page(self, generation: int, limit: int, rows: list[FollowUpRow]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._complete = len(rows) < limit
        if rows:
            self._last_read = rows[-1]
        # An action ticked done here sorts among the done ones: it is shown where it was ticked.
        new = [row for row in rows if row.id not in self._numbers]
        if new:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(new) - 1)
            for row in new:
                self._numbers[row.id] = len(self.rows)
                self.rows.append(row)
            self.endInsertRows()
        self.pageLoaded.emit()

    def _page_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._complete = True
        self.pageFailed.emit(error)

    def row_of(self, finding_id: str) -> int | None:
        """The row of an action among those read so far."""
        return self._numbers.get(finding_id)

    def replace(self, number: int, row: FollowUpRow) -> None:
        """Show a row's new state where it is (a ticked action stays put until the next refresh)."""
        self.rows[number] = row
        self.dataChanged.emit(self.index(number, 0), self.index(number, len(COLUMNS) - 1))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section][1]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == DONE_COLUMN:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.CheckStateRole and key == "done":
            return Qt.CheckState.Checked if row.done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.overdue and key in ("text", "due_on"):
                return f"{row.text}\nOverdue: it was due on {row.due_on} and is not done."
            if key == "visit":
                title = row.visit_title or "(untitled visit)"
                return f"{title} — {row.visited_on[:10]}\nDouble-click or Enter opens it"
            if key == "text" and row.contact_name:
                return f"{row.text}\nFor {row.contact_name}"
            return self._text(row, key) or None
        if role == Qt.ItemDataRole.ForegroundRole and row.overdue and key in ("text", "due_on"):
            return QBrush(OVERDUE_COLOUR)
        if role == Qt.ItemDataRole.ForegroundRole and row.done:
            return QBrush(DONE_COLOUR)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and key == "done":
            return "done" if row.done else OVERDUE_WORD if row.overdue else "open"
        return None

    @staticmethod
    def _text(row: FollowUpRow, key: str) -> str:
        if key == "done":
            return ""
        if key == "due_on":
            if not row.due_on:
                return ""
            return f"{row.due_on} · {OVERDUE_WORD}" if row.overdue else row.due_on
        if key == "text":
            return f"{row.text}  (for {row.contact_name})" if row.contact_name else row.text
        if key == "owner":
            return row.owner
        if key == "account":
            return row.account_name
        return row.visit_title or "(untitled visit)"

    def setData(self, index: ModelIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != DONE_COLUMN or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)
        row = self.rows[index.row()]
        if checked == row.done:
            return True
        return self._tick(row, checked)


class _TickCommand(QUndoCommand):
    """One tick in the view; undo writes the action's previous state back."""

    def __init__(self, view: FollowUpsView, row: FollowUpRow, done: bool) -> None:
        super().__init__("Mark follow-up done" if done else "Mark follow-up not done")
        self._view, self._finding_id, self._done = view, row.id, done
        self._written = True  # pushed after the write succeeded: the first redo is that write

    def redo(self) -> None:
        if self._written:
            self._written = False
            return
        self._view.write_done(self._finding_id, self._done)

    def undo(self) -> None:
        self._view.write_done(self._finding_id, not self._done)


class FollowUpsView(QDialog):
    """The list of follow-up actions across visits, with its filters, in a window of its own.

    Signals:
        visitRequested(str): the user asked to open this visit (double-click, Enter, Open visit).
        loaded(): the list shows what the filters ask for.
    """

    visitRequested = Signal(str)
    loaded = Signal()  # the list shows what the filters ask for

    def __init__(self, workspace: Workspace, frame: Frame, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frame = frame
        self.setWindowTitle("Follow-ups")
        self.setObjectName("followUpsView")
        self._workspace = workspace
        self._services = workspace.services
        self._generation = 0  # a reading started earlier than the last one is dropped
        self._reading: Task | None = None
        self._counts = FollowUpCounts()
        self.undo_stack = QUndoStack(self)
        self.model = FollowUpTableModel(self._tick, self)
        self.model.pageFailed.connect(lambda error: self._failed(self._generation, error))

        self.owner_filter = QComboBox()
        self.owner_filter.setObjectName("followUpOwner")
        self.owner_filter.setAccessibleName("Owner")
        self.account_filter = QComboBox()
        self.account_filter.setObjectName("followUpAccount")
        self.account_filter.setAccessibleName("Account")
        self.show_done = QCheckBox("Show &done")
        self.show_done.setObjectName("followUpShowDone")
        self.count_label = QLabel()
        self.count_label.setObjectName("followUpCount")
        owner_label = QLabel("&Owner:")
        owner_label.setBuddy(self.owner_filter)
        account_label = QLabel("&Account:")
        account_label.setBuddy(self.account_filter)
        filters = QHBoxLayout()
        filters.addWidget(owner_label)
        filters.addWidget(self.owner_filter, 1)
        filters.addWidget(account_label)
        filters.addWidget(self.account_filter, 1)
        filters.addWidget(self.show_done)
        filters.addStretch(0)
        filters.addWidget(self.count_label)

        self.table = listing_table(self.model, "followUpTable", "Follow-up actions")
        header = self.table.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Interactive,
                                       QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Interactive,
                                       QHeaderView.ResizeMode.Interactive, QHeaderView.ResizeMode.Interactive)):
            header.setSectionResizeMode(column, mode)
        for column, width in ((1, 150), (3, 140), (4, 170), (5, 210)):
            self.table.setColumnWidth(column, width)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))

        self.open_button = QPushButton("&Open visit")
        self.open_button.clicked.connect(lambda: self._open_row(self.table.currentIndex().row()))
        self.export_button = QPushButton("&Export to calendar…")
        self.export_button.setObjectName("followUpExport")
        self.export_button.setToolTip("Write the open actions shown as to-dos in an iCalendar (.ics) file")
        self.export_button.clicked.connect(self.export_calendar)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Space ticks an action done; Ctrl+Z takes it back."))
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)

        page = QVBoxLayout(self)
        page.addLayout(filters)
        page.addWidget(self.table, 1)
        page.addLayout(buttons)

        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
        for action in (undo, redo):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.undo_action, self.redo_action = undo, redo

        self._freshness = ReloadWhenSeen(self, self.reload, REFRESH_DELAY_MS, self._catch_up)
        self.fill_filters()
        self.owner_filter.currentIndexChanged.connect(lambda _index: self.reload())
        self.account_filter.currentIndexChanged.connect(lambda _index: self.reload())
        self.show_done.toggled.connect(lambda _on: self.reload())
        workspace.notifier.changed.connect(self._on_change)
        self.resize(1100, 560)

    # --- filters -------------------------------------------------------------------

    def fill_filters(self) -> None:
        """Offer the owners and accounts the notebook knows, keeping what is chosen."""
        owner, account = self.owner_filter.currentData(), self.account_filter.currentData()
        for combo in (self.owner_filter, self.account_filter):
            combo.blockSignals(True)
            combo.clear()
        me = self._services.signature.name
        self.owner_filter.addItem("Anyone", ANYONE)
        self.owner_filter.addItem(f"Mine ({me})", MINE)
        for name in self._services.follow_ups.owners():
            if name_key(name) != name_key(me):
                self.owner_filter.addItem(name, name)
        self.account_filter.addItem("All accounts", None)
        for account_id, name in self._services.notebook.account_choices():
            self.account_filter.addItem(name or "(unnamed)", account_id)
        for combo, chosen in ((self.owner_filter, owner), (self.account_filter, account)):
            found = combo.findData(chosen)
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)

    def owner(self) -> str | None:
        """The owner shown: the user's name for Mine, None for anyone."""
        chosen = self.owner_filter.currentData()
        if chosen == MINE:
            return self._services.signature.name
        return chosen or None

    # --- reading -------------------------------------------------------------------

    def reload(self) -> None:
        """Read the list again for the filters chosen, off the GUI thread: its counts and first page.

        As many rows as were read before are read again, so that the row the user is on
        stays shown, and where it was.
        """
        self._freshness.reloaded()
        self._generation += 1
        generation = self._generation
        self.model.stop_reading()
        follow_ups = self._services.follow_ups
        owner, account_id, include_done = self.owner(), self.account_filter.currentData(), self.show_done.isChecked()
        limit = max(PAGE_SIZE, len(self.model.rows))
        if not self.model.rows:
            self.count_label.setText("Reading…")

        def read_page(after: FollowUpRow, page_size: int) -> list[FollowUpRow]:
            return follow_ups.page(owner, account_id, include_done, after, page_size)

        # Kept: a task nobody holds is collected before it reports back.
        self._reading = run_in_background(
            "Reading follow-ups",
            lambda progress, cancelled: follow_ups.first_page(owner, account_id, include_done, limit),
            None,
            lambda result: self._show(generation, result, read_page, limit),
            lambda error: self._failed(generation, error),
            show_progress=False,
        )

    def _show(self, generation: int, result: tuple[FollowUpCounts, list[FollowUpRow]], read_page: PageReader,
              limit: int) -> None:
        if generation != self._generation:
            return
        self._counts, rows = result
        current = self.model.rows[self.table.currentIndex().row()].id if self.table.currentIndex().isValid() else None
        self.model.set_rows(rows, read_page, complete=len(rows) < limit)
        number = self.model.row_of(current) if current else None
        if number is None and rows:
            number = 0
        if number is not None:
            self.table.setCurrentIndex(self.model.index(number, 0))
        self._update_count()
        self.loaded.emit()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._workspace.operations.explain_failed_read(error, self.count_label)

    def _update_count(self) -> None:
        counts = self._counts  # of the whole list, not only of the pages read
        parts = [counted(counts.open, "open action")]
        if counts.overdue:
            parts.append(f"{counts.overdue:,} {OVERDUE_WORD}")
        if self.show_done.isChecked():
            parts.append(f"{counts.done:,} done")
        self.count_label.setText(", ".join(parts))

    def _on_change(self, change: Change) -> None:
        if change.origin is self:
            return  # a tick here: the row already shows it
        if change.account_ids or change.visit_list:
            self.fill_filters()
        if change.visit_ids or change.visit_list or change.account_ids:
            self._freshness.changed()

    def _catch_up(self) -> None:
        self.fill_filters()
        self.reload()

    # --- ticking done --------------------------------------------------------------

    def _tick(self, row: FollowUpRow, done: bool) -> bool:
        if not self.write_done(row.id, done):
            return False
        self.undo_stack.push(_TickCommand(self, row, done))
        return True

    def write_done(self, finding_id: str, done: bool) -> bool:
        """Mark an action done (or open again) through the operations helper; False if refused."""
        self._workspace.editing.flush()  # typing not yet saved in that visit goes first
        notebook = self._services.notebook
        result = self._workspace.operations.run(
            lambda: notebook.update_finding(finding_id, origin=self, done=done), title="Follow-ups", parent=self,
        )
        if result is None:
            return False
        number = self.model.row_of(finding_id)
        if number is not None:
            before = self.model.rows[number]
            after = before.with_done(done)
            self.model.replace(number, after)
            self._counts = self._counts.after_tick(before, after)
            self._update_count()
        return True

    def toggle_current(self) -> bool:
        """Tick the current row's action done, or open again (Space)."""
        index = self.table.currentIndex()
        if not index.isValid():
            return False
        row = self.model.rows[index.row()]
        return self._tick(row, not row.done)

    # --- opening and exporting -----------------------------------------------------

    def _open_row(self, number: int) -> None:
        if 0 <= number < len(self.model.rows):
            self.visitRequested.emit(self.model.rows[number].visit_id)

    def export_calendar(self) -> None:
        """Write the open actions the filters show (every page, read or not) to an iCalendar file the user chooses."""
        if not self._counts.open:
            self.count_label.setText("No open action shown: nothing to export")
            return
        path = self._frame.choose_file("Export follow-ups to calendar", True, "iCalendar (*.ics)",
                                                 "follow-ups.ics")
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(".ics")
        follow_ups = self._services.follow_ups
        owner, account_id = self.owner(), self.account_filter.currentData()

        def export(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
            return write_calendar(follow_ups.rows(owner, account_id, include_done=False), path)

        self._workspace.operations.run_in_background(
            "Export to calendar", export,
            lambda written: self.count_label.setText(f"Wrote {counted(written, 'to-do')} to {path.name}"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Space and not event.modifiers():
                self.toggle_current()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_row(self.table.currentIndex().row())
                return True
            if event.key() in (Qt.Key.Key_Home, Qt.Key.Key_End) and not event.modifiers():
                self._go_to_row(0 if event.key() == Qt.Key.Key_Home else self.model.rowCount() - 1)
                return True
        return super().eventFilter(watched, event)

    def _go_to_row(self, number: int) -> None:
        """Home and End go to the first and the last action, as in a list, not to a row's first
        and last column; at the last row read, the list reads its next page, so End again goes on."""
        if number < 0:
            return
        column = max(self.table.currentIndex().column(), 0)
        index = self.model.index(number, column)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

