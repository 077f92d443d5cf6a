"""The main window: a frame of menus, toolbar and status line around the panes of an open notebook.

The window paints before the database is opened: `MainWindow()` builds only the frame,
`show_list()` lists the visits through the light search path, and `attach()` (right after
the first paint) builds one `Workspace` over the opened services and lays out its panes.
The notebook's commands see the window only as a `Frame`.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
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
from fieldnotes.ui.accessibility import install_accessible_names
from fieldnotes.ui.screen_fit import available_size, laid_out_for_this_screen, resize_to_fit, screen_key
from fieldnotes.ui.settings import WindowState

if TYPE_CHECKING:
    from collections.abc import Callable

    from fieldnotes.services.search import Search
    from fieldnotes.services.session import Services
    from fieldnotes.ui.visit_list import VisitListPane
    from fieldnotes.ui.workspace import Workspace

SAVED_TEXT = "All changes saved"
#: The first size of the window where the screen has room for it.
PREFERRED_SIZE = (1440, 900)
#: The visit list's first width, at least and at most (pixels); extra width goes to the editor.
LIST_WIDTH = (300, 440)
#: The guide panel's first width: a fifth of the window, within bounds (a laptop's editor needs the room).
GUIDE_WIDTH = (260, 320)


class MainWindow(QMainWindow):
    """The application window; it satisfies `fieldnotes.ui.frame.Frame` for the notebook's commands.

    Attributes:
        workspace: the open notebook, or None until `attach()` has run.
        visit_list: the visit list, or None until `show_list()` or `attach()` has run.
    """

    def __init__(self, store: QSettings, icon: QIcon | None = None) -> None:
        super().__init__()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_accessible_names(app)
        self.store = store
        self.workspace: Workspace | None = None
        self.visit_list: VisitListPane | None = None
        self.setWindowTitle(APP_DISPLAY_NAME)
        if icon is not None:
            self.setWindowIcon(icon)
        self.setObjectName("mainWindow")
        # An empty frame until the notebook opens: the first paint must not wait for anything.
        self.setCentralWidget(QWidget())
        self.save_label = QLabel()
        self.save_label.setObjectName("saveState")
        self.statusBar().addPermanentWidget(self.save_label)
        self.banner = QWidget(self)  # laid out above the panes once the notebook is attached
        self.banner.setObjectName("banner")
        self.banner.hide()
        self.banner_label = QLabel()
        self.actions_by_name: dict[str, QAction] = {}
        self._build_menus()
        geometry = WindowState.GEOMETRY.get(store)
        self._saved_layout_fits = laid_out_for_this_screen(WindowState.SCREEN.get(store), self)
        if not (self._saved_layout_fits and isinstance(geometry, QByteArray) and not geometry.isEmpty()
                and self.restoreGeometry(geometry)):
            self._size_for_screen()

    def _size_for_screen(self) -> None:
        """Most of a large screen; on a screen smaller than the preferred size (a 13-inch laptop), all of it."""
        room = available_size(self)
        width = max(PREFERRED_SIZE[0], room.width() * 9 // 10)
        height = max(PREFERRED_SIZE[1], room.height() * 9 // 10)
        if not resize_to_fit(self, width, height):
            self.setWindowState(self.windowState() | QtCore.Qt.WindowState.WindowMaximized)

    def _list_width(self) -> int:
        """The visit list's first width: a quarter of the window, within bounds; the editor gets the rest."""
        return max(LIST_WIDTH[0], min(LIST_WIDTH[1], self.width() // 4))

    # --- actions -------------------------------------------------------------------

    def _action(self, name: str, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                tip: str = "", needs_visit: bool = False) -> QAction:
        """An action that stays disabled until `attach()` connects it to the open notebook."""
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.setProperty("needs_visit", needs_visit)
        action.setEnabled(False)
        self.actions_by_name[name] = action
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("new_visit", "&New visit", QKeySequence.StandardKey.New, "Record a new visit"))
        file_menu.addAction(self._action("delete_visit", "&Delete visit", None,
                                         "Delete the open visit (Undo puts it back)", needs_visit=True))
        file_menu.addSeparator()
        file_menu.addAction(self._action("import_json", "&Import from JSON…"))
        file_menu.addAction(self._action("export_json", "E&xport to JSON…"))
        export_menu = file_menu.addMenu("Expor&t")
        export_menu.setObjectName("exportMenu")
        export_menu.addAction(self._action("export_csv", "&Spreadsheet files (CSV folder)…", None,
                                           "Accounts, contacts, visits, findings and follow-ups as CSV files"))
        export_menu.addAction(self._action("export_hubspot", "&HubSpot import files…", None,
                                           "Companies, contacts, notes and tasks as HubSpot's import takes them"))
        export_menu.addAction(self._action("export_salesforce", "Sales&force import files…", None,
                                           "Accounts and contacts for the Data Import Wizard, tasks for Data Loader"))
        file_menu.addAction(self._action("load_sample", "Load &sample team visits"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("report_visit", "Export visit &report (PDF)…", "Ctrl+E",
                                         "A PDF report of the open visit", needs_visit=True))
        file_menu.addAction(self._action("report_customer", "Export &customer report (PDF)…", None,
                                         "The open visit's report without what is internal, to give the customer",
                                         needs_visit=True))
        file_menu.addAction(self._action("report_listed", "Summary report of the visits &listed…", None,
                                         "A PDF summary of every visit the search and filters list"))
        file_menu.addAction(self._action("report_selected", "Summary report of the sel&ected visits…", None,
                                         "A PDF summary of the visits selected in the list"))
        file_menu.addAction(self._action("prep_sheet", "&Prep sheet for an account…", "Ctrl+Shift+P",
                                         "One page on an account to read before visiting it"))
        self.file_menu = file_menu
        file_menu.addSeparator()
        file_menu.addAction(self._action("sync_now", "S&ync now", "Ctrl+Shift+S", "Merge with the team folder"))
        file_menu.addAction(self._action("sync_settings", "Sync settin&gs…"))
        file_menu.addAction(self._action("review_conflicts", "Conflicts to re&view…"))
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        self._quit_action = quit_action
        file_menu.addAction(quit_action)

        edit_menu = bar.addMenu("&Edit")
        self.edit_menu = edit_menu
        edit_menu.addAction(self._action("find", "&Find…", QKeySequence.StandardKey.Find, "Search every visit"))
        edit_menu.addSeparator()
        edit_menu.addAction(self._action("accounts", "&Accounts and contacts…", "Ctrl+Shift+A"))
        edit_menu.addAction(self._action("lists", "&Offerings, competitors and stages…", "Ctrl+Shift+L",
                                         "The team's lists: add, rename, merge, and the funnel's order"))
        edit_menu.addAction(self._action("guides", "Interview &guides…"))
        edit_menu.addAction(self._action("author", "Your &name…", None, "The name stamped on your changes"))
        edit_menu.addAction(self._action("branding", "Team &branding…", None,
                                         "The team's name and logo on every report"))

        self.view_menu = bar.addMenu("&View")
        self.view_menu.addAction(self._action("themes", "&Themes…", "Ctrl+Shift+T",
                                              "Every theme with its counts; tag untagged findings"))
        self._action("open_linked_visit", "Open &linked visit", "Ctrl+L",
                     "Open the ride-along a debrief is of, or the debrief of a ride-along", needs_visit=True)
        self.view_menu.addAction(self._action("follow_ups", "&Follow-ups…", "Ctrl+Shift+F",
                                              "Open, overdue and done follow-up actions across visits"))
        self.view_menu.addAction(self._action("insights", "&Insights…", "Ctrl+I",
                                              "What the visits listed say together: needs, competitors, offerings"))
        self.view_menu.addAction(self._action("objection_library", "&Objection library…", "Ctrl+Shift+O",
                                              "Every objection heard, by theme or competitor, with the answers "
                                              "that worked; the battlecard"))
        self.view_menu.addAction(self._action("quote_bank", "&Quote bank…", "Ctrl+Shift+Q",
                                              "Every verbatim quote with who said it and whether it is cleared"))
        appearance = QAction("&Appearance…", self)
        appearance.setObjectName("appearance")
        appearance.triggered.connect(self.edit_appearance)
        self.view_menu.addAction(appearance)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in ("new_visit", "report_visit", "sync_now"):
            toolbar.addAction(self.actions_by_name[name])
        self.toolbar = toolbar
        help_menu = bar.addMenu("&Help")
        shortcuts = QAction("&Keyboard shortcuts", self)
        shortcuts.setShortcut(QKeySequence.StandardKey.HelpContents)
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        about = QAction("&About fieldnotes", self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _connect_commands(self, workspace: Workspace) -> None:
        """Point every menu action at the open notebook's command, and enable it."""
        commands: dict[str, Callable[[], object]] = {
            "new_visit": workspace.new_visit,
            "delete_visit": workspace.delete_visit,
            "import_json": workspace.import_json,
            "export_json": workspace.export_json,
            "export_csv": lambda: workspace.export_spreadsheets(None),
            "export_hubspot": lambda: workspace.export_spreadsheets("hubspot"),
            "export_salesforce": lambda: workspace.export_spreadsheets("salesforce"),
            "load_sample": workspace.load_sample,
            "report_visit": workspace.reports.export_visit,
            "report_customer": workspace.reports.export_customer_visit,
            "report_listed": workspace.reports.summarize_listed,
            "report_selected": workspace.reports.summarize_selected,
            "prep_sheet": workspace.reports.ask_prep_sheet,
            "sync_now": lambda: workspace.sync.sync_now(),
            "sync_settings": workspace.sync.edit_settings,
            "review_conflicts": workspace.sync.review_conflicts,
            "open_linked_visit": workspace.open_linked_visit,
            "find": workspace.focus_search,
            "accounts": workspace.edit_accounts,
            "lists": workspace.edit_lists,
            "guides": workspace.edit_guides,
            "author": workspace.edit_author,
            "themes": workspace.show_themes,
            "follow_ups": workspace.show_follow_ups,
            "insights": workspace.show_insights,
            "objection_library": workspace.show_objection_library,
            "quote_bank": workspace.show_quote_bank,
            "branding": workspace.edit_branding,
        }
        for name, command in commands.items():
            # The lambda drops the `checked` argument that `triggered` passes.
            self.actions_by_name[name].triggered.connect(lambda _checked=False, run=command: run())
        for action in self.actions_by_name.values():
            action.setEnabled(not action.property("needs_visit"))

    # --- the frame the notebook's commands see ------------------------------------

    def dialog_parent(self) -> QWidget:
        """The widget that dialogs and message boxes are shown over."""
        return self

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        """Show `text` in the status line (for `timeout_ms`, or until replaced when 0)."""
        self.statusBar().showMessage(text, timeout_ms)

    def add_status_widget(self, widget: QWidget) -> None:
        """Keep `widget` at the right of the status line."""
        self.statusBar().addPermanentWidget(widget)

    def show_banner(self, text: str) -> None:
        """A message that stays at the top of the window until dismissed."""
        self.banner_label.setText(text)
        self.banner.show()

    def choose_file(self, title: str, save: bool, name_filter: str, suggested: str = "") -> Path | None:
        """Ask for a file to open or to save, starting in the folder used last; None if cancelled."""
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

    def choose_folder(self, title: str) -> Path | None:
        """Ask for a folder, starting in the folder used last; None if cancelled."""
        folder = WindowState.LAST_FOLDER.get(self.store) or str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, title, folder)
        if not chosen:
            return None
        WindowState.LAST_FOLDER.set(self.store, chosen)
        return Path(chosen)

    # --- attaching the notebook ----------------------------------------------------

    def show_list(self, search: Search) -> VisitListPane:
        """Show the visit list alone, before the rest of the notebook has loaded."""
        from fieldnotes.ui.visit_list import VisitListPane

        visit_list = VisitListPane(search, self)
        self.visit_list = visit_list
        self.splitter = QSplitter(QtCore.Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(visit_list)
        self._opening_label = QLabel("Opening your notebook…")
        self._opening_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.splitter.addWidget(self._opening_label)
        self.splitter.setSizes([self._list_width(), max(self.width() - self._list_width(), 1)])
        self.setCentralWidget(self.splitter)
        visit_list.apply_query()
        return visit_list

    def attach(self, services: Services, database_path: Path) -> Workspace:
        """Build the workspace over an open notebook, lay out its panes and fill them.

        Args:
            services: the opened services of the notebook.
            database_path: where the notebook lives.

        Returns:
            The workspace, which the window keeps as `workspace`.
        """
        from fieldnotes.ui.workspace import Workspace

        visit_list = self.visit_list if self.visit_list is not None else self.show_list(services.search)
        workspace = Workspace(services, database_path, self.store, self, visit_list, self)
        self.workspace = workspace
        self.setWindowTitle(f"{APP_DISPLAY_NAME} — {database_path.name}")
        self.takeCentralWidget()  # keep the splitter: the new central widget takes it over

        self._opening_label.setParent(None)  # out of the splitter now, so its saved sizes fit
        self._opening_label.deleteLater()
        self.splitter.addWidget(workspace.editor)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 0)  # when the window grows, the editor takes the room
        self.splitter.setStretchFactor(1, 1)
        self.banner.setStyleSheet("#banner { background: #fff3cd; } QLabel { color: #5c4400; }")
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
        self.guide_dock.setWidget(workspace.guide_panel)
        self.guide_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                    | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.RightDockWidgetArea, self.guide_dock)
        guide_width = max(GUIDE_WIDTH[0], min(GUIDE_WIDTH[1], self.width() // 5))
        self.resizeDocks([self.guide_dock], [guide_width], QtCore.Qt.Orientation.Horizontal)
        list_width = self._list_width()
        self.splitter.setSizes([list_width, max(self.width() - list_width - guide_width, 1)])

        editing = workspace.editing
        undo = editing.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = editing.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
        undo.triggered.connect(editing.flush)
        first = self.edit_menu.actions()[0]
        self.edit_menu.insertAction(first, undo)
        self.edit_menu.insertAction(first, redo)
        self.edit_menu.insertSeparator(first)
        self.undo_action, self.redo_action = undo, redo

        self._build_view_menu(workspace)
        from fieldnotes.ui.keys import WindowKeys

        self.keys = WindowKeys(self, editing.flush)
        self.keys.install()
        editing.visitLoaded.connect(self._visit_loaded)
        editing.saved.connect(lambda: self._show_save_state(SAVED_TEXT))
        editing.saveFailed.connect(self._save_failed)
        self._connect_commands(workspace)
        self._restore_state()
        self._show_save_state(SAVED_TEXT)
        workspace.show_first_visit()
        return workspace

    def _build_view_menu(self, workspace: Workspace) -> None:
        from fieldnotes.domain.model import FINDING_KINDS

        menu = self.view_menu
        menu.addAction(self.guide_dock.toggleViewAction())
        self.guide_dock.toggleViewAction().setShortcut(QKeySequence("F9"))
        menu.addAction(self.actions_by_name["open_linked_visit"])
        menu.addSeparator()
        sections = [("overview", "The visit", 0)] + [(k.key, k.title, k.shortcut_digit) for k in FINDING_KINDS]
        editor = workspace.editor
        for key, title, digit in sections:
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{digit}"))
            if key == "overview":
                # The visit form from the top: Tab then walks its fields in reading order.
                action.triggered.connect(editor.focus_title)
            else:
                action.triggered.connect(lambda _checked=False, section=key: editor.show_section(section))
            action.setObjectName(f"section_{key}")
            self.actions_by_name[action.objectName()] = action
            menu.addAction(action)

    def _restore_state(self) -> None:
        if not self._saved_layout_fits:
            return  # the panes keep the widths laid out for this screen
        state = WindowState.STATE.get(self.store)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = WindowState.SPLITTER.get(self.store)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)

    def _save_state(self) -> None:
        WindowState.GEOMETRY.set(self.store, self.saveGeometry())
        WindowState.SCREEN.set(self.store, screen_key(self))
        if self.workspace is not None:
            WindowState.STATE.set(self.store, self.saveState())
            WindowState.SPLITTER.set(self.store, self.splitter.saveState())
            visit = self.workspace.editing.visit
            WindowState.LAST_VISIT.set(self.store, visit.id if visit is not None else "")
        self.store.sync()

    # --- reacting ------------------------------------------------------------------

    def _visit_loaded(self, visit: object) -> None:
        for action in self.actions_by_name.values():
            if action.property("needs_visit"):
                action.setEnabled(visit is not None)

    def _show_save_state(self, text: str, error: bool = False) -> None:
        self.save_label.setText(text)
        self.save_label.setStyleSheet("color: #c0392b; font-weight: bold;" if error else "")

    def _save_failed(self, message: str) -> None:
        self._show_save_state("Not saved — see message", error=True)
        self.statusBar().showMessage(message, 15000)

    # --- help ----------------------------------------------------------------------

    #: Keys that work inside a widget rather than through a menu action.
    WIDGET_KEYS = (
        ("Down", "From the search box to the results"),
        ("Delete in the list", "Delete the selected visits (Ctrl+Z in the list puts them back)"),
        ("Ctrl+Enter in Attendees", "Add the name at the cursor to the account's contacts"),
        ("Space in Attendees", "Tick a contact who was there"),
        ("Enter", "In a section's entry row: add the finding, ready for the next"),
        ("Down, Enter", "In a box that completes names or themes: take the one offered"),
        ("Alt+1 / Alt+2 / Alt+3, Ctrl+Space", "In a section's entry row: take a suggested theme"),
        ("Delete in a section", "Delete the selected finding"), ("Alt+Up / Alt+Down", "Reorder findings"),
        ("Ctrl+T in a section", "Edit the selected finding's themes"),
        ("Space / Enter in the guide", "Tick a prompt / go to its section"),
        ("Space / Enter in Follow-ups", "Tick an action done / open its visit"),
        ("Arrows, Enter in an Insights chart", "Move between numbers / list the findings behind one"),
        ("F2 in Themes", "Rename the selected theme"),
        ("B / Enter in the Objection library", "Mark the best answer of a theme / open its visit"),
        ("Ctrl+C in the Quote bank", "Copy the selected quotes with who said them, for a slide"),
    )

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """Every keyboard shortcut: read from the window's actions, so none is ever missing."""
        return self._command_rows() + list(self.WIDGET_KEYS)

    def _command_rows(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for action in self.findChildren(QAction):
            # An action may list the same keys twice (Redo's own keys and the platform's).
            sequences = dict.fromkeys(sequence.toString(QKeySequence.SequenceFormat.NativeText)
                                      for sequence in action.shortcuts() if not sequence.isEmpty())
            keys = " / ".join(sequences)
            text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()
            if keys and keys not in seen:
                seen.add(keys)
                rows.append((keys, text))
        return rows

    def shortcuts_text(self) -> str:
        """The shortcuts as two tables side by side (commands, keys inside a box), to fit a laptop's height."""

        def table(title: str, rows: list[tuple[str, str]]) -> str:
            lines = "".join(f"<tr><td><b>{html.escape(keys)}</b></td><td>&nbsp;&nbsp;{html.escape(text)}</td></tr>"
                            for keys, text in rows)
            return f"<p><b>{title}</b></p><table>{lines}</table>"

        return (f'<table><tr><td valign="top">{table("Commands", self._command_rows())}</td>'
                f'<td width="24"></td>'
                f'<td valign="top">{table("In a box or list", list(self.WIDGET_KEYS))}</td></tr></table>')

    def shortcuts_dialog(self) -> QDialog:
        """The shortcuts, in a dialog as wide as its two tables (a message box would wrap them too tall)."""
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        dialog.setObjectName("shortcutsDialog")
        text = QLabel(self.shortcuts_text(), dialog)
        text.setTextFormat(QtCore.Qt.TextFormat.RichText)
        text.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        return dialog

    def show_shortcuts(self) -> None:
        dialog = self.shortcuts_dialog()
        dialog.exec()
        dialog.deleteLater()

    def edit_appearance(self) -> None:
        """Theme (system, light, dark) and larger text."""
        from fieldnotes.ui.theme import edit_appearance

        edit_appearance(self.store, self)

    def show_about(self) -> None:
        where = f"<p>Notebook: {self.workspace.database_path}</p>" if self.workspace is not None else ""
        QMessageBox.about(
            self, "About fieldnotes",
            f"<h3>fieldnotes {fieldnotes.__version__}</h3>"
            "<p>An offline notebook for field visits: structured interviews, "
            f"visit reports and team sync through a shared drive.</p>{where}",
        )

    # --- closing -------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        workspace = self.workspace
        if workspace is not None:
            workspace.discard_empty_draft()  # before the last sync, so that it never leaves the laptop
        if workspace is not None and workspace.editing.flush() and workspace.sync.sync_before_quit():
            self.statusBar().showMessage("Syncing with the team folder before quitting…")
            event.ignore()
            return
        if workspace is not None and not workspace.editing.flush():
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
