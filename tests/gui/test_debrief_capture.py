"""A debrief captured with the keyboard: its ride-along picked, the next step's stage and date set,
and the guide that fits each kind of visit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldnotes.domain.model import VisitKind
from fieldnotes.domain.terms import DEFAULT_STAGES
from tests.gui.test_keyboard_capture import CTRL, Keyboard


def _stored(window):
    return window.workspace.services.notebook.visit(window.workspace.editing.visit.id)


# The picker's list of matches is a popup, which offscreen Qt can neither raise nor let grab the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_a_debrief_is_captured_from_the_keyboard_with_its_ride_along_stage_and_date(qtbot, open_window) -> None:
    window = open_window()
    services = window.workspace.services
    notebook = services.notebook
    account, change = notebook.create_account("Brauerei Nord")
    window.workspace.notifier.publish(change)
    elsewhere, change = notebook.create_account("Stadtwerke Kiel")
    window.workspace.notifier.publish(change)
    ride, change = notebook.create_visit(account.id, kind="ride_along", title="Ride-along with Jana",
                                         visited_on="2026-09-01T09:00")
    window.workspace.notifier.publish(change)
    other, change = notebook.create_visit(elsewhere.id, kind="ride_along", title="Ride-along in Kiel",
                                          visited_on="2026-09-02T09:00")
    window.workspace.notifier.publish(change)
    keys = Keyboard(qtbot)
    editor = window.workspace.editor

    keys.press(Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.text_fields["title"])
    keys.type("Debrief with Jana")
    keys.tab()
    keys.type("B")  # the account, by its first letter
    keys.tab(2)
    assert keys.focused() is editor.kind_combo
    assert not editor.debrief_picker.isVisible()  # a customer visit debriefs nothing
    keys.press(Qt.Key.Key_End)  # the last kind: debrief
    assert _stored(window).kind is VisitKind.DEBRIEF
    assert _stored(window).guide_id == services.guides.guide_id_for_kind(VisitKind.DEBRIEF)
    assert window.workspace.guide_panel.guide_combo.currentText() == "Debrief guide"

    keys.tab()
    assert editor.debrief_picker.isVisible()
    assert editor.debrief_picker.isAncestorOf(keys.focused()) or keys.focused() is editor.debrief_picker
    # The account's ride-along first, then the others.
    offered = [editor.debrief_picker.itemData(i) for i in range(1, editor.debrief_picker.count())]
    assert offered == [ride.id, other.id]
    keys.type("jana")  # part of the title finds it
    popup = editor.debrief_picker.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    # While the list of matches is open, the keyboard talks to it, as on a real screen.
    assert QApplication.activePopupWidget() is popup
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _stored(window).debrief_of == ride.id)
    # A window system gives the window back its activation when the list closes; offscreen Qt does not.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.wait(50)  # the activation's own events, which give the focus back to the picker
    assert keys.focused() is editor.debrief_picker
    assert editor.link_banner.isVisible() and "Debrief of: " in editor.link_banner.text()
    assert "Ride-along with Jana, 2026-09-01" in editor.link_banner.text()

    keys.tab()
    assert keys.focused() is editor.date_edit
    keys.type("2026-09-01 16:00")
    keys.tab()
    for name in ("salesperson", "attendees", "objective", "summary", "notes", "next_step"):
        assert keys.focused() is editor.text_fields[name], f"Tab did not reach {name}"
        keys.type(f"typed {name}")
        keys.tab()
    assert keys.focused() is editor.stage_combo
    keys.press(Qt.Key.Key_Down)  # from "(no stage)" to the funnel's first stage
    keys.press(Qt.Key.Key_Down)
    keys.tab()
    assert keys.focused() is editor.due_edit
    keys.type("2026-12-10")
    keys.tab()

    qtbot.waitUntil(lambda: not window.workspace.editing.has_unsaved_edits)
    debrief = _stored(window)
    assert (debrief.debrief_of, debrief.next_step_stage, debrief.next_step_due) == (
        ride.id, DEFAULT_STAGES[1], "2026-12-10")
    assert debrief.next_step == "typed next_step"

    # Ctrl+L opens the ride-along, which names its debrief; Ctrl+L again comes back.
    keys.press(Qt.Key.Key_L, CTRL)
    assert window.workspace.editing.visit.id == ride.id
    assert "Debriefed in: " in editor.link_banner.text() and "Debrief with Jana" in editor.link_banner.text()
    assert not editor.debrief_picker.isVisible()
    keys.press(Qt.Key.Key_L, CTRL)
    assert window.workspace.editing.visit.id == debrief.id

    # The date and the stage are undone like any other field, last first.
    stack = window.workspace.editing.stack
    stack.undo()
    assert _stored(window).next_step_due is None and editor.due_edit.text() == ""
    stack.undo()
    assert _stored(window).next_step_stage == "" and editor.stage_combo.currentIndex() == 0


def test_changing_the_kind_switches_the_guide_until_a_prompt_is_ticked(qtbot, open_window) -> None:
    window = open_window()
    guides = window.workspace.services.guides
    window.actions_by_name["new_visit"].trigger()
    editor, panel = window.workspace.editor, window.workspace.guide_panel
    assert _stored(window).guide_id == guides.guide_id_for_kind(VisitKind.CUSTOMER_VISIT)

    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("ride_along"))
    editor.kind_combo.activated.emit(editor.kind_combo.currentIndex())
    assert _stored(window).guide_id == guides.guide_id_for_kind(VisitKind.RIDE_ALONG)
    assert panel.guide_combo.currentText() == "Ride-along guide"
    window.workspace.editing.stack.undo()  # one step puts back the kind and the guide
    assert (_stored(window).kind, panel.guide_combo.currentText()) == (VisitKind.CUSTOMER_VISIT,
                                                                        "Customer visit guide")
    window.workspace.editing.stack.redo()
    assert panel.guide_combo.currentText() == "Ride-along guide"

    panel.prompt_items()[0].setCheckState(0, Qt.CheckState.Checked)
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("event"))
    editor.kind_combo.activated.emit(editor.kind_combo.currentIndex())
    assert _stored(window).kind is VisitKind.EVENT
    assert panel.guide_combo.currentText() == "Ride-along guide"  # the ticks stay with their guide


def test_a_stage_the_list_does_not_hold_is_still_shown(qtbot, open_window) -> None:
    window = open_window()
    notebook = window.workspace.services.notebook
    visit, change = notebook.create_visit(title="Old visit")
    notebook.update_visit(visit.id, next_step_stage="Verbal yes")
    window.workspace.notifier.publish(change)
    window.workspace.open_visit(visit.id)
    assert window.workspace.editor.stage_combo.currentText() == "Verbal yes"


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_typing_after_escape_in_the_ride_along_picker_replaces_the_text(qtbot) -> None:
    """Escape puts back "(none)" selected: the next letters start a new search, not "Ride(none)"."""
    from fieldnotes.domain.model import VisitLink
    from fieldnotes.ui.visit_links import NO_VISIT, DebriefPicker

    picker = DebriefPicker()
    qtbot.addWidget(picker)
    ride = VisitLink(id="ride", title="Ride-along with Jana", kind=VisitKind.RIDE_ALONG, visited_on="2026-09-01T09:00",
                     account_name="Brauerei Nord")
    picker.set_choices([ride], None)
    picker.show()
    line = picker.lineEdit()
    line.setFocus()
    qtbot.keyClicks(line, "xyz")
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    assert line.text() == NO_VISIT and line.selectedText() == NO_VISIT
    qtbot.keyClicks(line, "Ride")
    assert line.text() == "Ride"
