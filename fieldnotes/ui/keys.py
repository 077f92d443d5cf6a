"""The window's own shortcuts win over the keys a text field keeps for itself; undo reaches the visit.

On Linux a `QLineEdit` claims Ctrl+E (end of line) and other keys before the window sees them,
and every text field claims Ctrl+Z even when it has nothing left to undo. This filter answers
those claims for the widgets of one window: the window's shortcuts always run, and Ctrl+Z /
Ctrl+Shift+Z stay with a text field only while it has its own typing to undo; otherwise they
undo or redo the last change to the visit.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

_REDO_KEYS = (QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"))


def _own_history(widget: QWidget, redo: bool) -> bool:
    """Whether a text field has typing of its own to undo (or redo)."""
    if isinstance(widget, QLineEdit):
        return widget.isRedoAvailable() if redo else widget.isUndoAvailable()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        document = widget.document()
        if not document.isUndoRedoEnabled():
            return False
        return document.isRedoAvailable() if redo else document.isUndoAvailable()
    return False


def _is_command_key(combination: QKeyCombination) -> bool:
    """Keys with Ctrl, Alt or Meta, and function keys: never text editing's plain keys (Delete, Enter...)."""
    if combination.keyboardModifiers() & (
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
    ):
        return True
    return Qt.Key.Key_F1.value <= combination.key().value <= Qt.Key.Key_F35.value


class WindowKeys(QObject):
    """Watches the widget that has the keyboard focus in `window` and answers its key claims.

    Args:
        window: the window whose actions must win.
        before_history: called before a Ctrl+Z or Ctrl+Shift+Z goes to the visit's history
            (writes the typing not yet saved, so that it is part of that history).
    """

    def __init__(self, window: QWidget, before_history: Callable[[], object]) -> None:
        super().__init__(window)
        self._window = window
        self._before_history = before_history

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(watched, QWidget):
            return False
        assert isinstance(event, QKeyEvent)  # a ShortcutOverride is a key event
        pressed = QKeySequence(event.keyCombination())
        undo = event.matches(QKeySequence.StandardKey.Undo)
        redo = event.matches(QKeySequence.StandardKey.Redo) or pressed in _REDO_KEYS
        if undo or redo:
            if _own_history(watched, redo):
                return False  # the field undoes its own typing first
            self._before_history()
            return True  # left unclaimed: the window's Undo / Redo runs
        # Left unclaimed, the key runs the window's action instead of moving the cursor.
        return _is_command_key(event.keyCombination()) and self._is_window_shortcut(pressed)

    def _is_window_shortcut(self, pressed: QKeySequence) -> bool:
        for action in self._window.findChildren(QAction):
            if action.isEnabled() and any(pressed == shortcut for shortcut in action.shortcuts()):
                return True
        return False

    def install(self) -> None:
        """Start answering the key claims of whichever widget of the window has the focus.

        Only the focused widget is watched (key events go to it), so the rest of the
        application's events never pass through Python here.
        """
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.focusChanged.connect(self._focus_changed)
            self._focus_changed(None, application.focusWidget())

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if old is not None:
            old.removeEventFilter(self)
        if new is not None and new.window() is self._window:
            new.installEventFilter(self)
