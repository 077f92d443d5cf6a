"""Name fields offer what the notebook knows, and point out a new spelling close to a known one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.conftest import press


def _notebook_with_a_competitor(window) -> str:
    notebook = window.workspace.services.notebook
    account, change = notebook.create_account("Brasserie")
    window.workspace.notifier.publish(change)
    notebook.add_contact(account.id, "Jane Smith")
    visit, change = notebook.create_visit(account.id, title="Earlier", visited_on="2026-05-01")
    window.workspace.notifier.publish(change)
    notebook.add_finding(visit.id, "competitor_move", "Demo pump", {"competitor": "Aquaris"})
    visit, change = notebook.create_visit(account.id, title="Today", visited_on="2026-05-02")
    window.workspace.notifier.publish(change)
    return visit.id


# The offscreen platform cannot raise a popup or grab the keyboard for it; a desktop can.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_typing_the_start_of_a_known_competitor_completes_it(qtbot, open_window) -> None:
    window = open_window()
    visit_id = _notebook_with_a_competitor(window)
    window.workspace.names.refresh()
    qtbot.waitUntil(lambda: window.workspace.names.known("competitor") == ["Aquaris"], timeout=5000)
    window.workspace.editing.open(visit_id)
    window.workspace.editor.show_section("competitor_move")
    field = window.workspace.editor.sections["competitor_move"].quick_fields["competitor"]
    field.setFocus()
    qtbot.keyClicks(field, "aqu")
    completer = field.completer()
    qtbot.waitUntil(completer.popup().isVisible, timeout=3000)
    assert completer.currentCompletion() == "Aquaris"
    press(completer.popup(), Qt.Key.Key_Down)
    press(completer.popup(), Qt.Key.Key_Return)
    assert field.text() == "Aquaris"


def test_the_accounts_contacts_are_offered_where_a_person_is_meant(qtbot, open_window) -> None:
    window = open_window()
    visit_id = _notebook_with_a_competitor(window)
    window.workspace.editing.open(visit_id)
    qtbot.waitUntil(lambda: "Jane Smith" in window.workspace.names.known("person"), timeout=5000)
    assert window.workspace.names.known("person")[0] == "Jane Smith"


def test_a_new_spelling_close_to_a_known_competitor_is_pointed_out(qtbot, open_window) -> None:
    window = open_window()
    visit_id = _notebook_with_a_competitor(window)
    window.workspace.names.refresh()
    qtbot.waitUntil(lambda: window.workspace.names.known("competitor") == ["Aquaris"], timeout=5000)
    window.workspace.editing.open(visit_id)
    field = window.workspace.editor.sections["competitor_move"].quick_fields["competitor"]
    field.setText("Aquaries")
    with qtbot.waitSignal(window.workspace.names.newSpelling) as pointed_out:
        field.editingFinished.emit()
    assert pointed_out.args == ["competitor", "Aquaries", "Aquaris"]
    assert "Did you mean “Aquaris”" in field.toolTip()


def test_a_name_entered_in_one_visit_is_offered_in_the_next(qtbot, open_window) -> None:
    window = open_window()
    visit_id = _notebook_with_a_competitor(window)
    window.workspace.names.refresh()
    qtbot.waitUntil(lambda: window.workspace.names.known("competitor") == ["Aquaris"], timeout=5000)
    window.workspace.editing.open(visit_id)
    field = window.workspace.editor.sections["competitor_move"].quick_fields["competitor"]
    field.setText("Pumpwerk Stahl")
    field.editingFinished.emit()
    assert window.workspace.names.known("competitor") == ["Aquaris", "Pumpwerk Stahl"]
