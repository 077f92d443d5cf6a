"""Window and dialog sizes that fit the screen they open on, down to a 1366×768 laptop."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: Room left around a window for its title bar and frame, which its size does not include.
FRAME_ALLOWANCE = QSize(16, 48)


def available_size(widget: QWidget) -> QSize:
    """The room a window may take on the screen `widget` is on (or the primary screen)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1366, 768)
    return screen.availableGeometry().size() - FRAME_ALLOWANCE


def fitting_size(widget: QWidget, preferred: QSize) -> QSize:
    """`preferred`, shrunk where the screen is smaller."""
    return preferred.boundedTo(available_size(widget))


def resize_to_fit(widget: QWidget, width: int, height: int) -> bool:
    """Resize a window to `width`×`height`, or less where the screen is smaller.

    Returns:
        True when the preferred size fitted; False when the window had to be made smaller.
    """
    preferred = QSize(width, height)
    size = fitting_size(widget, preferred)
    widget.resize(size)
    return size == preferred
