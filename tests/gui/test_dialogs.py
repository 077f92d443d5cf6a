"""Accounts, contacts and guides are edited in their dialogs; import and export run in the background."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from fieldnotes.ui.accounts_dialog import AccountsDialog
from fieldnotes.ui.guide_editor import GuideEditorDialog


def test_accounts_and_contacts_are_edited_and_saved_as_typed(qtbot, open_window, monkeypatch) -> None:
    window = open_window()
    notebook = window.workspace.services.notebook
    account, _ = notebook.create_account("Nordic Pumps")
    dialog = AccountsDialog(notebook, window.workspace.operations, window, account.id)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Nordic Pumps AB")
    dialog.name_edit.editingFinished.emit()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("channel_partner"))
    dialog.kind_combo.activated.emit(dialog.kind_combo.currentIndex())
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Sara Lind", True))
    dialog._add_contact()
    dialog.contacts.item(0, 1).setText("Purchasing lead")
    role_combo = dialog.contacts.cellWidget(0, 2)
    role_combo.setCurrentIndex(role_combo.findData("decision_maker"))
    role_combo.activated.emit(role_combo.currentIndex())

    stored = notebook.account(account.id)
    assert (stored.name, stored.kind.value) == ("Nordic Pumps AB", "channel_partner")
    assert [(c.name, c.role, c.buying_role.value) for c in stored.contacts] == [
        ("Sara Lind", "Purchasing lead", "decision_maker")
    ]
    assert window.workspace.editor.account_combo.findText("Nordic Pumps AB") >= 0  # other views followed


def test_an_account_with_visits_is_not_deleted(qtbot, open_window, monkeypatch) -> None:
    window = open_window()
    notebook = window.workspace.services.notebook
    account, _ = notebook.create_account("Acme")
    notebook.create_visit(account.id, title="Kick-off")
    dialog = AccountsDialog(notebook, window.workspace.operations, window, account.id)
    qtbot.addWidget(dialog)
    warnings = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    dialog._delete_account()
    assert notebook.account(account.id).name == "Acme"
    assert "1 visit" in warnings[0]


def test_guides_are_copied_edited_and_used_by_the_panel(qtbot, open_window, monkeypatch) -> None:
    window = open_window()
    guides = window.workspace.services.guides
    default = guides.guides()[0]
    dialog = GuideEditorDialog(guides, window.workspace.operations, window, default.id)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Trade fair guide", True))
    dialog._copy_guide()
    copy = next(g for g in guides.guides() if g.name == "Trade fair guide")
    assert len(copy.prompts) == len(default.prompts)
    dialog.new_section.setCurrentIndex(dialog.new_section.findData("competitor_move"))
    dialog.new_text.setText("Which stands drew the biggest crowds?")
    dialog._add_prompt()
    dialog.prompts.setCurrentItem(dialog.prompts.topLevelItem(dialog.prompts.topLevelItemCount() - 1))
    dialog._move(-1)
    prompts = guides.guide(copy.id).prompts
    assert prompts[-2].text == "Which stands drew the biggest crowds?"
    assert prompts[-2].section == "competitor_move"
    assert window.workspace.guide_panel.guide_combo.findText("Trade fair guide") >= 0


def test_export_and_import_run_in_the_background(qtbot, open_window, tmp_path: Path, monkeypatch) -> None:
    window = open_window()
    visit, change = window.workspace.services.notebook.create_visit(title="Exported visit")
    window.workspace.notifier.publish(change)
    target = tmp_path / "everything.json"
    monkeypatch.setattr(window, "choose_file", lambda *args, **kwargs: target)
    window.workspace.export_json()
    qtbot.waitUntil(target.exists, timeout=10000)
    document = json.loads(target.read_text(encoding="utf-8"))
    assert [v["title"] for v in document["visits"]] == ["Exported visit"]

    document["visits"][0]["title"] = "Imported back, edited"
    target.write_text(json.dumps(document), encoding="utf-8")
    window.workspace.import_json()
    qtbot.waitUntil(
        lambda: window.workspace.services.notebook.visit(visit.id).title == "Imported back, edited", timeout=10000
    )
    qtbot.waitUntil(
        lambda: window.visit_list.model.data(window.visit_list.model.index(0, 1)) == "Imported back, edited"
    )


def test_a_malformed_import_file_is_explained_and_changes_nothing(
    qtbot, open_window, tmp_path: Path, monkeypatch
) -> None:
    window = open_window()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "fieldnotes", "version": 1, "accounts": [', encoding="utf-8")
    monkeypatch.setattr(window, "choose_file", lambda *args, **kwargs: bad)
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: messages.append(args[2]))
    window.workspace.import_json()
    qtbot.waitUntil(lambda: bool(messages), timeout=10000)
    assert "bad.json" in messages[0] and "line 1" in messages[0]
    assert window.workspace.services.notebook.visit_count() == 0


def test_a_first_start_offers_the_sample_team_once(qtbot, open_window, monkeypatch) -> None:
    from fieldnotes.ui.settings import Preferences

    window = open_window()
    Preferences.SAMPLE_OFFERED.set(window.store, False)
    asked = []
    monkeypatch.setattr(window.workspace, "ask_to_load_sample", lambda: asked.append(True) or True)
    window.workspace.offer_sample()
    qtbot.waitUntil(lambda: window.visit_list.model.rowCount() > 10, timeout=20000)
    assert window.workspace.editing.visit is not None  # the newest sample visit is open, not a grey box
    window.workspace.offer_sample()
    assert asked == [True]


def test_a_vcard_dropped_on_the_accounts_window_adds_its_contacts_with_undo(qtbot, open_window) -> None:
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    cards = Path(__file__).resolve().parents[1] / "fixtures" / "vcards"
    window = open_window()
    notebook = window.workspace.services.notebook
    account, _ = notebook.create_account("Łódź Packaging")
    dialog = AccountsDialog(notebook, window.workspace.operations, window, account.id,
                            vcards=window.workspace.services.vcards)
    qtbot.addWidget(dialog)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(cards / "iphone-export.vcf"))])
    drop = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    dialog.dropEvent(drop)
    assert {c.name for c in notebook.account(account.id).contacts} == {"Zofia Nowak", "Marek"}
    assert dialog.contacts.rowCount() == 2
    assert "2 new contacts" in dialog.import_status.text()
    assert dialog.undo_import_button.isVisibleTo(dialog)
    dialog.undo_import_button.click()
    assert notebook.account(account.id).contacts == []
    assert dialog.contacts.rowCount() == 0

    dialog.import_cards(cards / "malformed-second-card.vcf")
    assert dialog.import_status.text().startswith("Nothing imported:")
    assert "card 2 (Piet Broken)" in dialog.import_status.text()
    assert notebook.account(account.id).contacts == []


def test_file_export_writes_spreadsheet_folders_in_the_background(qtbot, open_window, tmp_path: Path,
                                                                   monkeypatch) -> None:
    window = open_window()
    account, _ = window.workspace.services.notebook.create_account("=Acme")
    window.workspace.services.notebook.create_visit(account.id, title="Kick-off")
    for name, first_file in (("export_csv", "visits.csv"), ("export_hubspot", "notes.csv"),
                             ("export_salesforce", "visit_tasks.csv")):
        folder = tmp_path / name
        monkeypatch.setattr(window, "choose_folder", lambda *args, target=folder: target)
        window.actions_by_name[name].trigger()
        qtbot.waitUntil((folder / first_file).exists, timeout=10000)
    assert "'=Acme" in (tmp_path / "export_csv" / "accounts.csv").read_text(encoding="utf-8-sig")
    menu = window.findChild(QMenu, "exportMenu")
    assert [action.objectName() for action in menu.actions()] == ["export_csv", "export_hubspot", "export_salesforce"]
