"""Starting the desktop app: paint a window first, then open the notebook behind it.

Start-up order matters for speed: Qt and the window frame come first (a bare window is
what the user waits for), the storage layer (SQLAlchemy) is imported and the database
opened and migrated only after the first paint, before the list is filled.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import fieldnotes
from fieldnotes import APP_NAME

log = logging.getLogger(__name__)

#: Set by benchmarks: print start-up milestones (seconds since the process started) to stderr.
_TRACE = os.environ.get("FIELDNOTES_TRACE_STARTUP") == "1"
_STARTED = time.perf_counter()


def _trace(milestone: str) -> None:
    if _TRACE:
        sys.stderr.write(f"startup {milestone} {time.perf_counter() - _STARTED:.4f}\n")
        sys.stderr.flush()


def main(database: Path | None = None, author: str | None = None, argv: list[str] | None = None) -> int:
    """Run the app on `database` (default: the notebook in the user's data folder)."""
    from PySide6.QtCore import QLockFile, QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from fieldnotes.locations import default_database_path
    from fieldnotes.resources import resource_path
    from fieldnotes.ui.main_window import MainWindow
    from fieldnotes.ui.settings import Preferences, settings_store

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("io.github.fieldnotes.Fieldnotes")
    icon = QIcon(str(resource_path("icons", "fieldnotes.svg")))
    app.setWindowIcon(icon)

    store = settings_store()
    from fieldnotes.ui.theme import apply_saved_appearance

    apply_saved_appearance(app, store)
    window = MainWindow(store, icon)
    window.show()
    _trace("window-shown")
    path = Path(database) if database is not None else default_database_path()
    lock_holder: list[QLockFile] = []

    def show_list_first() -> None:
        """Right after the first paint: list the visits of an up-to-date notebook at once."""
        _trace("first-paint")
        from fieldnotes.crash import configure_logging
        from fieldnotes.ui.crash_dialog import install_crash_hook

        log_file = configure_logging()  # after the paint: the logging module is slow to import
        install_crash_hook()
        log.info("fieldnotes %s starting; log in %s", fieldnotes.__version__, log_file)
        from fieldnotes.domain.errors import FieldnotesError
        from fieldnotes.services.search import Search
        from fieldnotes.storage.identity import SCHEMA_HEAD, inspect_database_file

        try:
            revision = inspect_database_file(path)
        except FieldnotesError:
            revision = ""  # open_notebook explains what is wrong
        if revision == SCHEMA_HEAD:
            window.show_list(Search(path))
            _trace("list-filled")
        elif revision:
            # Backing up, upgrading and counting a large notebook takes a while, once.
            window.show_status("Upgrading this notebook for this version of fieldnotes (a backup is kept first)…")
        # A zero-time timer lets the list paint before the storage layer loads.
        QTimer.singleShot(0, open_notebook)

    def open_notebook() -> None:
        app.setApplicationVersion(fieldnotes.__version__)
        from fieldnotes.domain.errors import FieldnotesError
        from fieldnotes.domain.limits import author_name_problem
        from fieldnotes.services.session import Services

        saved_name = Preferences.AUTHOR.get(store)
        if saved_name and author_name_problem(saved_name):
            saved_name = ""  # saved before names had a limit: the login name until the user picks another
        try:
            services = Services.open(path, author=author or saved_name or None)
        except FieldnotesError as error:
            QMessageBox.critical(window, "fieldnotes cannot open the notebook",
                                 f"{error}\n\nNothing was changed in that file.")
            window.close()
            return
        _trace("database-open")
        workspace = window.attach(services, path)
        _trace("ready")
        lock = QLockFile(str(path) + ".lock")
        lock.setStaleLockTime(0)
        if lock.tryLock(0):
            lock_holder.append(lock)
        else:
            window.show_status(
                "This notebook is also open in another fieldnotes window: both save safely, "
                "but each shows the other's edits only after reopening.")
        quit_after_start = os.environ.get("FIELDNOTES_QUIT_AFTER_START")
        if quit_after_start == "1":
            QTimer.singleShot(0, window.close)
            return
        if quit_after_start == "settled":
            # Once the reads that start brings are done too (the theme suggestions): what a
            # benchmark of the app's memory waits for.
            if workspace.themes.suggestions is not None:
                QTimer.singleShot(0, window.close)
            else:
                workspace.themes.indexReady.connect(window.close)
            return
        QTimer.singleShot(0, workspace.welcome)

    # A zero-time timer fires once the event loop has painted the window.
    QTimer.singleShot(0, show_list_first)
    code = app.exec()
    if window.workspace is not None:
        window.workspace.close()
    for lock in lock_holder:
        lock.unlock()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
