"""The Themes window: every theme with how widely it is used, renamed and merged; and the
backlog of findings not tagged yet, in groups of similar findings, each tagged with one action.

Everything is read on the thread pool (at 100,000 visits reading and grouping takes seconds);
changes go through the operations helper, so the capture form and the list refresh too.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldnotes.domain.model import finding_kind
from fieldnotes.domain.terms import TermList, ThemeCount
from fieldnotes.domain.wording import counted
from fieldnotes.services.changes import Change
from fieldnotes.services.session import Services
from fieldnotes.services.theme_suggestions import UntaggedGroup
from fieldnotes.services.theme_work import ThemesOverview
from fieldnotes.ui.operations import Operations
from fieldnotes.ui.tasks import Task, run_in_background
from fieldnotes.ui.theme_fields import ThemeCatalog, ThemesLineEdit

Index = QModelIndex | QPersistentModelIndex

#: The id of a finding (and of its visit) on the rows of the untagged findings' table.
FINDING_ID_ROLE = Qt.ItemDataRole.UserRole + 1
VISIT_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class ThemesTableModel(QAbstractTableModel):
    """Every live theme with its counts: findings tagged, visits and accounts they come from."""

    HEADERS = ("Theme", "Findings", "Visits", "Accounts")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: list[ThemeCount] = []

    def set_counts(self, counts: list[ThemeCount]) -> None:
        self.beginResetModel()
        self._counts = list(counts)
        self.endResetModel()

    def count(self, row: int) -> ThemeCount | None:
        return self._counts[row] if 0 <= row < len(self._counts) else None

    def row_of(self, theme_id: str) -> int:
        return next((row for row, count in enumerate(self._counts) if count.id == theme_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._counts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        count = self.count(index.row()) if index.isValid() else None
        if count is None:
            return None
        values = (count.name, count.findings, count.visits, count.accounts)
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[index.column()]
            return value if isinstance(value, str) else f"{value:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return values[index.column()]
        return None


class ThemesWindow(QDialog):
    """Themes and their counts; rename (F2), merge; the untagged findings in groups.

    Signals:
        visitRequested(visit_id): a finding was double-clicked: show its visit.
    """

    visitRequested = Signal(str)

    def __init__(self, services: Services, operations: Operations, catalog: ThemeCatalog,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Themes")
        self.setObjectName("themesWindow")
        self._services = services
        self._operations = operations
        self._catalog = catalog
        self._groups: list[UntaggedGroup] = []
        self._loading = False
        self._counting: Task | None = None

        self.model = ThemesTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("themesTable")
        self.table.setAccessibleName("Themes")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.rename_button = QPushButton("Rename… (F2)", self)
        self.rename_button.clicked.connect(self.rename_selected)
        self.merge_button = QPushButton("Merge into…", self)
        self.merge_button.setToolTip("Merge the selected themes into another: their findings carry that theme")
        self.merge_button.clicked.connect(self.merge_selected)
        rename_key = QShortcut(QKeySequence("F2"), self.table)
        rename_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        rename_key.activated.connect(self.rename_selected)
        self.summary = QLabel(self)
        themes_buttons = QHBoxLayout()
        themes_buttons.addWidget(self.summary, 1)
        themes_buttons.addWidget(self.rename_button)
        themes_buttons.addWidget(self.merge_button)
        themes_page = QWidget(self)
        themes_layout = QVBoxLayout(themes_page)
        themes_layout.addWidget(self.table, 1)
        themes_layout.addLayout(themes_buttons)

        # The backlog: groups on the left, the chosen group's findings on the right.
        self.groups_model = QStandardItemModel(0, 3, self)
        self.groups_model.setHorizontalHeaderLabels(["Findings", "Suggested theme", "For example"])
        self.groups = QTableView(self)
        self.groups.setObjectName("untaggedGroups")
        self.groups.setAccessibleName("Groups of untagged findings")
        self.groups.setModel(self.groups_model)
        self.groups.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.groups.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.groups.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.groups.verticalHeader().hide()
        groups_header = self.groups.horizontalHeader()
        groups_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        groups_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        groups_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.findings_model = QStandardItemModel(0, 3, self)
        self.findings_model.setHorizontalHeaderLabels(["Finding", "Section", "Visit"])
        self.findings = QTableView(self)
        self.findings.setObjectName("untaggedFindings")
        self.findings.setAccessibleName("Untagged findings of the group")
        self.findings.setModel(self.findings_model)
        self.findings.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.findings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings.setWordWrap(True)
        self.findings.verticalHeader().hide()
        findings_header = self.findings.horizontalHeader()
        findings_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        findings_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        findings_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.findings.doubleClicked.connect(self._open_visit_of)
        self.findings.setToolTip("Untick a finding to leave it out; double-click opens its visit")
        self.group_theme = ThemesLineEdit(catalog, self)
        self.group_theme.setObjectName("groupTheme")
        self.group_theme.setAccessibleName("Theme for the group")
        self.group_theme.setPlaceholderText("Theme for the ticked findings — Enter tags them")
        self.group_theme.submitted.connect(self.tag_group)
        self.tag_button = QPushButton("Tag group", self)
        self.tag_button.setToolTip("Tag the ticked findings of the group with these themes (Enter)")
        self.tag_button.clicked.connect(self.tag_group)
        self.refresh_button = QPushButton("Group again", self)
        self.refresh_button.setToolTip("Read the untagged findings again and group them")
        self.refresh_button.clicked.connect(self.reload)
        self.backlog_summary = QLabel(self)
        self.backlog_summary.setWordWrap(True)
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.group_theme, 1)
        tag_row.addWidget(self.tag_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.findings, 1)
        right_layout.addLayout(tag_row)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.groups)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        backlog_page = QWidget(self)
        backlog_layout = QVBoxLayout(backlog_page)
        backlog_top = QHBoxLayout()
        backlog_top.addWidget(self.backlog_summary, 1)
        backlog_top.addWidget(self.refresh_button)
        backlog_layout.addLayout(backlog_top)
        backlog_layout.addWidget(splitter, 1)
        self.groups.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show_group())

        self.tabs = QTabWidget(self)
        self.tabs.addTab(themes_page, "&Themes")
        self.tabs.addTab(backlog_page, "&Untagged findings")
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        QWidget.setTabOrder(self.groups, self.findings)
        QWidget.setTabOrder(self.findings, self.group_theme)
        QWidget.setTabOrder(self.group_theme, self.tag_button)

        self._counts_timer = QTimer(self, singleShot=True, interval=500)
        self._counts_timer.timeout.connect(self.reload_counts)
        operations.notifier.changed.connect(self._on_change)
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter belongs to the field it is pressed in
        self.resize(900, 560)

    # --- reading -------------------------------------------------------------------

    def reload(self) -> None:
        """Read counts and the untagged findings again, and group them (in the background)."""
        if self._loading:
            return
        self._loading = True
        self.backlog_summary.setText("Reading and grouping the untagged findings…")
        work = self._services.theme_work
        self._operations.run_in_background(
            "Reading themes", lambda progress, cancelled: work.overview(progress, cancelled), self._show_overview,
            modal=False, on_finished=lambda _outcome: setattr(self, "_loading", False), pool=self._catalog.pool)

    def reload_counts(self) -> None:
        """Read the counts again, quietly (after a change made here or elsewhere)."""
        work = self._services.theme_work
        # Held until done: a task without a parent widget is otherwise collected, its result lost.
        self._counting = run_in_background("Counting themes", lambda progress, cancelled: work.counts(), None,
                                           self._show_counts, lambda error: None, show_progress=False,
                                           pool=self._catalog.pool)

    def _show_overview(self, overview: ThemesOverview) -> None:
        self._show_counts(overview.counts)
        self._groups = list(overview.backlog.groups)
        backlog = overview.backlog
        shown = f" (the {len(self._groups):,} largest groups)" if backlog.group_count > len(self._groups) else ""
        self.backlog_summary.setText(
            f"{counted(backlog.untagged, 'finding')} without a theme, in "
            f"{counted(backlog.group_count, 'group')} of similar findings{shown}. "
            "Check the suggested theme (or type another) and press Enter to tag the group.")
        self._fill_groups()

    def _show_counts(self, counts: list[ThemeCount]) -> None:
        selected = {c.id for c in self.selected_counts()}
        self.model.set_counts(counts)
        for theme_id in selected:
            row = self.model.row_of(theme_id)
            if row >= 0:
                self.table.selectRow(row)
        if not self.table.selectionModel().hasSelection() and counts:
            self.table.selectRow(0)  # ready for F2 or Merge from the keyboard
        tagged = sum(count.findings for count in counts)
        self.summary.setText(f"{counted(len(counts), 'theme')}, {counted(tagged, 'tag')} on findings")

    def _fill_groups(self, select: int = 0) -> None:
        self.groups_model.removeRows(0, self.groups_model.rowCount())
        for group in self._groups:
            size = QStandardItem(f"{len(group.findings):,}")
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            suggestion = QStandardItem(group.suggestion.name if group.suggestion else "")
            example = QStandardItem(group.example)
            example.setToolTip(group.example)
            self.groups_model.appendRow([size, suggestion, example])
        if self._groups:
            self.groups.setCurrentIndex(self.groups_model.index(min(select, len(self._groups) - 1), 0))
        self._show_group()

    def current_group(self) -> UntaggedGroup | None:
        row = self.groups.currentIndex().row()
        return self._groups[row] if 0 <= row < len(self._groups) else None

    def _show_group(self) -> None:
        group = self.current_group()
        self.findings_model.removeRows(0, self.findings_model.rowCount())
        if group is None:
            self.group_theme.setText("")
            self.tag_button.setEnabled(False)
            return
        for finding in group.findings:
            text = QStandardItem(finding.text)
            text.setCheckable(True)
            text.setCheckState(Qt.CheckState.Checked)
            text.setData(finding.id, FINDING_ID_ROLE)
            text.setData(finding.visit_id, VISIT_ID_ROLE)
            text.setToolTip(finding.text)
            section = QStandardItem(finding_kind(finding.kind).title)
            visit = QStandardItem(f"{finding.visited_on[:10]} {finding.visit_title}".strip())
            self.findings_model.appendRow([text, section, visit])
        self.findings.resizeRowsToContents()
        self.group_theme.setText(group.suggestion.name if group.suggestion else "")
        self.tag_button.setEnabled(True)

    def selected_counts(self) -> list[ThemeCount]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [count for row in rows if (count := self.model.count(row)) is not None]

    def _update_buttons(self) -> None:
        selected = self.selected_counts()
        self.rename_button.setEnabled(len(selected) == 1)
        self.merge_button.setEnabled(bool(selected) and self.model.rowCount() > len(selected))

    def _on_change(self, change: Change) -> None:
        if change.terms or change.visit_ids or change.visit_list:
            self._counts_timer.start()

    # --- acting --------------------------------------------------------------------

    def rename_selected(self) -> None:
        selected = self.selected_counts()
        if len(selected) != 1:
            return
        name, accepted = QInputDialog.getText(self, "Rename theme", f"New name for “{selected[0].name}”:",
                                              text=selected[0].name)
        if accepted and name.strip():
            self.rename(selected[0].name, name)

    def rename(self, old: str, new: str) -> bool:
        terms = self._services.terms
        return self._operations.run(lambda: terms.rename(TermList.THEME, old, new), title="Rename theme",
                                    parent=self) is not None

    def merge_selected(self) -> None:
        selected = self.selected_counts()
        if not selected:
            return
        chosen = {count.id for count in selected}
        targets = [self.model.count(row) for row in range(self.model.rowCount())]
        names = [count.name for count in targets if count is not None and count.id not in chosen]
        if not names:
            return
        what = f"“{selected[0].name}”" if len(selected) == 1 else counted(len(selected), "theme")
        target, accepted = QInputDialog.getItem(self, "Merge themes", f"Merge {what} into:", names, 0, False)
        if accepted and target:
            self.merge([count.name for count in selected], target)

    def merge(self, sources: list[str], target: str) -> bool:
        terms = self._services.terms

        def merge_all() -> Change:
            return Change.union(*(terms.merge(TermList.THEME, source, target)[1] for source in sources))

        return self._operations.run(merge_all, title="Merge themes", parent=self) is not None

    def ticked_finding_ids(self) -> list[str]:
        ids = []
        for row in range(self.findings_model.rowCount()):
            item = self.findings_model.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(FINDING_ID_ROLE)))
        return ids

    def tag_group(self) -> bool:
        """Tag the ticked findings of the chosen group with the themes typed; the next group follows."""
        group = self.current_group()
        names = self.group_theme.theme_names()
        finding_ids = self.ticked_finding_ids()
        if group is None or not names or not finding_ids:
            self.group_theme.setFocus()
            return False
        work = self._services.theme_work

        def tag() -> Change:
            changes = [work.tag_findings(finding_ids, name)[1] for name in names]
            return dataclasses.replace(Change.union(*changes), origin=self)

        if self._operations.run(tag, title="Tag findings", parent=self) is None:
            return False
        row = self.groups.currentIndex().row()
        tagged = set(finding_ids)
        group.findings = [finding for finding in group.findings if finding.id not in tagged]
        if not group.findings:
            del self._groups[row]
        self._fill_groups(select=row)
        self.group_theme.setFocus()
        return True

    def _open_visit_of(self, index: QModelIndex) -> None:
        item = self.findings_model.item(index.row(), 0)
        if item is not None:
            self.visitRequested.emit(str(item.data(VISIT_ID_ROLE)))
