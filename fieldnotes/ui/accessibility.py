"""Every focusable control gets an accessible name, so a screen reader can say what it is.

Qt names buttons by their text and fields by their form label; a field known only by its
placeholder ("Competitor"), its tooltip ("Due") or its owner (the text box inside a spin
box) is announced as nothing. `install_accessible_names` watches the application once and
names each such control as it is first polished, from what a sighted user reads there.
Controls with nothing to read are named where they are made.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

#: The line edit Qt puts inside spin boxes and date edits.
_INNER_EDITOR = "qt_spinbox_lineedit"


def _clean(text: str) -> str:
    """A label as spoken: without its access-key ampersand, its "…" or its second line."""
    first_line = text.split("\n", 1)[0]
    return first_line.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…:").strip()


def derived_name(widget: QWidget) -> str:
    """What a sighted user reads for this control: its name, placeholder, tooltip or owner's."""
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text():
        return _clean(widget.text())
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        return _clean(widget.placeholderText())
    if widget.toolTip():
        return _clean(widget.toolTip())
    owner = widget.parentWidget()
    if widget.objectName() == _INNER_EDITOR and owner is not None:
        return derived_name(owner)
    return ""


def name_control(widget: QWidget) -> None:
    """Give a focusable control without an accessible name the one it shows; a label names its buddy."""
    if isinstance(widget, QLabel):
        buddy = widget.buddy()
        if buddy is not None and not buddy.accessibleName() and widget.text():
            buddy.setAccessibleName(_clean(widget.text()))
        return
    if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or widget.accessibleName():
        return
    name = derived_name(widget)
    if name:
        widget.setAccessibleName(name)


class _NameOnPolish(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Polish comes once per widget, before it is first shown: the cheapest moment.
        if event.type() == QEvent.Type.Polish and isinstance(watched, QWidget):
            name_control(watched)
        return False


def install_accessible_names(app: QApplication) -> None:
    """Name every control of every window of `app` as it appears (once per application)."""
    if app.property("fieldnotesAccessibleNames"):
        return
    watcher = _NameOnPolish(app)
    app.installEventFilter(watcher)
    app.setProperty("fieldnotesAccessibleNames", True)
