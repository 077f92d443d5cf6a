"""Team sync from the app: settings, the status bar, and resolving a conflict through the dialog."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog

from fieldnotes.services.session import Services
from fieldnotes.ui.main_window import MainWindow
from fieldnotes.ui.settings import Preferences
from fieldnotes.ui.sync_actions import ConflictsDialog


@pytest.fixture
def laptop(qtbot, tmp_path: Path):
    """Open a window on a laptop of its own: a new notebook (so its own site id) and settings."""
    windows: list[MainWindow] = []

    def open_laptop(name: str, team_folder: Path) -> MainWindow:
        folder = tmp_path / name
        folder.mkdir()
        store = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        Preferences.SAMPLE_OFFERED.set(store, True)
        Preferences.SYNC_FOLDER.set(store, str(team_folder))
        Preferences.AUTO_SYNC_MINUTES.set(store, 0)
        Preferences.SYNC_ON_QUIT.set(store, False)
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.show()
        window.attach(Services.open(folder / "notebook.db", author=name), folder / "notebook.db")
        windows.append(window)
        return window

    yield open_laptop
    for window in windows:
        window.workspace.services.close()


def _sync(qtbot, window: MainWindow):
    with qtbot.waitSignal(window.workspace.sync.finished, timeout=30000) as outcome:
        assert window.workspace.sync.sync_now()
    return outcome.args[0]


def test_sync_reports_in_the_status_bar_and_brings_colleagues_visits(qtbot, laptop, tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    anna = laptop("anna", team)
    ben = laptop("ben", team)
    visit, change = anna.workspace.services.notebook.create_visit(title="Ride-along at Nordic Pumps")
    anna.workspace.notifier.publish(change)
    report = _sync(qtbot, anna)
    assert report.sent > 0
    assert anna.workspace.sync.status.text().startswith("Synced")
    _sync(qtbot, ben)
    assert ben.visit_list.model.rowCount() == 1
    assert ben.workspace.services.notebook.visit(visit.id).title == "Ride-along at Nordic Pumps"


def test_a_missing_team_folder_is_a_status_message_not_an_error(qtbot, laptop, tmp_path: Path) -> None:
    window = laptop("anna", tmp_path / "unplugged-drive")
    error = _sync(qtbot, window)
    assert "unreachable" in str(error) or "not reachable" in str(error)
    assert window.workspace.sync.status.text().startswith("Sync failed")
    assert window.workspace.services.notebook.visit_count() == 0


def test_same_field_edited_on_two_laptops_is_resolved_through_the_dialog(qtbot, laptop, tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    anna = laptop("anna", team)
    ben = laptop("ben", team)
    visit, _ = anna.workspace.services.notebook.create_visit(title="Debrief")
    _sync(qtbot, anna)
    _sync(qtbot, ben)
    anna.workspace.services.notebook.update_visit(visit.id, next_step="Trial on line 3 in January")
    ben.workspace.services.notebook.update_visit(visit.id, next_step="Quote for two seal kits")
    _sync(qtbot, anna)
    _sync(qtbot, ben)
    _sync(qtbot, anna)
    for window in (anna, ben):
        assert window.workspace.sync.review_button.isVisibleTo(window)
        assert window.workspace.sync.sync_service.open_conflict_count() == 1

    dialog = ConflictsDialog(ben.workspace.sync.sync_service, ben.workspace.operations, ben)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1
    values = {button.text().split("\n")[0] for button in dialog.choice_group.buttons()}
    assert values == {"Trial on line 3 in January", "Quote for two seal kits"}
    dialog.merged.setPlainText("Trial on line 3 in January, then a quote for two seal kits")
    with qtbot.waitSignal(dialog.resolved):
        dialog.resolve_current()
    assert dialog.list.count() == 0
    _sync(qtbot, ben)
    _sync(qtbot, anna)
    for window in (anna, ben):
        next_step = window.workspace.services.notebook.visit(visit.id).next_step
        assert next_step == "Trial on line 3 in January, then a quote for two seal kits"
        assert window.workspace.sync.sync_service.open_conflict_count() == 0
        assert not window.workspace.sync.review_button.isVisibleTo(window)


def test_quitting_syncs_first_when_the_team_folder_is_reachable(qtbot, laptop, tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    anna = laptop("anna", team)
    Preferences.SYNC_ON_QUIT.set(anna.store, True)
    anna.workspace.services.notebook.create_visit(title="Written just before quitting")
    with qtbot.waitSignal(anna.workspace.sync.finished, timeout=30000):
        assert not anna.close()  # the window waits for the sync
    qtbot.waitUntil(lambda: not anna.isVisible())
    assert any(team.glob("sites/*/*.sha256"))


def _newest_author(database: Path, record_id: str, field: str) -> str:
    """Who signed the newest version of one field of one record, as every laptop will see it."""
    connection = sqlite3.connect(database)
    try:
        row = connection.execute(
            "SELECT author FROM record_version WHERE record_id = ? AND json_type(fields, '$.' || ?) IS NOT NULL"
            " ORDER BY hlc DESC LIMIT 1",
            (record_id, field),
        ).fetchone()
    finally:
        connection.close()
    return row[0]


def test_after_renaming_yourself_sync_signs_your_changes_with_the_new_name(
    qtbot, laptop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A colleague sees the name chosen under Edit › Your name on a resolved conflict and on a deletion."""
    team = tmp_path / "team"
    team.mkdir()
    anna = laptop("anna", team)
    ben = laptop("ben", team)
    visit, _ = anna.workspace.services.notebook.create_visit(title="Debrief")
    doomed, _ = anna.workspace.services.notebook.create_visit(title="Entered twice by mistake")
    _sync(qtbot, anna)
    _sync(qtbot, ben)
    anna.workspace.services.notebook.update_visit(visit.id, next_step="Trial on line 3 in January")
    ben.workspace.services.notebook.update_visit(visit.id, next_step="Quote for two seal kits")
    _sync(qtbot, anna)
    _sync(qtbot, ben)

    monkeypatch.setattr(QInputDialog, "getText", lambda *_args, **_kwargs: ("Ben Okafor", True))
    ben.actions_by_name["author"].trigger()
    dialog = ConflictsDialog(ben.workspace.sync.sync_service, ben.workspace.operations, ben)
    qtbot.addWidget(dialog)
    dialog.merged.setPlainText("Trial first, then the quote")
    with qtbot.waitSignal(dialog.resolved):
        dialog.resolve_current()
    ben.workspace.services.notebook.delete_visit(doomed.id)
    _sync(qtbot, ben)
    _sync(qtbot, anna)

    anna_database = tmp_path / "anna" / "notebook.db"
    assert anna.workspace.services.notebook.visit(visit.id).next_step == "Trial first, then the quote"
    assert _newest_author(anna_database, visit.id, "next_step") == "Ben Okafor"
    assert _newest_author(anna_database, doomed.id, "_exists") == "Ben Okafor"


def _empty(folder: Path) -> None:
    import shutil

    for child in folder.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()


def test_an_emptied_team_folder_is_recreated_only_after_the_user_confirms(qtbot, laptop, tmp_path: Path,
                                                                         monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from fieldnotes.services.sync import FolderUnreachable

    team = tmp_path / "team"
    team.mkdir()
    anna = laptop("anna", team)
    anna.workspace.services.notebook.create_visit(title="Kept through an emptied folder")
    _sync(qtbot, anna)
    _empty(team)
    sync = anna.workspace.sync
    assert sync.recreate_button.isHidden()
    assert isinstance(_sync(qtbot, anna), FolderUnreachable)
    assert sync.recreate_button.isVisibleTo(anna)
    asked: list[str] = []

    def answer(reply):
        def ask(_parent, _title, text, *_args):
            asked.append(text)
            return reply
        return ask

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    qtbot.mouseClick(sync.recreate_button, Qt.MouseButton.LeftButton)
    assert "team.json" in asked[0] and "not connected" in asked[0]
    assert list(team.iterdir()) == []  # cancelled: nothing written
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(sync.finished, timeout=30000) as outcome:
        qtbot.mouseClick(sync.recreate_button, Qt.MouseButton.LeftButton)
    assert outcome.args[0].sent > 0
    assert (team / "team.json").is_file()
    assert sync.recreate_button.isHidden()
    ben = laptop("ben", team)
    _sync(qtbot, ben)
    assert ben.workspace.services.notebook.visit_count() == 1
