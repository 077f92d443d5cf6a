"""The team's lists of offerings, competitors and funnel stages: add, rename, merge, reorder.

Each tab shows a list's entries with what uses each (findings, visits, accounts), every
spelling that stands for an entry counted with it, then the names typed before the list
had them. The entries show at once; counting what uses them reads every finding, so it
runs on the thread pool and the counts (and the names typed before the list had them)
follow when read. After a change the lines shown stay until the new counts arrive, except
an entry added or moved here, which shows in its place at once. Renaming or merging
rewrites the name wherever it is used (`services.terms`).
Everything works from the keyboard: type a name and press Enter to add it, F2 renames,
Alt+M merges the selected lines into another, Alt+Up and Alt+Down move a stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.terms import Term, TermList, normalized_name
from fieldnotes.services.changes import Change
from fieldnotes.services.terms import ENTRY_NAMES, ListUse, Terms
from fieldnotes.ui.operations import Operations
from fieldnotes.ui.tasks import run_in_background

AnyIndex = QModelIndex | QPersistentModelIndex
Result = TypeVar("Result")

#: What a count shows until it is read.
NOT_COUNTED_YET = "…"


@dataclass(frozen=True)
class _Column:
    title: str
    value: str  # the `ListUse` attribute shown
    tip: str


@dataclass(frozen=True)
class _ListPage:
    """How one list is shown: its tab, its columns and what its lines are called."""

    which: TermList
    tab: str
    columns: tuple[_Column, ...]
    hint: str
    ordered: bool = False  # the list's order means something (the funnel): lines can be moved


_VISITS = _Column("Visits", "visits", "Visits that name it")
_ACCOUNTS = _Column("Accounts", "accounts", "Accounts of those visits")
PAGES: tuple[_ListPage, ...] = (
    _ListPage(
        TermList.OFFERING, "&Offerings",
        (_Column("Findings", "findings", "Awareness findings that name it"),
         _Column("Did not know", "unaware", "Of those, the customers who did not know we offer it"),
         _VISITS, _ACCOUNTS),
        "What we sell. The offering of an awareness finding completes from this list.",
    ),
    _ListPage(
        TermList.COMPETITOR, "&Competitors",
        (_Column("Findings", "findings", "Competitor moves that name it"), _VISITS, _ACCOUNTS),
        "Competitor moves complete from this list; merged names still count, and the visit "
        "list's filter finds them.",
    ),
    _ListPage(
        TermList.STAGE, "Funnel &stages",
        (_Column("Visits", "findings", "Visits whose next step is at this stage"), _ACCOUNTS),
        "The steps of the sales funnel, in order: a visit's next step names one.",
        ordered=True,
    ),
)


class ListUsageModel(QAbstractTableModel):
    """One list's lines (`Terms.usage`) with their counts; the name column renames in place."""

    def __init__(self, terms: Terms, operations: Operations, page: _ListPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._terms = terms
        self._operations = operations
        self.page = page
        self._lines: list[ListUse] = []
        self._not_counted: set[int] = set()  # rows whose counts are not read yet
        self._parent = parent
        #: Called with the new name once a rename made in place is saved.
        #: Called when a rewrite of every finding that names a line starts, and once it is over.
        self.rewriting: Callable[[], None] = lambda: None
        self.rewritten: Callable[[], None] = lambda: None
        self.renamed: Callable[[str], None] = lambda _name: None

    def show_entries(self, entries: list[ListUse]) -> None:
        """Show the list's entries now, in their order, before their counts are read.

        A line already shown keeps its counts (an entry moved, or a name in use just made an
        entry, is counted the same); the names in use that are not entries stay after them.
        """
        shown = {normalized_name(line.name): line for line in self._lines}
        still_counting = self._names_not_counted()
        listed = {normalized_name(entry.name) for entry in entries}
        lines: list[ListUse] = []
        not_counted: set[int] = set()
        for entry in entries:
            known = shown.get(normalized_name(entry.name))
            if known is None or normalized_name(known.name) in still_counting:
                not_counted.add(len(lines))
                lines.append(entry)
            else:
                lines.append(ListUse(entry.name, True, known.findings, known.visits, known.accounts, known.aware))
        for line in self._lines:
            if not line.entry and normalized_name(line.name) not in listed:
                lines.append(line)
        self.beginResetModel()
        self._lines, self._not_counted = lines, not_counted
        self.endResetModel()

    def _names_not_counted(self) -> set[str]:
        return {normalized_name(self._lines[row].name) for row in self._not_counted}

    def show_counted(self, lines: list[ListUse]) -> None:
        """Show the lines with their counts as read; the same lines are only updated, so that a
        name being renamed in place keeps its editor."""
        same = [(line.name, line.entry) for line in lines] == [(line.name, line.entry) for line in self._lines]
        if same and lines:
            self._lines, self._not_counted = lines, set()
            self.dataChanged.emit(self.index(0, 1), self.index(len(lines) - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self._lines, self._not_counted = lines, set()
        self.endResetModel()

    def counted(self, row: int) -> bool:
        """Whether the counts of a row are read (False while they are being counted)."""
        return row not in self._not_counted

    def line(self, row: int) -> ListUse:
        return self._lines[row]

    def names(self) -> list[str]:
        return [line.name for line in self._lines]

    def row_of(self, name: str) -> int:
        """The row of a line by its name (compared as typed), or -1."""
        return next((row for row, line in enumerate(self._lines) if line.name == name), -1)

    # --- Qt's model interface ---------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 1 + len(self.page.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "Name" if section == 0 else self.page.columns[section - 1].title
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            return self.page.columns[section - 1].tip
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return line.name
            if index.row() in self._not_counted:
                return NOT_COUNTED_YET if role == Qt.ItemDataRole.DisplayRole else None
            return getattr(line, self.page.columns[column - 1].value)
        if role == Qt.ItemDataRole.ToolTipRole and column > 0 and index.row() in self._not_counted:
            return "Being counted"
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and not line.entry:
            return (f"Typed before the list had it: not a {ENTRY_NAMES[self.page.which]} of the list yet. "
                    "Renaming or merging it makes it one.")
        if role == Qt.ItemDataRole.FontRole and column == 0 and not line.entry:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != 0:
            return False
        old = self._lines[index.row()].name
        new = " ".join(str(value).split())
        if not new or new == old:
            return False
        which = self.page.which
        # A rename rewrites every finding that names it (seconds for thousands): in the
        # background, and the lines are read again when it is done.
        def renamed(result: tuple[Term, Change]) -> None:
            self.renamed(result[0].name)

        self.rewriting()
        self._operations.run_in_background(f"Renaming the {ENTRY_NAMES[which]}",
                                           lambda progress, cancelled: self._terms.rename(which, old, new), renamed,
                                           on_finished=lambda _outcome: self.rewritten())
        return True


class ListTab(QWidget):
    """One list: a line to add an entry, the entries with their use, and what to do with them."""

    def __init__(self, terms: Terms, operations: Operations, page: _ListPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._terms = terms
        self._operations = operations
        self.page = page
        entry = ENTRY_NAMES[page.which]
        self.setObjectName(f"{page.which.value}Tab")

        hint = QLabel(page.hint + (" Names in italics were typed before the list had them: renaming or merging "
                                   "one makes it an entry." if page.which is not TermList.STAGE else ""))
        hint.setWordWrap(True)
        self.add_edit = QLineEdit()
        self.add_edit.setObjectName(f"{page.which.value}Add")
        self.add_edit.setPlaceholderText(f"New {entry}: type its name and press Enter")
        self.add_edit.setAccessibleName(f"New {entry}")
        self.add_edit.returnPressed.connect(self.add_typed)
        add_label = QLabel("&Add:")
        add_label.setBuddy(self.add_edit)

        self.model = ListUsageModel(terms, operations, page, self)
        self.model.renamed = self._show_renamed
        self.model.rewriting = self._forget_readings
        self.model.rewritten = self.reload
        self.table = QTableView()
        self.table.setObjectName(f"{page.which.value}Table")
        self.table.setAccessibleName(f"{page.tab.replace('&', '')} and how often each is named")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(self.table.fontMetrics().horizontalAdvance("Accounts") + 24)
        for column in range(1, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        rename = QPushButton("&Rename (F2)")
        rename.setObjectName(f"{page.which.value}Rename")
        rename.clicked.connect(self.rename_current)
        self.merge_button = QPushButton("&Merge into…")
        self.merge_button.setObjectName(f"{page.which.value}Merge")
        self.merge_button.setToolTip(f"Make the selected lines one {entry}: every finding that names them is rewritten")
        self.merge_button.clicked.connect(self.merge_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(rename)
        buttons.addWidget(self.merge_button)
        pushed = [rename, self.merge_button]
        if page.ordered:
            up = QPushButton("Move &up (Alt+Up)")
            up.clicked.connect(lambda: self.move_current(-1))
            down = QPushButton("Move &down (Alt+Down)")
            down.clicked.connect(lambda: self.move_current(1))
            buttons.addWidget(up)
            buttons.addWidget(down)
            pushed += [up, down]
            for key, step in (("Alt+Up", -1), ("Alt+Down", 1)):
                shortcut = QShortcut(QKeySequence(key), self.table, context=Qt.ShortcutContext.WidgetShortcut)
                shortcut.activated.connect(lambda step=step: self.move_current(step))
        # F2 renames the line, wherever on it the cursor is (End or the arrows may have taken it
        # to a count, which is not for editing).
        rename_key = QShortcut(QKeySequence(Qt.Key.Key_F2), self.table, context=Qt.ShortcutContext.WidgetShortcut)
        rename_key.activated.connect(self.rename_current)
        buttons.addStretch(1)
        self.status = QLabel()
        self.status.setObjectName(f"{page.which.value}Status")
        buttons.addWidget(self.status)
        for button in pushed:
            # Enter belongs to the line that adds a name: no button takes it as the default.
            button.setAutoDefault(False)

        add_row = QHBoxLayout()
        add_row.addWidget(add_label)
        add_row.addWidget(self.add_edit, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(add_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.add_edit, self.table)

        self._counting = False
        self._generation = 0
        self._wanted: str | None = None  # the line to select once the counts arrive
        self._pending: list[ListUse] | None = None  # counts read while a name was being edited in place
        self.table.itemDelegate().closeEditor.connect(self._apply_pending)

    @property
    def counting(self) -> bool:
        """Whether the lines' counts are being read."""
        return self._counting

    def relist(self, select: str | None = None) -> None:
        """Show the list's entries at once (after opening, adding or moving), then count them."""
        self.model.show_entries(self._terms.entry_lines(self.page.which))
        self.select(select or self.current_name())
        self.reload(select)

    def reload(self, select: str | None = None) -> None:
        """Count what uses each line again, on the thread pool; the lines shown stay until then.

        Args:
            select: the line to select when the counts arrive (default: the current one).
        """
        self._generation += 1
        generation = self._generation
        if select is not None:
            self._wanted = select
        self._counting = True
        self.status.setText("Counting…")
        terms, which = self._terms, self.page.which
        # The task belongs to the tab: counts that arrive after the window closed go nowhere.
        task = run_in_background(
            f"Counting the {ENTRY_NAMES[which]}s", lambda progress, cancelled: terms.usage(which), self,
            lambda lines: self._counted(generation, lines), lambda error: self._failed(generation, error),
            show_progress=False)
        for finished in (task.done, task.failed):
            finished.connect(task.deleteLater)

    def _counted(self, generation: int, lines: list[ListUse]) -> None:
        if generation != self._generation:
            return  # a reading the list has changed since
        self._counting = False
        self.status.setText("")
        if self.table.state() == QAbstractItemView.State.EditingState:
            self._pending = lines  # shown when the name being edited is saved or given up
            return
        self._show_counted(lines)

    def _apply_pending(self, _editor: QWidget, _hint: QAbstractItemDelegate.EndEditHint) -> None:
        lines, self._pending = self._pending, None
        if lines is not None:
            self._show_counted(lines)

    def _show_counted(self, lines: list[ListUse]) -> None:
        wanted, self._wanted = self._wanted, None
        current, selected = self.current_name(), self.selected_names()
        self.model.show_counted(lines)
        self.select(wanted or current)
        if wanted is None:
            # The lines picked to merge stay picked when their counts arrive.
            selection = self.table.selectionModel()
            for name in selected:
                row = self.model.row_of(name)
                if row >= 0:
                    selection.select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                     | QItemSelectionModel.SelectionFlag.Rows)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._counting = False
        self._operations.explain_failed_read(error, self.status, known="Not counted: {error}", unexpected="")

    def _forget_readings(self) -> None:
        """Counts being read now may see a rewrite half done: they are not shown (a reading follows it)."""
        self._generation += 1

    def _show_renamed(self, name: str) -> None:
        self._wanted = name  # selected when the counts read after the rename arrive

    def current_name(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.line(index.row()).name if index.isValid() else None

    def select(self, name: str | None) -> None:
        row = self.model.row_of(name) if name else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))
            self.table.selectRow(row)

    def selected_names(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.line(row).name for row in rows]

    def _run(self, title: str, action: Callable[[], Result]) -> Result | None:
        return self._operations.run(action, title=title, parent=self)

    # --- what the user does --------------------------------------------------------

    def add_typed(self) -> None:
        name = self.add_edit.text().strip()
        if not name:
            return
        which = self.page.which
        added = self._run(f"Add {ENTRY_NAMES[which]}", lambda: self._terms.add(which, name))
        if added is not None:
            self.add_edit.clear()
            self.relist(select=added[0].name)

    def rename_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.table.setFocus()
            self.table.edit(self.model.index(index.row(), 0))

    def merge_selected(self) -> None:
        """Ask which line the selected lines become, then merge each of them into it."""
        sources = self.selected_names()
        if not sources:
            return
        which = self.page.which
        entry = ENTRY_NAMES[which]
        candidates = [name for name in self.model.names() if name not in sources or len(sources) > 1]
        if not candidates:
            return
        ask = QInputDialog(self)
        ask.setObjectName("mergeTarget")
        ask.setWindowTitle(f"Merge {entry}s")
        shown = ", ".join(f"“{name}”" for name in sources)
        ask.setLabelText(f"Merge {shown} into:")
        ask.setComboBoxItems(candidates)
        ask.setComboBoxEditable(True)
        ask.setTextValue(candidates[0])
        if ask.exec() != QDialog.DialogCode.Accepted or not ask.textValue().strip():
            return
        target = ask.textValue().strip()

        merged = [source for source in sources if source != target]

        def merge_all(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> tuple[str, Change]:
            changes = []
            for done, source in enumerate(merged):
                if cancelled():
                    break
                progress(done, len(merged))
                changes.append(self._terms.merge(which, source, target)[1])
            return target, Change.union(*changes)

        def finished(_outcome: object) -> None:
            self.reload(select=self._terms.canonical_name(which, target))

        # Every finding that names a merged line is rewritten: seconds for thousands.
        self._forget_readings()
        self._operations.run_in_background(f"Merging {entry}s", merge_all, lambda _result: None,
                                           on_finished=finished)

    def move_current(self, step: int) -> None:
        name = self.current_name()
        if name is None or not self.page.ordered:
            return
        row = self.model.row_of(name)
        entries = sum(1 for line in (self.model.line(r) for r in range(self.model.rowCount())) if line.entry)
        if not self.model.line(row).entry:
            row = entries  # a name in use joins the list at its end when first moved
        place = row + step
        if place < 0 or place >= max(entries, row + 1):
            return
        if self._run("Move stage", lambda: self._terms.move(self.page.which, name, place)) is not None:
            self.relist(select=name)


class ListsDialog(QDialog):
    """Edit › Offerings, competitors and stages: one tab per list."""

    def __init__(self, terms: Terms, operations: Operations, parent: QWidget | None = None,
                 which: TermList = TermList.OFFERING) -> None:
        super().__init__(parent)
        self.setObjectName("listsDialog")
        self.setWindowTitle("Offerings, competitors and stages")
        self.resize(760, 520)
        self.tabs = QTabWidget()
        self.pages: dict[TermList, ListTab] = {}
        for page in PAGES:
            tab = ListTab(terms, operations, page, self)
            self.pages[page.which] = tab
            self.tabs.addTab(tab, page.tab)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)  # Enter adds; Escape closes
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        for tab in self.pages.values():
            tab.relist()
        self.tabs.setCurrentWidget(self.pages[which])
        self.pages[which].add_edit.setFocus()
        self.tabs.currentChanged.connect(lambda _index: self._focus_current())
        # Lists change under the dialog too (a sync, a finding edited in the main window), and
        # its own edits are read back once the event that made them is over (an editor closed).
        self._reload_timer = QTimer(self, singleShot=True, interval=0)
        self._reload_timer.timeout.connect(self.reload)
        operations.notifier.changed.connect(self._on_change)
        self.finished.connect(lambda _result: operations.notifier.changed.disconnect(self._on_change))

    def _focus_current(self) -> None:
        tab = self.tabs.currentWidget()
        if isinstance(tab, ListTab):
            tab.add_edit.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._focus_current()

    def _on_change(self, change: Change) -> None:
        if change.terms or change.visit_ids or change.visit_list:
            self._reload_timer.start()

    def reload(self) -> None:
        for tab in self.pages.values():
            tab.reload()
