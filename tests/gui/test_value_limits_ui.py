"""Values over the limits are refused in the app by a line in the status bar, keeping what was typed."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from fieldnotes.domain.limits import MAX_AUTHOR_CHARS, MAX_TEXT_CHARS


def test_a_note_over_the_limit_shows_why_in_the_status_line_and_keeps_the_typed_text(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    notes = window.workspace.editor.text_fields["notes"]
    too_long = ("n" * 99 + "\n") * (MAX_TEXT_CHARS // 100) + "n"  # in lines: one long line lays out slowly
    notes.setPlainText(too_long)
    assert window.workspace.editing.flush() is False
    assert "notes: 1,000,001 characters is too long" in window.statusBar().currentMessage()
    assert notes.toPlainText() == too_long
    assert window.workspace.services.notebook.visit(window.workspace.editing.visit.id).notes == ""
    notes.setPlainText("short again")
    assert window.workspace.editing.flush() is True


def test_a_name_over_the_limit_is_refused_in_the_status_line_and_the_old_name_stays(
    qtbot, open_window, monkeypatch
) -> None:
    window = open_window()
    monkeypatch.setattr(QInputDialog, "getText", lambda *_args, **_kwargs: ("a" * (MAX_AUTHOR_CHARS + 1), True))
    window.actions_by_name["author"].trigger()
    assert "Your name: 201 characters is too long" in window.statusBar().currentMessage()
    assert window.workspace.services.signature.name == "tester"
