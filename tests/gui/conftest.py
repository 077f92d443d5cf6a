"""Windows over a real notebook, with settings in a per-test file."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from fieldnotes.services.session import Services
from fieldnotes.ui.main_window import MainWindow
from fieldnotes.ui.settings import Preferences

#: Offscreen GUI tests run on the screen of a 13-inch laptop, the smallest the window is made for.
LAPTOP_SCREEN = {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                 "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}


@pytest.fixture(autouse=True)
def _empty_clipboard_after_each_test(qapp: QApplication) -> Iterator[None]:
    """Leave nothing on the clipboard: Qt's offscreen platform crashes the process at exit
    when data a test copied (a quote for a slide) is still on it. A real screen does not."""
    yield
    QApplication.clipboard().clear()


@pytest.fixture(scope="session")
def qapp_args(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Give the offscreen platform a laptop's screen instead of its 800×600 default."""
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        return ["fieldnotes-tests"]
    config = tmp_path_factory.mktemp("screen") / "laptop.json"
    config.write_text(json.dumps({"screens": [LAPTOP_SCREEN]}))
    return ["fieldnotes-tests", "-platform", f"offscreen:configfile={config}"]


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def open_window(qtbot, database_path: Path, settings_file: Path) -> Iterator[Callable[[], MainWindow]]:
    """Open a main window on the test notebook, the way the app does; closes them all at the end."""
    opened: list[tuple[MainWindow, Services]] = []

    def factory() -> MainWindow:
        store = QSettings(str(settings_file), QSettings.Format.IniFormat)
        Preferences.SAMPLE_OFFERED.set(store, True)
        services = Services.open(database_path, author="tester")
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitActive(window)
        window.attach(services, database_path)
        qtbot.waitUntil(window.visit_list.isVisible)
        opened.append((window, services))
        return window

    yield factory
    for window, services in opened:
        if window.isVisible():
            window.close()
        services.close()


def close_window(window: MainWindow) -> None:
    window.close()
    window.workspace.services.close()


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, also characters qtbot.keyClicks cannot send, as key events with text."""
    widget.setFocus()
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, character)
            QApplication.sendEvent(widget, event)


def press(widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, modifiers))
