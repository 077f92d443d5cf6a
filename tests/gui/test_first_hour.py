"""What a new user meets in the first hour: accounts of new visits, empty drafts, deleting and
undoing, the conflict count, labels, the shortcuts list and being asked their name."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from fieldnotes.services.session import Services
from fieldnotes.ui.main_window import MainWindow
from fieldnotes.ui.settings import Preferences
from fieldnotes.ui.sync_actions import ConflictsDialog, SyncSettingsDialog
from tests.gui.conftest import press


@pytest.fixture
def no_questions(monkeypatch):
    """Fail a test that asks the user to confirm with a message box."""

    def asked(*args, **kwargs):
        raise AssertionError(f"unexpected question: {args[1:3]}")

    monkeypatch.setattr(QMessageBox, "question", asked)


def _visit_in(window, title: str, account_name: str | None = None) -> str:
    notebook = window.workspace.services.notebook
    account_id = None
    if account_name:
        account, change = notebook.create_account(account_name)
        window.workspace.notifier.publish(change)
        account_id = account.id
    visit, change = notebook.create_visit(account_id, title=title, visited_on="2026-05-01")
    window.workspace.notifier.publish(change)
    return visit.id


def test_a_new_visit_does_not_take_the_open_visits_account(qtbot, open_window) -> None:
    window = open_window()
    earlier = _visit_in(window, "At the brewery", "Brasserie")
    window.workspace.editing.open(earlier)
    window.workspace.new_visit()
    assert window.workspace.editing.visit.id != earlier
    assert window.workspace.editing.visit.account_id is None


def test_a_new_visit_left_empty_is_not_kept(qtbot, open_window) -> None:
    window = open_window()
    kept = _visit_in(window, "At the brewery")
    window.workspace.new_visit()
    draft = window.workspace.editing.visit.id
    window.workspace.editing.open(kept)
    assert window.workspace.services.notebook.visit_count() == 1
    assert window.visit_list.model.row_of(draft) is None
    window.workspace.new_visit()
    written = window.workspace.editing.visit.id
    window.workspace.services.notebook.update_visit(written, summary="They want a trial.")
    window.workspace.editing.open(kept)
    assert window.workspace.services.notebook.visit(written).summary == "They want a trial."


def test_delete_in_the_list_deletes_the_visit_and_undo_puts_it_back(qtbot, open_window, no_questions) -> None:
    window = open_window()
    visit_id = _visit_in(window, "At the brewery", "Brasserie")
    notebook = window.workspace.services.notebook
    notebook.add_finding(visit_id, "need", "Quieter pumps", {"severity": 4})
    pane = window.visit_list
    pane.apply_query()
    assert pane.select_visit(visit_id)
    pane.table.setFocus()
    press(pane.table, Qt.Key.Key_Delete)
    assert notebook.visit_count() == 0
    assert "Deleted “At the brewery”" in window.statusBar().currentMessage()
    assert window.workspace.undo_delete_button.isVisibleTo(window)
    press(pane.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    restored = notebook.visit(visit_id)
    assert restored.title == "At the brewery"
    assert [finding.text for finding in restored.findings] == ["Quieter pumps"]
    assert pane.model.row_of(visit_id) is not None
    assert not window.workspace.undo_delete_button.isVisibleTo(window)


def test_deleting_from_the_menu_asks_nothing_and_the_status_line_offers_undo(qtbot, open_window, no_questions) -> None:
    window = open_window()
    visit_id = _visit_in(window, "At the brewery")
    window.workspace.editing.open(visit_id)
    window.actions_by_name["delete_visit"].trigger()
    assert window.workspace.services.notebook.visit_count() == 0
    qtbot.mouseClick(window.workspace.undo_delete_button, Qt.MouseButton.LeftButton)
    assert window.workspace.services.notebook.visit(visit_id).title == "At the brewery"


def test_the_team_folder_label_shows_its_access_key_not_an_ampersand(qtbot) -> None:
    dialog = SyncSettingsDialog("", 5)
    qtbot.addWidget(dialog)
    label = next(label for label in dialog.findChildren(QLabel) if label.text() == "Team &folder")
    assert label.buddy() is dialog.folder_edit


def test_the_shortcuts_list_has_every_shortcut_of_the_window(qtbot, open_window) -> None:
    window = open_window()
    keys = {keys for keys, _text in window.shortcut_rows()}
    for expected in ("Ctrl+E", "Ctrl+Shift+S", "Ctrl+Shift+A", "Ctrl+N", "Ctrl+F", "F9", "Ctrl+1"):
        assert any(expected in listed.split(" / ") for listed in keys), expected


def test_the_shortcuts_list_names_each_key_once_and_opens_with_f1(qtbot, open_window) -> None:
    window = open_window()
    rows = window.shortcut_rows()
    for keys, text in rows:
        listed = keys.split(" / ")
        assert len(listed) == len(set(listed)), (keys, text)
    assert ("F1", "Keyboard shortcuts") in rows
    redo = next(keys for keys, text in rows if text == "Redo")
    assert redo.split(" / ").count("Ctrl+Shift+Z") == 1



def test_the_team_lists_have_a_shortcut_of_their_own(qtbot, open_window) -> None:
    from PySide6.QtGui import QAction, QKeySequence

    window = open_window()
    assert window.actions_by_name["lists"].shortcut() == QKeySequence("Ctrl+Shift+L")
    assert ("Ctrl+Shift+L", "Offerings, competitors and stages") in window.shortcut_rows()
    owners: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for sequence in dict.fromkeys(key.toString() for key in action.shortcuts() if not key.isEmpty()):
            assert owners.setdefault(sequence, action.text()) == action.text(), sequence  # no key does two things


def test_the_shortcuts_list_fits_a_laptop_screen(qtbot, open_window) -> None:
    window = open_window()
    dialog = window.shortcuts_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    screen = window.screen().availableGeometry()
    assert dialog.height() <= screen.height() - 32 and dialog.width() <= screen.width(), dialog.size()
    text = dialog.findChild(QLabel).text()
    for keys, _text in window.shortcut_rows():
        assert keys in text


def test_the_first_start_asks_the_users_name_once(qtbot, open_window, monkeypatch) -> None:
    window = open_window()
    asked: list[str] = []

    def answer(suggested: str) -> str:
        asked.append(suggested)
        return "Anna Berg"

    monkeypatch.setattr(window.workspace, "ask_for_name", answer)
    window.workspace.welcome()
    window.workspace.welcome()
    assert asked == ["tester"]
    assert window.workspace.services.signature.name == "Anna Berg"
    assert Preferences.AUTHOR.get(window.store) == "Anna Berg"


def _laptop(qtbot, tmp_path: Path, name: str, team: Path) -> MainWindow:
    folder = tmp_path / name
    folder.mkdir()
    store = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    for setting, value in ((Preferences.SAMPLE_OFFERED, True), (Preferences.SYNC_FOLDER, str(team)),
                           (Preferences.AUTO_SYNC_MINUTES, 0), (Preferences.SYNC_ON_QUIT, False)):
        setting.set(store, value)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.attach(Services.open(folder / "notebook.db", author=name), folder / "notebook.db")
    return window


def test_a_conflict_names_the_laptops_and_the_status_line_stops_counting_it_once_resolved(
    qtbot, tmp_path: Path
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    anna, ben = _laptop(qtbot, tmp_path, "anna", team), _laptop(qtbot, tmp_path, "ben", team)
    try:
        def sync(window: MainWindow) -> None:
            with qtbot.waitSignal(window.workspace.sync.finished, timeout=30000):
                assert window.workspace.sync.sync_now()

        visit, _ = anna.workspace.services.notebook.create_visit(title="Debrief")
        sync(anna)
        sync(ben)
        anna.workspace.services.notebook.update_visit(visit.id, next_step="Trial")
        ben.workspace.services.notebook.update_visit(visit.id, next_step="Quote")
        sync(anna)
        sync(ben)
        assert "1 conflict needs review" in ben.workspace.sync.status.text()
        dialog = ConflictsDialog(ben.workspace.sync.sync_service, ben.workspace.operations, ben)
        qtbot.addWidget(dialog)
        dialog.resolved.connect(ben.workspace.sync._resolved)
        shown = " ".join(button.text() for button in dialog.choice_group.buttons())
        assert "ben on this laptop" in shown and "anna on anna’s laptop" in shown
        dialog.merged.setPlainText("Trial, then a quote")
        dialog.resolve_current()
        assert "conflict" not in ben.workspace.sync.status.text()
    finally:
        for window in (anna, ben):
            window.close()
            window.workspace.services.close()


def test_an_overdue_follow_up_is_marked_in_its_section(qtbot, open_window) -> None:
    window = open_window()
    visit_id = _visit_in(window, "At the brewery")
    notebook = window.workspace.services.notebook
    notebook.add_finding(visit_id, "follow_up", "Send the quote", {"owner": "Ben", "due_on": "2020-01-31"})
    notebook.add_finding(visit_id, "follow_up", "Book the trial", {"owner": "Ben", "due_on": "2020-01-31",
                                                                   "done": True})
    notebook.add_finding(visit_id, "follow_up", "Call back", {"owner": "Ben", "due_on": "2999-01-31"})
    window.workspace.editing.open(visit_id)
    model = window.workspace.editor.sections["follow_up"].model
    due = model.column_of("due_on")
    shown = {model.finding(row).text: model.data(model.index(row, due)) for row in range(model.rowCount())}
    assert shown == {"Send the quote": "2020-01-31 · overdue", "Book the trial": "2020-01-31",
                     "Call back": "2999-01-31"}
    overdue_row = next(row for row in range(3) if model.finding(row).text == "Send the quote")
    assert model.data(model.index(overdue_row, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert "Overdue" in model.data(model.index(overdue_row, 0), Qt.ItemDataRole.ToolTipRole)
