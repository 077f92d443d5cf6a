"""What the commands of an open notebook need from the window around them, and nothing more."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QWidget


class Frame(Protocol):
    """The window as the notebook's commands see it: a parent for dialogs, a status line, a banner,
    file choosers, and a way to close.

    Commands depend on this instead of on the main window class, so they can be built and
    tested without it and never import it back.
    """

    def dialog_parent(self) -> QWidget:
        """The widget that dialogs and message boxes are shown over."""
        ...

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        """Show `text` in the status line (for `timeout_ms`, or until replaced when 0)."""
        ...

    def add_status_widget(self, widget: QWidget) -> None:
        """Keep `widget` at the right of the status line."""
        ...

    def show_banner(self, text: str) -> None:
        """A message that stays at the top of the window until dismissed."""
        ...

    def choose_file(self, title: str, save: bool, name_filter: str, suggested: str = "") -> Path | None:
        """Ask for a file to open or to save, starting in the folder used last; None if cancelled."""
        ...

    def choose_folder(self, title: str) -> Path | None:
        """Ask for a folder, starting in the folder used last; None if cancelled."""
        ...

    def close(self) -> bool:
        """Close the window, as the user would."""
        ...
