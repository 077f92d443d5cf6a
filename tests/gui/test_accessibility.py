"""Every control a keyboard or screen-reader user can reach has a name; the theme and text size apply."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from fieldnotes.ui.accounts_dialog import AccountsDialog
from fieldnotes.ui.guide_editor import GuideEditorDialog
from fieldnotes.ui.report_actions import ReportPreview
from fieldnotes.ui.settings import Preferences
from fieldnotes.ui.sync_actions import ConflictsDialog, SyncSettingsDialog
from fieldnotes.ui.theme import LARGER_TEXT_SCALE, AppearanceDialog, apply_appearance


def _unnamed_controls(screen: QWidget) -> list[str]:
    """Focusable widgets of this window that a screen reader would announce without a name."""
    QApplication.processEvents()
    unnamed = []
    for widget in [screen, *screen.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or widget.window() is not screen:
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        if interface is None or not interface.text(QAccessible.Text.Name).strip():
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parent()).__name__}")
    return unnamed


@pytest.fixture
def screens(qtbot, open_window):
    """The main window with a visit open, and every dialog of the app, each shown."""
    window = open_window()
    workspace = window.workspace
    notebook = workspace.services.notebook
    account, _ = notebook.create_account("Brasserie")
    notebook.add_contact(account.id, "Jane Smith")
    visit, change = notebook.create_visit(account.id, title="Debrief", visited_on="2026-05-01")
    workspace.notifier.publish(change)
    for kind in ("need", "competitor_move", "follow_up"):
        notebook.add_finding(visit.id, kind, "Something", {})
    workspace.editing.open(visit.id)
    for section in ("overview", "need", "follow_up"):
        workspace.editor.show_section(section)
    image = QImage(60, 80, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    dialogs = [
        AccountsDialog(notebook, workspace.operations, window, account.id),
        GuideEditorDialog(workspace.services.guides, workspace.operations, window),
        SyncSettingsDialog("", 5, window),
        ConflictsDialog(workspace.sync.sync_service, workspace.operations, window),
        AppearanceDialog(window.store, window),
        ReportPreview(Path("report.pdf"), [image], 1, window),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
    return [window, *dialogs]


def test_every_focusable_control_of_every_screen_has_a_name(screens) -> None:
    unnamed = {type(screen).__name__: _unnamed_controls(screen) for screen in screens}
    assert {name: controls for name, controls in unnamed.items() if controls} == {}


@pytest.fixture
def restored_appearance():
    app = QApplication.instance()
    yield app
    apply_appearance(app, "system", False)


def test_dark_theme_and_larger_text_apply_and_are_kept(qtbot, open_window, restored_appearance) -> None:
    app = restored_appearance
    window = open_window()
    light_window = app.palette().color(QPalette.ColorRole.Window).lightness()
    base_size = app.font().pointSizeF()
    dialog = AppearanceDialog(window.store, window)
    qtbot.addWidget(dialog)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.larger_text.setChecked(True)
    dialog.accept()
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 100 <= light_window
    assert app.font().pointSizeF() == pytest.approx(base_size * LARGER_TEXT_SCALE)
    assert Preferences.THEME.get(window.store) == "dark"
    assert Preferences.LARGER_TEXT.get(window.store) is True


def test_cancelling_the_appearance_dialog_puts_the_saved_look_back(qtbot, open_window, restored_appearance) -> None:
    app = restored_appearance
    window = open_window()
    base_size = app.font().pointSizeF()
    dialog = AppearanceDialog(window.store, window)
    qtbot.addWidget(dialog)
    dialog.larger_text.setChecked(True)
    assert app.font().pointSizeF() > base_size
    dialog.reject()
    assert app.font().pointSizeF() == pytest.approx(base_size)
    assert Preferences.LARGER_TEXT.get(window.store) is False


def test_an_unticked_box_stays_visible_in_the_dark_theme(qtbot, restored_appearance) -> None:
    """An empty check box in the guide or a table must not vanish into a dark background."""
    from PySide6.QtWidgets import QCheckBox

    apply_appearance(restored_appearance, "dark", False)
    box = QCheckBox()
    qtbot.addWidget(box)
    box.resize(box.sizeHint())
    image = box.grab().toImage()
    background = box.palette().color(QPalette.ColorRole.Window).lightness()
    brightest = max(image.pixelColor(x, y).lightness() for x in range(image.width()) for y in range(image.height()))
    assert brightest - background > 60
