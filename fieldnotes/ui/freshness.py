"""Keeping a window's reading current without reading while nobody looks at it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class ReloadWhenSeen(QObject):
    """Reloads a window after changes to the notebook: a visible window after a short pause
    (an autosave while typing changes the notebook every second), a hidden one when it is
    next shown. It starts out of date, so the first showing reads.

    Args:
        window: the window watched.
        reload: reads again (the window calls `reloaded` when it starts reading).
        catch_up: run instead of `reload` when an out-of-date window is shown (say, to fill
            its filters first); `reload` when not given.
        delay_ms: the pause after the last change before a visible window reads again.
    """

    def __init__(self, window: QWidget, reload: Callable[[], None], delay_ms: int,
                 catch_up: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._catch_up = catch_up or reload
        self.stale = True
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(reload)
        window.installEventFilter(self)

    def changed(self) -> None:
        """What the window shows may have changed."""
        if self._window.isVisible():
            self._timer.start()
        else:
            self.stale = True

    def reloaded(self) -> None:
        """The window is reading again now: nothing is pending."""
        self._timer.stop()
        self.stale = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Show and self.stale:
            self._catch_up()
        return False
