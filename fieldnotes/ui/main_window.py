"""The main window: visit list, visit editor and interview guide, with menus and status bar.

The window paints before the database is opened: `MainWindow()` builds only the frame,
and `attach()` (called right after the first paint) imports the storage layer, builds the
panes over the services and fills the list.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

import fieldnotes
from fieldnotes import APP_DISPLAY_NAME
from fieldnotes.ui.settings import Preferences, WindowState

if TYPE_CHECKING:
    from fieldnotes.services.changes import Change
    from fieldnotes.services.search import Search
    from fieldnotes.services.session import Services
    from fieldnotes.ui.visit_list import VisitListPane

log = logging.getLogger(__name__)

SAVED_TEXT = "All changes saved"


class MainWindow(QMainWindow):
    def __init__(self, store: QSettings, icon: QIcon | None = None) -> None:
        super().__init__()
        self.store = store
        self.services: Services | None = None
        self.visit_list: VisitListPane | None = None
        self.setWindowTitle(APP_DISPLAY_NAME)
        if icon is not None:
            self.setWindowIcon(icon)
        self.resize(1440, 860)
        self.setObjectName("mainWindow")
        # An empty frame until the notebook opens: the first paint must not wait for anything.
        self.setCentralWidget(QWidget())
        self.save_label = QLabel()
        self.save_label.setObjectName("saveState")
        self.statusBar().addPermanentWidget(self.save_label)
        self.actions_by_name: dict[str, QAction] = {}
        self._build_menus()
        geometry = WindowState.GEOMETRY.get(store)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)

    # --- actions -------------------------------------------------------------------

    def _action(self, name: str, text: str, slot, shortcut: QKeySequence | str | None = None,
                tip: str = "", needs_visit: bool = False) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        action.setProperty("needs_visit", needs_visit)
        action.setEnabled(False)
        self.actions_by_name[name] = action
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("new_visit", "&New visit", self.new_visit, QKeySequence.StandardKey.New,
                                         "Record a new visit"))
        file_menu.addAction(self._action("delete_visit", "&Delete visit…", self.delete_visit, None,
                                         "Delete the open visit", needs_visit=True))
        file_menu.addSeparator()
        file_menu.addAction(self._action("import_json", "&Import from JSON…", self.import_json))
        file_menu.addAction(self._action("export_json", "E&xport to JSON…", self.export_json))
        file_menu.addAction(self._action("load_sample", "Load &sample team visits", self.load_sample))
        file_menu.addSeparator()
        file_menu.addAction(self._action("report_visit", "Export visit &report (PDF)…", lambda: self.reports.export_visit(),
                                         "Ctrl+E", "A PDF report of the open visit", needs_visit=True))
        file_menu.addAction(self._action("report_listed", "Summary report of the visits &listed…",
                                         lambda: self.reports.summarize_listed(), None,
                                         "A PDF summary of every visit the search and filters list"))
        file_menu.addAction(self._action("report_selected", "Summary report of the &selected visits…",
                                         lambda: self.reports.summarize_selected(), None,
                                         "A PDF summary of the visits selected in the list"))
        self.file_menu = file_menu
        file_menu.addSeparator()
        file_menu.addAction(self._action("sync_now", "S&ync now", lambda: self.sync.sync_now(), "Ctrl+Shift+S",
                                         "Merge with the team folder"))
        file_menu.addAction(self._action("sync_settings", "Sync se&ttings…", lambda: self.sync.edit_settings()))
        file_menu.addAction(self._action("review_conflicts", "Conflicts to re&view…",
                                         lambda: self.sync.review_conflicts()))
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        self._quit_action = quit_action
        file_menu.addAction(quit_action)

        edit_menu = bar.addMenu("&Edit")
        self.edit_menu = edit_menu
        edit_menu.addAction(self._action("find", "&Find…", self.focus_search, QKeySequence.StandardKey.Find,
                                         "Search every visit"))
        edit_menu.addSeparator()
        edit_menu.addAction(self._action("accounts", "&Accounts and contacts…", self.edit_accounts, "Ctrl+Shift+A"))
        edit_menu.addAction(self._action("guides", "Interview &guides…", self.edit_guides))
        edit_menu.addAction(self._action("author", "Your &name…", self.edit_author, None,
                                         "The name stamped on your changes"))

        self.view_menu = bar.addMenu("&View")
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in ("new_visit", "report_visit", "sync_now"):
            toolbar.addAction(self.actions_by_name[name])
        self.toolbar = toolbar
        help_menu = bar.addMenu("&Help")
        shortcuts = QAction("&Keyboard shortcuts", self)
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        about = QAction("&About fieldnotes", self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # --- attaching the notebook ----------------------------------------------------

    def show_list(self, search: Search) -> None:
        """Show the visit list alone, before the rest of the notebook has loaded."""
        from fieldnotes.ui.visit_list import VisitListPane

        self.visit_list = VisitListPane(search, self)
        self.splitter = QSplitter(QtCore.Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.visit_list)
        self._opening_label = QLabel("Opening your notebook…")
        self._opening_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.splitter.addWidget(self._opening_label)
        self.splitter.setSizes([620, 700])
        self.setCentralWidget(self.splitter)
        self.visit_list.apply_query()

    def attach(self, services: Services, database_path: Path) -> None:
        """Build the working panes over an open notebook and fill them."""
        from fieldnotes.ui.editing import VisitEditing
        from fieldnotes.ui.guide_panel import GuidePanel
        from fieldnotes.ui.notifier import ChangeNotifier
        from fieldnotes.ui.visit_editor import VisitEditor
        from fieldnotes.ui.report_actions import ReportActions
        from fieldnotes.ui.sync_actions import SyncActions

        self.services = services
        self.database_path = database_path
        self.reports = ReportActions(self)
        self.setWindowTitle(f"{APP_DISPLAY_NAME} — {database_path.name}")
        self.notifier = ChangeNotifier(self)
        self.editing = VisitEditing(services.notebook, self.notifier, self)
        if self.visit_list is None:
            self.show_list(services.search)
        self.takeCentralWidget()  # keep the splitter: the new central widget takes it over
        self.editor = VisitEditor(self.editing, self)
        self.guide_panel = GuidePanel(services.guides, self.editing, self)

        self._opening_label.setParent(None)  # out of the splitter now, so its saved sizes fit
        self._opening_label.deleteLater()
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([620, 700])
        self.banner = QWidget()
        self.banner.setObjectName("banner")
        self.banner.setStyleSheet("#banner { background: #fff3cd; } QLabel { color: #5c4400; }")
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        dismiss = QPushButton("Dismiss")
        dismiss.clicked.connect(self.banner.hide)
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(10, 4, 10, 4)
        banner_row.addWidget(self.banner_label, 1)
        banner_row.addWidget(dismiss)
        self.banner.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.guide_dock = QDockWidget("Interview guide", self)
        self.guide_dock.setObjectName("guideDock")
        self.guide_dock.setWidget(self.guide_panel)
        self.guide_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                    | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.RightDockWidgetArea, self.guide_dock)
        self.resizeDocks([self.guide_dock], [360], QtCore.Qt.Orientation.Horizontal)

        undo = self.editing.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.editing.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
        undo.triggered.connect(self.editing.flush)
        first = self.edit_menu.actions()[0]
        self.edit_menu.insertAction(first, undo)
        self.edit_menu.insertAction(first, redo)
        self.edit_menu.insertSeparator(first)
        self.undo_action, self.redo_action = undo, redo

        self._build_view_menu()
        self.visit_list.visitActivated.connect(self.open_visit)
        self.editor.newAccountRequested.connect(self.new_account_for_visit)
        self.editor.newVisitRequested.connect(self.new_visit)
        self.guide_panel.sectionRequested.connect(self.editor.show_section)
        self.guide_panel.editGuidesRequested.connect(self.edit_guides)
        self.notifier.changed.connect(self._on_change)
        self.editing.visitLoaded.connect(self._visit_loaded)
        self.editing.saved.connect(lambda: self._show_save_state(SAVED_TEXT))
        self.editing.saveFailed.connect(self._save_failed)

        self.sync = SyncActions(self)
        for action in self.actions_by_name.values():
            action.setEnabled(not action.property("needs_visit"))
        self._restore_state()
        self._reload_choices()
        self.visit_list.apply_query()
        self._show_save_state(SAVED_TEXT)
        last = WindowState.LAST_VISIT.get(self.store)
        if last and not self.visit_list.select_visit(last):
            last = ""
        if not last and self.visit_list.model.rowCount():
            self.visit_list.table.selectRow(0)
            self.visit_list.table.setCurrentIndex(self.visit_list.model.index(0, 0))
        self.visit_list.table.setFocus()

    def _build_view_menu(self) -> None:
        from fieldnotes.domain.model import FINDING_KINDS

        menu = self.view_menu
        menu.addAction(self.guide_dock.toggleViewAction())
        self.guide_dock.toggleViewAction().setShortcut(QKeySequence("F9"))
        menu.addSeparator()
        sections = [("overview", "The visit", 0)] + [(k.key, k.title, k.shortcut_digit) for k in FINDING_KINDS]
        for key, title, digit in sections:
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{digit}"))
            action.triggered.connect(lambda _checked=False, section=key: self.editor.show_section(section))
            action.setObjectName(f"section_{key}")
            self.actions_by_name[action.objectName()] = action
            menu.addAction(action)

    def _restore_state(self) -> None:
        state = WindowState.STATE.get(self.store)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = WindowState.SPLITTER.get(self.store)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)

    def _save_state(self) -> None:
        WindowState.GEOMETRY.set(self.store, self.saveGeometry())
        if self.services is not None:
            WindowState.STATE.set(self.store, self.saveState())
            WindowState.SPLITTER.set(self.store, self.splitter.saveState())
            visit = self.editing.visit
            WindowState.LAST_VISIT.set(self.store, visit.id if visit is not None else "")
        self.store.sync()

    def _reload_choices(self) -> None:
        accounts = self.services.notebook.account_choices()
        self.editor.set_accounts(accounts)
        self.visit_list.reload_filter_choices(accounts, self.services.search.competitors())

    # --- reacting ------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        self.visit_list.on_change(change)
        if change.account_ids or change.visit_list:
            self._reload_choices()
        elif change.visit_ids and change.origin is self.editing:
            self._refresh_competitor_choices()
        if change.guides:
            self.guide_panel.reload_guides()

    def _refresh_competitor_choices(self) -> None:
        competitors = self.services.search.competitors()
        combo = self.visit_list.competitor_filter
        if [combo.itemData(i) for i in range(1, combo.count())] != competitors:
            accounts = self.services.notebook.account_choices()
            self.visit_list.reload_filter_choices(accounts, competitors)

    def _visit_loaded(self, visit: object) -> None:
        for action in self.actions_by_name.values():
            if action.property("needs_visit"):
                action.setEnabled(visit is not None)
        if visit is None:
            self.visit_list.apply_query()

    def _show_save_state(self, text: str, error: bool = False) -> None:
        self.save_label.setText(text)
        self.save_label.setStyleSheet("color: #c0392b; font-weight: bold;" if error else "")

    def _save_failed(self, message: str) -> None:
        self._show_save_state("Not saved — see message", error=True)
        self.statusBar().showMessage(message, 15000)

    # --- commands ------------------------------------------------------------------

    def open_visit(self, visit_id: str) -> None:
        if self.editing.visit is not None and self.editing.visit.id == visit_id:
            return
        self.editing.open(visit_id)

    def new_visit(self) -> None:
        if self.services is None:
            return
        self.editing.flush()
        query = self.visit_list.current_query()
        account_id = query.account_id or (self.editing.visit.account_id if self.editing.visit else None)
        visit, change = self.services.notebook.create_visit(
            account_id=account_id, guide_id=self.guide_panel.guide_combo.currentData()
        )
        self.visit_list.search_box.clear()
        self.notifier.publish(change)
        self.visit_list.select_visit(visit.id, emit=False)
        self.editing.open(visit.id)
        self.editor.focus_title()

    def delete_visit(self) -> None:
        visit = self.editing.visit
        if visit is None:
            return
        title = visit.title or "this untitled visit"
        answer = QMessageBox.question(self, "Delete visit", f"Delete “{title}” with all its findings?\n\n"
                                      "Export to JSON first if you may want it back.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.editing.flush()
        _deleted, change = self.services.notebook.delete_visit(visit.id, origin=self)
        self.editing.open(None)
        self.notifier.publish(change)

    def focus_search(self) -> None:
        self.visit_list.focus_search()

    def new_account_for_visit(self) -> None:
        from fieldnotes.ui.accounts_dialog import ask_new_account

        account = ask_new_account(self, self.services.notebook, self.notifier)
        if account is not None and self.editing.visit is not None:
            self.editing.set_field("account_id", account.id, "account")
            self.editor.set_accounts(self.services.notebook.account_choices())

    def edit_accounts(self) -> None:
        from fieldnotes.ui.accounts_dialog import AccountsDialog

        self.editing.flush()
        visit = self.editing.visit
        AccountsDialog(self.services.notebook, self.notifier, self, visit.account_id if visit else None).exec()

    def edit_guides(self) -> None:
        from fieldnotes.ui.guide_editor import GuideEditorDialog

        GuideEditorDialog(self.services.guides, self.notifier, self, self.guide_panel.guide_combo.currentData()).exec()

    def edit_author(self) -> None:
        name, accepted = QInputDialog.getText(self, "Your name", "Name stamped on your changes:",
                                              text=self.services.author)
        if accepted and name.strip():
            Preferences.AUTHOR.set(self.store, name.strip())
            for service in (self.services, self.services.notebook, self.services.guides, self.services.interchange):
                service.author = name.strip()

    def choose_file(self, title: str, save: bool, name_filter: str, suggested: str = "") -> Path | None:
        folder = WindowState.LAST_FOLDER.get(self.store) or str(Path.home())
        start = str(Path(folder) / suggested) if suggested else folder
        if save:
            chosen, _ = QFileDialog.getSaveFileName(self, title, start, name_filter)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, title, start, name_filter)
        if not chosen:
            return None
        WindowState.LAST_FOLDER.set(self.store, str(Path(chosen).parent))
        return Path(chosen)

    def run_task(self, title: str, work, on_done) -> None:
        from fieldnotes.ui.tasks import run_in_background

        self.editing.flush()
        self._task = run_in_background(
            title, work, self, on_done, self._task_failed,
            on_cancelled=lambda: self.statusBar().showMessage(f"{title}: cancelled; nothing was changed", 8000),
        )

    def _task_failed(self, error: BaseException) -> None:
        from fieldnotes.domain.errors import FieldnotesError

        if isinstance(error, FieldnotesError):
            QMessageBox.warning(self, APP_DISPLAY_NAME, str(error))
        else:
            self.report_bug(error)

    def report_bug(self, error: BaseException) -> None:
        from fieldnotes.ui.crash_dialog import show_crash

        show_crash(type(error), error, error.__traceback__, self)

    def show_banner(self, text: str) -> None:
        """A message that stays at the top of the window until dismissed."""
        self.banner_label.setText(text)
        self.banner.show()

    def import_json(self) -> None:
        path = self.choose_file("Import visits", False, "fieldnotes JSON (*.json);;All files (*)")
        if path is None:
            return
        interchange = self.services.interchange

        def work(progress, cancelled):  # runs on a worker thread
            return interchange.import_file(path, progress)

        def done(summary) -> None:
            self.notifier.publish(summary.change)
            self.statusBar().showMessage(f"Imported {summary.describe()}", 10000)

        self.run_task("Importing visits", work, done)

    def export_json(self) -> None:
        path = self.choose_file("Export everything", True, "fieldnotes JSON (*.json)", "fieldnotes-export.json")
        if path is None:
            return
        interchange = self.services.interchange
        self.run_task(
            "Exporting visits",
            lambda progress, cancelled: interchange.export_file(path, progress),
            lambda count: self.statusBar().showMessage(f"Exported {count} visit(s) to {path}", 10000),
        )

    def load_sample(self) -> None:
        from fieldnotes.services.sample import load_sample_team

        services = self.services

        def done(summary) -> None:
            self.notifier.publish(summary.change)
            self.statusBar().showMessage(f"Loaded the sample team: {summary.describe()}", 10000)
            if self.editing.visit is None and self.visit_list.model.rowCount():
                self.visit_list.table.setCurrentIndex(self.visit_list.model.index(0, 0))

        self.run_task("Loading sample visits", lambda progress, cancelled: load_sample_team(services), done)

    def offer_sample(self) -> None:
        """On a first start with an empty notebook, offer the sample team's visits."""
        if Preferences.SAMPLE_OFFERED.get(self.store) or self.services.notebook.visit_count():
            return
        Preferences.SAMPLE_OFFERED.set(self.store, True)
        if self.ask_to_load_sample():
            self.load_sample()

    def ask_to_load_sample(self) -> bool:
        box = QMessageBox(self)
        box.setWindowTitle("Welcome to fieldnotes")
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setText("<b>Your notebook is empty.</b>")
        box.setInformativeText(
            "Load a sample team's visits to see how field visits, findings and guides fit together? "
            "You can delete them later, or start with an empty notebook."
        )
        load = box.addButton("Load sample visits", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Start empty", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(load)
        box.exec()
        return box.clickedButton() is load

    def show_shortcuts(self) -> None:
        lines = [
            ("Ctrl+N", "New visit"), ("Ctrl+F", "Search every visit"), ("Down", "From the search box to the results"),
            ("Ctrl+0", "The visit's own fields"), ("Ctrl+1 … Ctrl+8", "Interview sections"),
            ("Enter", "In a section's first box: add the finding, ready for the next"),
            ("Delete", "Delete the selected finding"), ("Alt+Up / Alt+Down", "Reorder findings"),
            ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo across the visit"), ("F9", "Show or hide the guide"),
            ("Space / Enter in the guide", "Tick a prompt / go to its section"), ("Ctrl+Q", "Quit"),
        ]
        rows = "".join(f"<tr><td><b>{key}</b></td><td>&nbsp;&nbsp;{text}</td></tr>" for key, text in lines)
        QMessageBox.information(self, "Keyboard shortcuts", f"<table>{rows}</table>")

    def show_about(self) -> None:
        where = f"<p>Notebook: {self.database_path}</p>" if self.services is not None else ""
        QMessageBox.about(
            self, "About fieldnotes",
            f"<h3>fieldnotes {fieldnotes.__version__}</h3><p>An offline notebook for field visits: structured interviews, "
            f"visit reports and team sync through a shared drive.</p>{where}",
        )

    # --- closing -------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.services is not None and self.editing.flush() and self.sync.sync_before_quit():
            self.statusBar().showMessage("Syncing with the team folder before quitting…")
            event.ignore()
            return
        if self.services is not None and not self.editing.flush():
            answer = QMessageBox.warning(
                self, "Changes not saved",
                "Your last changes could not be saved (see the status bar). Quit anyway and lose them?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self._save_state()
        event.accept()
