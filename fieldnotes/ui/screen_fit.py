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


def screen_key(widget: QWidget) -> str:
    """The room on the screen `widget` is on, as saved with a window's layout ("1366x736")."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return ""
    size = screen.availableGeometry().size()
    return f"{size.width()}x{size.height()}"


def laid_out_for_this_screen(saved_key: str, widget: QWidget) -> bool:
    """Whether a layout saved on the screen `saved_key` names suits the screen `widget` is on now.

    A layout from another screen (a laptop's, reopened on a large monitor, or the other way
    round) would give a large screen a laptop's narrow editor, or a laptop a window it cannot
    show; so is one saved before the screen was recorded with it.
    """
    return bool(saved_key) and saved_key == screen_key(widget)
