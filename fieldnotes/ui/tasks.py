"""Long work (import, export, reports, sync) off the UI thread, with progress and cancel.

The work itself is a Qt-free function that accepts `progress(done, total)` and
`cancelled()` callbacks. It runs on the global thread pool; progress and the result come
back to the GUI thread as queued signals, and a progress dialog appears only when the
work takes longer than half a second. A worker never touches a widget.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from fieldnotes.domain.errors import FieldnotesError, OperationCancelled

log = logging.getLogger(__name__)

PROGRESS_DIALOG_DELAY_MS = 500

Result = TypeVar("Result")
Result_co = TypeVar("Result_co", covariant=True)


class Work(Protocol[Result_co]):
    """Qt-free long work: reports `progress(done, total)` and stops when `cancelled()` says so."""

    def __call__(self, progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Result_co: ...


class _Signals(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object, object)  # exception, exc_info tuple


class _Worker(QRunnable):
    def __init__(self, work: Work[object], signals: _Signals, cancel_flag: threading.Event) -> None:
        super().__init__()
        self._work = work
        self._signals = signals
        self._cancel_flag = cancel_flag

    def run(self) -> None:
        try:
            result = self._work(
                progress=lambda done, total: self._tell(self._signals.progressed, int(done), int(total)),
                cancelled=self._cancel_flag.is_set,
            )
        except BaseException as error:  # everything goes back to the GUI thread to be shown
            self._tell(self._signals.failed, error, sys.exc_info())
        else:
            self._tell(self._signals.succeeded, result)

    @staticmethod
    def _tell(signal: Any, *values: object) -> None:
        """Emit to the GUI thread, unless what asked for the work is gone (the app quit while
        it ran): then nobody waits for the answer."""
        try:
            signal.emit(*values)
        except RuntimeError:
            log.debug("background work finished after its owner was deleted; its result is dropped")


class Task(QObject):
    """One piece of background work; `done` or `failed` is emitted once, on the GUI thread.

    `progressed(done, total)` repeats the work's progress, for a view that shows it in place.
    """

    progressed = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, title: str, work: Work[object], parent_widget: QWidget | None,
                 show_progress: bool = True, pool: QThreadPool | None = None) -> None:
        super().__init__(parent_widget)
        self.title = title
        self._show_progress = show_progress
        self._pool = pool
        self._cancel_flag = threading.Event()
        self._signals = _Signals()
        self._signals.progressed.connect(self._on_progress)
        self._signals.succeeded.connect(self._on_success)
        self._signals.failed.connect(self._on_failure)
        self._dialog: QProgressDialog | None = None
        self._parent_widget = parent_widget
        self._last_progress = (0, 0)
        self._worker = _Worker(work, self._signals, self._cancel_flag)
        self._worker.setAutoDelete(True)
        self._dialog_timer = QTimer(self, singleShot=True, interval=PROGRESS_DIALOG_DELAY_MS)
        self._dialog_timer.timeout.connect(self._show_dialog)
        self.finished = False

    def start(self) -> Task:
        if self._show_progress:
            self._dialog_timer.start()
        (self._pool or QThreadPool.globalInstance()).start(self._worker)
        return self

    def cancel(self) -> None:
        self._cancel_flag.set()

    def _show_dialog(self) -> None:
        if self.finished:
            return
        dialog = QProgressDialog(self.title, "Cancel", 0, 0, self._parent_widget)
        dialog.setWindowTitle(self.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self._dialog = dialog
        self._on_progress(*self._last_progress)
        dialog.show()

    def _on_progress(self, done: int, total: int) -> None:
        self._last_progress = (done, total)
        self.progressed.emit(done, total)
        if self._dialog is not None:
            self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(min(done, total) if total else 0)

    def _close_dialog(self) -> None:
        self.finished = True
        self._dialog_timer.stop()
        if self._dialog is not None:
            self._dialog.canceled.disconnect(self.cancel)
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None

    def _on_success(self, result: object) -> None:
        self._close_dialog()
        self.done.emit(result)

    def _on_failure(self, error: BaseException, exc_info: tuple[Any, ...]) -> None:
        self._close_dialog()
        if isinstance(error, OperationCancelled):
            self.cancelled.emit()
            return
        if not isinstance(error, FieldnotesError):
            log.error("background task %r failed", self.title, exc_info=exc_info)
        self.failed.emit(error)


def run_in_background(
    title: str,
    work: Work[Result],
    parent_widget: QWidget | None,
    on_done: Callable[[Result], None],
    on_error: Callable[[BaseException], None],
    on_cancelled: Callable[[], None] | None = None,
    show_progress: bool = True,
    pool: QThreadPool | None = None,
) -> Task:
    """Start `work(progress=..., cancelled=...)` on the thread pool and wire its outcome.

    Args:
        title: what the work does, for the progress dialog and the log.
        work: the Qt-free work; it runs on a worker thread.
        parent_widget: the window the progress dialog blocks (None: a dialog of its own that blocks nothing).
        on_done: called on the GUI thread with what `work` returned.
        on_error: called on the GUI thread with the exception that stopped `work`.
        on_cancelled: called on the GUI thread when the user cancelled.
        show_progress: False for work the user did not ask for and need not wait on (an
            index refreshed after changes): no progress dialog, however long it takes.
        pool: the thread pool to run on (default: the global one); long background work
            has a pool of its own, so that it never holds up what the user waits for.

    Returns:
        The running task.
    """
    task = Task(title, work, parent_widget, show_progress, pool)
    task.done.connect(on_done)
    task.failed.connect(on_error)
    if on_cancelled is not None:
        task.cancelled.connect(on_cancelled)
    return task.start()
