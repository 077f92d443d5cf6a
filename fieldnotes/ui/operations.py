"""User actions on the open notebook: run a service call, show a known failure, broadcast the change.

Every action that changes data goes through `Operations`, in the manner of Anki's
`CollectionOp`: the service call commits and returns what it changed; a known failure
(`FieldnotesError`) becomes a message the user can act on and changes nothing; the change
goes out on the notifier, so every view refreshes and no caller publishes by hand.
Long work takes the same path from the thread pool, back on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, QThreadPool
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from fieldnotes import APP_DISPLAY_NAME
from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.services.changes import Change
from fieldnotes.ui.frame import Frame
from fieldnotes.ui.notifier import ChangeNotifier
from fieldnotes.ui.tasks import Task, Work, run_in_background

log = logging.getLogger(__name__)

Result = TypeVar("Result")


def change_of(result: object) -> Change | None:
    """The change a service call reports, in any of the shapes the services return.

    Args:
        result: a `Change`; a pair whose last item is the `Change` (`(visit, change)`); or
            a summary with a `change` attribute (an import, a sync report).

    Returns:
        The change, or None when the result changed nothing (a written report, a count).
    """
    if isinstance(result, Change):
        return result
    if isinstance(result, tuple) and result and isinstance(result[-1], Change):
        return result[-1]
    carried = getattr(result, "change", None)
    return carried if isinstance(carried, Change) else None


class Operations(QObject):
    """Runs the user's actions on one open notebook and broadcasts what they changed."""

    def __init__(self, notifier: ChangeNotifier, frame: Frame, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.notifier = notifier
        self._frame = frame
        self._running: set[Task] = set()  # background tasks without a parent widget live here until done

    def run(
        self,
        action: Callable[[], Result],
        *,
        title: str = APP_DISPLAY_NAME,
        parent: QWidget | None = None,
        on_failure: Callable[[FieldnotesError], None] | None = None,
    ) -> Result | None:
        """Run a service call now and broadcast the change it returns.

        Args:
            action: calls one service; returns a `Change`, a `(value, Change)` pair or a summary
                with a `change` (see `change_of`).
            title: the title of the message box that explains a known failure.
            parent: the window that message box belongs to (default: the main window).
            on_failure: shows a known failure another way instead of the message box.

        Returns:
            What `action` returned, or None when a known failure stopped it (nothing changed then).
        """
        try:
            result = action()
        except FieldnotesError as error:
            self._show_failure(error, title, parent, on_failure)
            return None
        self._broadcast(result)
        return result

    def run_in_background(
        self,
        title: str,
        work: Work[Result],
        on_done: Callable[[Result], None],
        *,
        modal: bool = True,
        on_failure: Callable[[FieldnotesError], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_finished: Callable[[object], None] | None = None,
        pool: QThreadPool | None = None,
    ) -> Task:
        """Run long work on the thread pool; back on the GUI thread, broadcast its change, then `on_done`.

        Args:
            title: what the work does, for the progress dialog and for messages.
            work: Qt-free work that reports progress and checks for cancelling.
            on_done: called with what `work` returned, after its change went out.
            modal: False lets the user keep working while the progress dialog shows (a sync on a timer).
            on_failure: shows a known failure another way instead of a message box.
            on_cancelled: called when the user cancelled (default: a line in the status bar).
            on_finished: called last in every case, with the result, the error, or None if cancelled.
            pool: the thread pool to run on (default: the global one).

        Returns:
            The running task.
        """

        def finish(outcome: object) -> None:
            if on_finished is not None:
                on_finished(outcome)

        def succeeded(result: Result) -> None:
            self._broadcast(result)
            on_done(result)
            finish(result)

        def failed(error: BaseException) -> None:
            if isinstance(error, FieldnotesError):
                self._show_failure(error, APP_DISPLAY_NAME, None, on_failure)
            else:
                self.report_bug(error)
            finish(error)

        def cancelled() -> None:
            if on_cancelled is not None:
                on_cancelled()
            else:
                self._frame.show_status(f"{title}: cancelled; nothing was changed", 8000)
            finish(None)

        task = run_in_background(title, work, self._frame.dialog_parent() if modal else None,
                                 succeeded, failed, cancelled, pool=pool)
        self._running.add(task)
        for finished in (task.done, task.failed, task.cancelled):
            finished.connect(lambda *_outcome, done=task: self._running.discard(done))
        return task

    def explain_failed_read(self, error: BaseException, label: QLabel, known: str = "{error}",
                            unexpected: str | None = None) -> None:
        """A read in the background failed: a known failure (the notebook closed, a damaged
        file) is said in `label`, as `known` words it; anything else is a bug, shown in the
        crash dialog, and the label then says `unexpected` (left as it is when None)."""
        if isinstance(error, FieldnotesError):
            label.setText(known.format(error=error))
            return
        if unexpected is not None:
            label.setText(unexpected)
        self.report_bug(error)

    def report_bug(self, error: BaseException) -> None:
        """Show an unexpected error in the crash dialog, which names the log file."""
        from fieldnotes.ui.crash_dialog import show_crash

        show_crash(type(error), error, error.__traceback__, self._frame.dialog_parent())

    def _broadcast(self, result: object) -> None:
        change = change_of(result)
        if change is not None:
            self.notifier.publish(change)

    def _show_failure(self, error: FieldnotesError, title: str, parent: QWidget | None,
                      on_failure: Callable[[FieldnotesError], None] | None) -> None:
        log.info("%s: %s", title, error)
        if on_failure is not None:
            on_failure(error)
        else:
            QMessageBox.warning(parent or self._frame.dialog_parent(), title, str(error))
