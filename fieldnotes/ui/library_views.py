"""View › Objection library and View › Quote bank: what the team heard and said across every visit.

Both read through the library service's own sqlite3 connections off the GUI thread (at
100,000 visits each list is 100,000 rows) and refresh from the broadcast change. Marking
the best answer is an edit of its objection, run by the operations helper; the battlecard
is written in the background and previewed like every report. Ctrl+C in the quote bank
puts the selected quotes on the clipboard with their bylines, as rich and plain text.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.library import BankedQuote, GroupBy, HeardObjection, ObjectionGroup, filter_quotes
from fieldnotes.domain.model import FINDING_KINDS_BY_KEY, AccountKind
from fieldnotes.domain.wording import counted
from fieldnotes.services.changes import Change
from fieldnotes.ui.freshness import ReloadWhenSeen
from fieldnotes.ui.listing_table import listing_table
from fieldnotes.ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from fieldnotes.ui.frame import Frame
    from fieldnotes.ui.workspace import Workspace

ModelIndex = QModelIndex | QPersistentModelIndex

#: Edits elsewhere refresh an open view this long after the last one.
REFRESH_DELAY_MS = 700
#: A library with more objections than this opens with its groups folded.
EXPAND_AT_MOST = 2_000
BEST_MARK = "★"
OBJECTION_COLUMNS = ("Objection", "Answer that worked", "Heard by", "Where", "Date")
QUOTE_COLUMNS = ("Quote", "Speaker", "Role", "Company", "Themes", "Consent", "Date")


class ObjectionTreeModel(QAbstractItemModel):
    """Groups of objections (a theme or a competitor) with their objections as children.

    A group's row shows its title, how many objections it holds and its best answer; an
    objection's row shows the answer that worked, who heard it, the account and the date,
    and a star on the group's best answer. Top-level indexes carry 0 as internal id, an
    objection's index its group's row plus one.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.groups: list[ObjectionGroup] = []

    def set_groups(self, groups: list[ObjectionGroup]) -> None:
        self.beginResetModel()
        self.groups = groups
        self.endResetModel()

    def group_of(self, index: ModelIndex) -> ObjectionGroup | None:
        """The group a row is or belongs to."""
        if not index.isValid():
            return None
        number = index.row() if index.internalId() == 0 else index.internalId() - 1
        return self.groups[number] if 0 <= number < len(self.groups) else None

    def objection_of(self, index: ModelIndex) -> HeardObjection | None:
        """The objection a row shows (None for a group's row)."""
        if not index.isValid() or index.internalId() == 0:
            return None
        group = self.group_of(index)
        if group is None or not 0 <= index.row() < len(group.objections):
            return None
        return group.objections[index.row()]

    def index_of(self, group_key: str | None, objection_id: str | None) -> QModelIndex:
        """The row of an objection within a group (or the group's row), invalid when not shown."""
        for number, group in enumerate(self.groups):
            if group.key != group_key:
                continue
            for row, item in enumerate(group.objections):
                if item.id == objection_id:
                    return self.index(row, 0, self.index(number, 0))
            return self.index(number, 0)
        return QModelIndex()

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not 0 <= column < len(OBJECTION_COLUMNS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self.groups) else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0 or not 0 <= parent.row() < len(self.groups):
            return QModelIndex()
        if row >= len(self.groups[parent.row()].objections):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's signature
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() != 0 or parent.column() != 0 or not 0 <= parent.row() < len(self.groups):
            return 0
        return len(self.groups[parent.row()].objections)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(OBJECTION_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(OBJECTION_COLUMNS):
            return OBJECTION_COLUMNS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        group = self.group_of(index)
        if group is None:
            return None
        column = index.column()
        if index.internalId() == 0:
            return self._group_data(group, column, role)
        item = self.objection_of(index)
        if item is None:
            return None
        best = group.best
        is_best = best is not None and best.id == item.id
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{BEST_MARK} {item.answer}" if is_best else item.answer, item.heard_by, item.where,
                    item.visited_on[:10])[column - 1] if column else item.text
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1 and is_best:
                return f"{item.answer}\nThe best answer for this {group.by.value} (B marks another)"
            if column == 0:
                themes = ", ".join(item.themes) or "no theme"
                against = ", ".join(item.competitors) or "no competitor named"
                return f"{item.text}\nThemes: {themes}\nCompetitors: {against}\nEnter opens its visit"
            return self.data(index) or None
        if role == Qt.ItemDataRole.FontRole and is_best and column == 1:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and column == 1:
            return "best answer" if is_best else "answer"
        return None

    @staticmethod
    def _group_data(group: ObjectionGroup, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{group.title} ({len(group.objections):,})"
            if column == 1:
                best = group.best
                if best is not None:
                    return f"{BEST_MARK} {best.answer}"
                return counted(len(group.answers()), "answer") + " that worked"
            return ""
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and group.best is not None:
            return f"The best answer: {group.best.answer}"
        return None


class _LibraryWindow(QDialog):
    """What both views share: reading off the GUI thread, refreshing after changes elsewhere.

    Each view gives the read it runs in the background and what shows its result, as the
    visit's undo history is given its write and its undo.
    """

    loaded = Signal()  # the view shows what its filters ask for

    def __init__(self, workspace: Workspace, frame: Frame, title: str, parent: QWidget | None,
                 read: Callable[[], object], show: Callable[[object], None]) -> None:
        super().__init__(parent)
        self._read = read
        self._show = show
        self.setWindowTitle(title)
        self._workspace = workspace
        self._frame = frame
        self._services = workspace.services
        self._generation = 0  # a reading started earlier than the last one is dropped
        self._reading: Task | None = None
        self.count_label = QLabel()
        self._freshness = ReloadWhenSeen(self, self.reload, REFRESH_DELAY_MS)
        workspace.notifier.changed.connect(self._on_change)

    def reload(self) -> None:
        """Read the list again, off the GUI thread."""
        self._freshness.reloaded()
        self._generation += 1
        generation = self._generation
        self.count_label.setText("Reading…")
        # Kept: a task nobody holds is collected before it reports back.
        self._reading = run_in_background(
            f"Reading the {self.windowTitle().lower()}", lambda progress, cancelled: self._read(), None,
            lambda result: self._shown(generation, result), lambda error: self._failed(generation, error),
            show_progress=False,
        )

    def _shown(self, generation: int, result: object) -> None:
        if generation == self._generation:
            self._show(result)
            self.loaded.emit()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._workspace.operations.explain_failed_read(error, self.count_label)

    def _on_change(self, change: Change) -> None:
        if change.visit_ids or change.visit_list or change.account_ids or change.terms:
            self._freshness.changed()


class ObjectionLibraryView(_LibraryWindow):
    """Every objection across visits, grouped by theme or by competitor, with the answers that
    worked; B marks the best answer of a theme; the battlecard is one click away.

    Signals:
        visitRequested(str): the user asked to open the visit an objection was heard in.
    """

    visitRequested = Signal(str)

    def __init__(self, workspace: Workspace, frame: Frame, parent: QWidget | None = None) -> None:
        super().__init__(workspace, frame, "Objection library", parent, workspace.services.library.objections,
                         self._show_objections)
        self.setObjectName("objectionLibrary")
        self.objections: list[HeardObjection] = []
        self.model = ObjectionTreeModel(self)

        self.group_by = QComboBox()
        self.group_by.setObjectName("libraryGroupBy")
        self.group_by.setAccessibleName("Group by")
        self.group_by.addItem("Theme", GroupBy.THEME)
        self.group_by.addItem("Competitor", GroupBy.COMPETITOR)
        self.competitor = QComboBox()
        self.competitor.setObjectName("libraryCompetitor")
        self.competitor.setAccessibleName("Competitor")
        self.competitor.addItem("All competitors", None)
        group_label = QLabel("&Group by:")
        group_label.setBuddy(self.group_by)
        competitor_label = QLabel("&Against:")
        competitor_label.setBuddy(self.competitor)
        self.count_label.setObjectName("libraryCount")
        filters = QHBoxLayout()
        filters.addWidget(group_label)
        filters.addWidget(self.group_by)
        filters.addWidget(competitor_label)
        filters.addWidget(self.competitor, 1)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.tree = QTreeView()
        self.tree.setObjectName("libraryTree")
        self.tree.setAccessibleName("Objections")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 380), (2, 130), (3, 170), (4, 90)):
            self.tree.setColumnWidth(column, width)
        self.tree.doubleClicked.connect(self._open)

        self.best_button = QPushButton("Mark as &best answer")
        self.best_button.setObjectName("libraryMarkBest")
        self.best_button.setToolTip("The answer to give to this objection's theme (B); again to unmark")
        self.best_button.clicked.connect(self.toggle_best)
        self.open_button = QPushButton("&Open visit")
        self.open_button.clicked.connect(lambda: self._open(self.tree.currentIndex()))
        self.battlecard_button = QPushButton("Battle&card (PDF)…")
        self.battlecard_button.setObjectName("libraryBattlecard")
        self.battlecard_button.setToolTip("One page for the sales team: per theme the objection, the best answer "
                                          "and others that worked (for the competitor chosen)")
        self.battlecard_button.clicked.connect(self.export_battlecard)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(f"{BEST_MARK} marks the best answer of a theme; B marks the one selected."))
        buttons.addStretch(1)
        for button in (self.best_button, self.open_button, self.battlecard_button, close):
            buttons.addWidget(button)

        page = QVBoxLayout(self)
        page.addLayout(filters)
        page.addWidget(self.tree, 1)
        page.addLayout(buttons)
        self.tree.installEventFilter(self)
        self.group_by.currentIndexChanged.connect(lambda _index: self.regroup())
        self.competitor.currentIndexChanged.connect(lambda _index: self.regroup())
        self.tree.selectionModel().currentChanged.connect(lambda _current, _previous: self._update_buttons())
        self.resize(1200, 620)

    def _show_objections(self, result: object) -> None:
        assert isinstance(result, list)
        self.objections = result
        chosen = self.competitor.currentData()
        self.competitor.blockSignals(True)
        self.competitor.clear()
        self.competitor.addItem("All competitors", None)
        for name in self._services.library.competitors(result):
            self.competitor.addItem(name, name)
        self.competitor.setCurrentIndex(max(self.competitor.findData(chosen), 0))
        self.competitor.blockSignals(False)
        self.regroup()

    def regroup(self) -> None:
        """Show the objections read, grouped as chosen, keeping the current row where it can."""
        current = self.tree.currentIndex()
        group = self.model.group_of(current)
        item = self.model.objection_of(current)
        by = GroupBy(self.group_by.currentData())
        competitor = self.competitor.currentData()
        groups = self._services.library.groups(by, competitor, self.objections)
        self.model.set_groups(groups)
        shown = sum(len(group.objections) for group in groups)
        if shown <= EXPAND_AT_MOST:
            self.tree.expandAll()
        index = QModelIndex()
        if group is not None and group.by is by:  # the same group, at the same objection if it is still there
            index = self.model.index_of(group.key, item.id if item is not None else None)
        if item is not None and self.model.objection_of(index) is None:
            index = next((self.model.index_of(candidate.key, item.id) for candidate in groups
                          if any(member.id == item.id for member in candidate.objections)), index)
        if not index.isValid() and groups:
            index = self.model.index(0, 0)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        distinct = len({item.id for group in groups for item in group.objections})
        self.count_label.setText(f"{counted(distinct, 'objection')} in {counted(len(groups), 'group')}")
        self._update_buttons()

    def _update_buttons(self) -> None:
        item = self.model.objection_of(self.tree.currentIndex())
        self.best_button.setEnabled(item is not None and bool(item.answer.strip()))
        self.best_button.setText("Un&mark best answer" if item is not None and item.best else "Mark as &best answer")
        self.open_button.setEnabled(item is not None)
        self.battlecard_button.setEnabled(bool(self.objections))

    def toggle_best(self) -> bool:
        """Mark the selected objection's answer the best for its theme, or unmark it (B)."""
        item = self.model.objection_of(self.tree.currentIndex())
        if item is None or not item.answer.strip():
            return False
        self._workspace.editing.flush()  # typing not yet saved in that visit goes first
        notebook = self._services.notebook
        result = self._workspace.operations.run(
            lambda: notebook.update_finding(item.id, origin=self, best=not item.best), title="Objection library",
            parent=self,
        )
        if result is None:
            return False
        self.reload()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_B and not event.modifiers():
                self.toggle_best()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and self.model.objection_of(self.tree.currentIndex()) is not None:
                self._open(self.tree.currentIndex())
                return True
        return super().eventFilter(watched, event)

    def _open(self, index: QModelIndex | QPersistentModelIndex) -> None:
        item = self.model.objection_of(index)
        if item is not None:
            self.visitRequested.emit(item.visit_id)

    def export_battlecard(self) -> None:
        """Ask where to save the battlecard (for the competitor chosen), then write and preview it."""
        competitor = self.competitor.currentData()
        suggested = f"battlecard{' ' + competitor if competitor else ''}.pdf"
        target = self._frame.choose_file("Export battlecard", True, "PDF (*.pdf)", suggested)
        if target is None:
            return
        if not target.suffix:
            target = target.with_suffix(".pdf")
        self._workspace.reports.write_battlecard(target, competitor, list(self.objections))


class QuoteTableModel(QAbstractTableModel):
    """Quotes with who said them, their company, themes and consent."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[BankedQuote] = []

    def set_rows(self, rows: list[BankedQuote]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(QUOTE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(QUOTE_COLUMNS):
            return QUOTE_COLUMNS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        quote = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            consent = ("Cleared" if quote.cleared else quote.consent.label)
            return (" ".join(quote.quote.split()), quote.speaker_name, quote.speaker_role, quote.account_name,
                    ", ".join(quote.themes), consent, quote.visited_on[:10])[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                kind = FINDING_KINDS_BY_KEY[quote.kind].text_label if quote.kind in FINDING_KINDS_BY_KEY else ""
                return f"{quote.for_slide()}\n{kind}: {quote.finding_text}\nCtrl+C copies it for a slide"
            if column == 5:
                return ("Consent granted: may be used outside the company" if quote.cleared
                        else f"Consent: {quote.consent.label.lower()} — keep it inside the company")
            return self.data(index) or None
        return None


class QuoteBankView(_LibraryWindow):
    """Every verbatim quote across visits, filtered by theme, kind of account and consent;
    Ctrl+C copies the selected ones with their bylines for a slide.

    Signals:
        visitRequested(str): the user asked to open the visit a quote was heard in.
    """

    visitRequested = Signal(str)

    def __init__(self, workspace: Workspace, frame: Frame, parent: QWidget | None = None) -> None:
        super().__init__(workspace, frame, "Quote bank", parent, workspace.services.library.quotes,
                         self._show_quotes)
        self.setObjectName("quoteBank")
        self.quotes: list[BankedQuote] = []
        self.model = QuoteTableModel(self)

        self.theme = QComboBox()
        self.theme.setObjectName("quoteTheme")
        self.theme.setAccessibleName("Theme")
        self.theme.addItem("Any theme", None)
        self.account_kind = QComboBox()
        self.account_kind.setObjectName("quoteAccountKind")
        self.account_kind.setAccessibleName("Kind of account")
        self.account_kind.addItem("Any kind of account", None)
        for kind in AccountKind:
            self.account_kind.addItem(kind.label, kind.value)
        self.cleared = QCheckBox("&Cleared for external use")
        self.cleared.setObjectName("quoteCleared")
        self.cleared.setToolTip("Only quotes whose consent was granted, for the quote or by its speaker")
        theme_label = QLabel("&Theme:")
        theme_label.setBuddy(self.theme)
        kind_label = QLabel("&Account kind:")
        kind_label.setBuddy(self.account_kind)
        self.count_label.setObjectName("quoteCount")
        filters = QHBoxLayout()
        filters.addWidget(theme_label)
        filters.addWidget(self.theme, 1)
        filters.addWidget(kind_label)
        filters.addWidget(self.account_kind)
        filters.addWidget(self.cleared)
        filters.addStretch(0)
        filters.addWidget(self.count_label)

        self.table = listing_table(self.model, "quoteTable", "Quotes", single_selection=False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 150), (2, 160), (3, 170), (4, 170), (5, 90), (6, 90)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))

        self.copy_button = QPushButton("&Copy for a slide")
        self.copy_button.setObjectName("quoteCopy")
        self.copy_button.setToolTip("Copy the selected quotes with who said them (Ctrl+C)")
        self.copy_button.clicked.connect(self.copy_selected)
        self.open_button = QPushButton("&Open visit")
        self.open_button.clicked.connect(lambda: self._open(self.table.currentIndex().row()))
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Ctrl+C copies “quote” — Name, Role, Company."))
        buttons.addStretch(1)
        for button in (self.copy_button, self.open_button, close):
            buttons.addWidget(button)
        page = QVBoxLayout(self)
        page.addLayout(filters)
        page.addWidget(self.table, 1)
        page.addLayout(buttons)

        # Before the table's own Ctrl+C, which would copy the cell's text alone.
        self.table.installEventFilter(self)
        self.theme.currentIndexChanged.connect(lambda _index: self.refilter())
        self.account_kind.currentIndexChanged.connect(lambda _index: self.refilter())
        self.cleared.toggled.connect(lambda _on: self.refilter())
        self.resize(1200, 620)

    def _show_quotes(self, result: object) -> None:
        assert isinstance(result, list)
        self.quotes = result
        chosen = self.theme.currentData()
        themes: dict[str, str] = {}
        for quote in result:
            for theme_id, name in zip(quote.theme_ids, quote.themes, strict=False):
                themes.setdefault(theme_id, name)
        self.theme.blockSignals(True)
        self.theme.clear()
        self.theme.addItem("Any theme", None)
        for theme_id, name in sorted(themes.items(), key=lambda pair: pair[1].casefold()):
            self.theme.addItem(name, theme_id)
        self.theme.setCurrentIndex(max(self.theme.findData(chosen), 0))
        self.theme.blockSignals(False)
        self.refilter()

    def refilter(self) -> None:
        """Show the quotes the filters keep."""
        rows = filter_quotes(self.quotes, self.theme.currentData(), self.account_kind.currentData(),
                             self.cleared.isChecked())
        self.model.set_rows(rows)
        if rows:
            self.table.setCurrentIndex(self.model.index(0, 0))
        cleared = sum(quote.cleared for quote in rows)
        self.count_label.setText(f"{counted(len(rows), 'quote')}, {cleared:,} cleared")
        self.copy_button.setEnabled(bool(rows))

    def selected_quotes(self) -> list[BankedQuote]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return [self.model.rows[row] for row in rows if 0 <= row < len(self.model.rows)]

    def copy_selected(self) -> int:
        """Put the selected quotes on the clipboard with their bylines, as rich and plain text."""
        quotes = self.selected_quotes()
        if not quotes:
            return 0
        QGuiApplication.clipboard().setMimeData(slide_mime_data(quotes))
        self._frame.show_status(f"Copied {counted(len(quotes), 'quote')} with attribution", 5000)
        return len(quotes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy_selected()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open(self.table.currentIndex().row())
                return True
        return super().eventFilter(watched, event)

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.model.rows):
            self.visitRequested.emit(self.model.rows[row].visit_id)


def slide_mime_data(quotes: list[BankedQuote]) -> QMimeData:
    """Quotes as a slide takes them: “quote” — Name, Role, Company; as rich text and plain text."""
    data = QMimeData()
    data.setText("\n\n".join(quote.for_slide() for quote in quotes))
    parts = []
    for quote in quotes:
        byline = f"<br>— {html.escape(quote.attribution)}" if quote.attribution else ""
        parts.append(f"<p><i>“{html.escape(' '.join(quote.quote.split()))}”</i>{byline}</p>")
    data.setHtml("".join(parts))
    return data

