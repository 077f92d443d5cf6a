"""Unexpected errors in the app: logged with their traceback, shown with the log's name."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from fieldnotes.crash import record_crash


def show_crash(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, parent: QWidget | None = None
) -> None:
    log_file = record_crash(exc_type, exc, tb)
    app = QApplication.instance()
    if app is None:
        return
    if threading.current_thread() is not threading.main_thread():
        # Raised on a worker thread: a widget may only be made on the GUI thread, so the
        # dialog is shown from there (a dialog made here would hang the app).
        QTimer.singleShot(0, app, lambda: _show_dialog(exc_type, exc, log_file, parent))
        return
    _show_dialog(exc_type, exc, log_file, parent)


def _show_dialog(exc_type: type[BaseException], exc: BaseException, log_file: Path, parent: QWidget | None) -> None:
    box = QMessageBox(parent or QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("fieldnotes: unexpected error")
    box.setText("Something went wrong inside fieldnotes. Your saved work is safe in the notebook.")
    box.setInformativeText(
        f"Details were written to:\n{log_file}\n\nPlease send that file to whoever supports fieldnotes."
    )
    box.setDetailedText(f"{exc_type.__name__}: {exc}")
    box.exec()


def install_crash_hook() -> None:
    """Route uncaught exceptions (also from Qt slots) to the crash dialog instead of stderr."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        show_crash(exc_type, exc, tb)

    sys.excepthook = hook
