"""Capturing a visit through the real widgets: typed, saved without a save button, found again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldnotes.domain.model import FINDING_KINDS
from fieldnotes.ui.editing import MAX_UNSAVED_MS
from fieldnotes.ui.visit_list import VisitListModel
from tests.gui.conftest import close_window, press, type_text


def _visit_in_database(window, visit_id):
    return window.workspace.services.notebook.visit(visit_id)


def test_typed_visit_is_saved_and_found_after_restart(qtbot, open_window) -> None:
    window = open_window()
    account, change = window.workspace.services.notebook.create_account("Müller Abfülltechnik GmbH")
    window.workspace.notifier.publish(change)

    window.actions_by_name["new_visit"].trigger()
    visit_id = window.workspace.editing.visit.id
    title = window.workspace.editor.text_fields["title"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is title)
    qtbot.keyClicks(title, "Ride-along: filling line retrofit")
    window.workspace.editor.account_combo.setCurrentIndex(window.workspace.editor.account_combo.findData(account.id))
    window.workspace.editor.account_combo.activated.emit(window.workspace.editor.account_combo.currentIndex())
    qtbot.keyClicks(window.workspace.editor.text_fields["summary"], "Seal failures stop line three twice a month")

    window.workspace.editor.show_section("need")
    quick = window.workspace.editor.sections["need"].quick_text
    qtbot.keyClicks(quick, "Seal failures stop the line")
    qtbot.keyClick(quick, Qt.Key.Key_Return)
    qtbot.keyClicks(quick, "Spare parts take three weeks")
    qtbot.keyClick(quick, Qt.Key.Key_Return)
    assert quick.text() == ""

    qtbot.waitUntil(lambda: not window.workspace.editing.has_unsaved_edits, timeout=MAX_UNSAVED_MS + 1000)
    stored = _visit_in_database(window, visit_id)
    assert stored.title == "Ride-along: filling line retrofit"
    assert stored.summary == "Seal failures stop line three twice a month"
    assert stored.account_id == account.id
    assert [f.text for f in stored.findings_of("need")] == [
        "Seal failures stop the line", "Spare parts take three weeks"
    ]
    close_window(window)

    reopened = open_window()
    qtbot.keyClicks(reopened.visit_list.search_box, "seal failu")
    reopened.visit_list.apply_query()
    assert reopened.visit_list.model.rowCount() == 1
    reopened.visit_list.table.setCurrentIndex(reopened.visit_list.model.index(0, 0))
    assert reopened.workspace.editing.visit.id == visit_id
    assert reopened.workspace.editor.text_fields["title"].text() == "Ride-along: filling line retrofit"
    assert reopened.workspace.editor.sections["need"].model.rowCount() == 2


def test_edits_are_written_within_a_second_even_while_typing_on(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    notes = window.workspace.editor.text_fields["notes"]
    qtbot.keyClicks(notes, "first words")
    # Keep typing without a pause: the deadline still forces a write.
    for _ in range(6):
        qtbot.keyClicks(notes, " more")
        qtbot.wait(200)
    stored = window.workspace.services.notebook.visit(window.workspace.editing.visit.id)
    assert stored.notes.startswith("first words more")


def test_any_script_can_be_typed_and_is_stored_exactly(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    text = "Ζήτησαν δείγμα · Заказ в марте · 下周发样品 · عرض سعر جديد · <b>&amp; “AT&T” 🙂"
    type_text(window.workspace.editor.text_fields["summary"], text)
    window.workspace.editing.flush()
    assert window.workspace.services.notebook.visit(window.workspace.editing.visit.id).summary == text


def test_undo_and_redo_run_across_the_whole_visit(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    visit_id = window.workspace.editing.visit.id
    title = window.workspace.editor.text_fields["title"]
    qtbot.keyClicks(title, "Trade fair debrief")
    window.workspace.editing.flush()
    section = window.workspace.editor.sections["objection"]
    window.workspace.editor.show_section("objection")
    qtbot.keyClicks(section.quick_text, "Too expensive")
    qtbot.keyClick(section.quick_text, Qt.Key.Key_Return)
    section.table.setCurrentIndex(section.model.index(0, 0))
    section.delete_selected()
    assert window.workspace.services.notebook.visit(visit_id).findings == []

    title.setFocus()
    press(title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the deletion
    assert [f.text for f in window.workspace.services.notebook.visit(visit_id).findings] == ["Too expensive"]
    press(title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the addition
    assert window.workspace.services.notebook.visit(visit_id).findings == []
    press(title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the title
    assert window.workspace.services.notebook.visit(visit_id).title == ""
    assert title.text() == ""
    press(title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.workspace.services.notebook.visit(visit_id).title == "Trade fair debrief"
    assert title.text() == "Trade fair debrief"
    window.redo_action.trigger()
    assert [f.text for f in window.workspace.services.notebook.visit(visit_id).findings] == ["Too expensive"]
    assert section.model.rowCount() == 1


def test_findings_are_reordered_and_edited_in_the_table(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    section = window.workspace.editor.sections["need"]
    severity = section.quick_fields["severity"]
    for text, level in (("Downtime", 5), ("Paperwork", 2), ("Training", 3)):
        section.quick_text.setText(text)
        severity.setValue(level)
        section.add_from_quick_row()
    window.workspace.editor.show_section("need", focus=False)
    section.table.setCurrentIndex(section.model.index(2, 0))
    section.table.setFocus()
    qtbot.waitUntil(section.table.hasFocus)
    qtbot.keyClick(section.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    visit = window.workspace.services.notebook.visit(window.workspace.editing.visit.id)
    assert [(f.text, f.get("severity")) for f in visit.findings_of("need")] == [
        ("Downtime", 5), ("Training", 3), ("Paperwork", 2)
    ]
    assert section.model.setData(section.model.index(0, section.model.column_of("quote")), "It costs us a shift")
    assert section.model.setData(
        section.model.index(1, section.model.column_of("is_new")),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    visit = window.workspace.services.notebook.visit(window.workspace.editing.visit.id)
    assert visit.findings_of("need")[0].get("quote") == "It costs us a shift"
    assert visit.findings_of("need")[1].get("is_new") is True


def test_every_section_is_one_keystroke_away(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    for kind in FINDING_KINDS:
        window.actions_by_name[f"section_{kind.key}"].trigger()
        assert window.workspace.editor.current_section() == kind.key
        qtbot.waitUntil(lambda k=kind.key: QApplication.focusWidget() is window.workspace.editor.sections[k].quick_text)
    window.actions_by_name["section_overview"].trigger()
    assert window.workspace.editor.current_section() == "overview"


def test_guide_prompts_are_ticked_and_lead_to_their_section(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    items = window.workspace.guide_panel.prompt_items()
    competitor_prompt = next(i for i in items if i.data(0, Qt.ItemDataRole.UserRole + 1) == "competitor_move")
    competitor_prompt.setCheckState(0, Qt.CheckState.Checked)
    prompt_id = competitor_prompt.data(0, Qt.ItemDataRole.UserRole)
    assert prompt_id in window.workspace.services.notebook.visit(window.workspace.editing.visit.id).covered_prompts
    assert "1 of" in window.workspace.guide_panel.progress.text()
    window.workspace.guide_panel.tree.itemActivated.emit(competitor_prompt, 0)
    assert window.workspace.editor.current_section() == "competitor_move"


def test_visit_list_filters_and_models_behave(qtbot, qtmodeltester, open_window) -> None:
    window = open_window()
    notebook = window.workspace.services.notebook
    acme, _ = notebook.create_account("Acme")
    other, _ = notebook.create_account("Other")
    for day in range(1, 8):
        _visit, change = notebook.create_visit(acme.id if day % 2 else other.id, title=f"Visit {day}",
                                               visited_on=f"2026-05-0{day}")
        window.workspace.notifier.publish(change)
    pane = window.visit_list
    assert pane.model.rowCount() == 7
    assert pane.model.data(pane.model.index(0, 1)) == "Visit 7"  # newest first
    pane.account_filter.setCurrentIndex(pane.account_filter.findData(acme.id))
    assert pane.model.rowCount() == 4
    assert pane.count_label.text() == "4 visits"
    qtmodeltester.check(pane.model)
    window.workspace.editing.open(pane.model.data(pane.model.index(0, 0), VisitListModel.VisitIdRole))
    section = window.workspace.editor.sections["need"]
    section.quick_text.setText("Something")
    section.add_from_quick_row()
    qtmodeltester.check(section.model)


def test_window_layout_is_remembered(qtbot, open_window) -> None:
    window = open_window()
    window.guide_dock.hide()
    QApplication.processEvents()  # the splitter takes the dock's room first
    window.splitter.setSizes([400, window.splitter.width() - 400])
    sizes = window.splitter.sizes()
    close_window(window)
    reopened = open_window()
    assert reopened.guide_dock.isHidden()
    assert reopened.splitter.sizes()[0] == sizes[0]  # the list keeps its width; the editor takes the rest
