"""A whole visit captured with the keyboard alone: every key goes where the user expects."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from fieldnotes.domain.model import FINDING_KINDS
from fieldnotes.domain.typed_dates import parse_date_text
from fieldnotes.ui.field_widgets import DateField

CTRL = Qt.KeyboardModifier.ControlModifier


class Keyboard:
    """Sends every key to whatever widget has the focus, through Qt's shortcut handling."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot

    def focused(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "the keyboard focus went nowhere"
        return widget

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.focused(), key, modifiers)
        QApplication.processEvents()  # a cell editor commits on the next turn of the event loop

    def type(self, text: str) -> None:
        for character in text:  # each to the widget that has the focus then, as a keyboard does
            self.qtbot.keyClicks(self.focused(), character)

    def tab(self, times: int = 1) -> None:
        for _ in range(times):
            self.press(Qt.Key.Key_Tab)


def _stored(window):
    return window.workspace.services.notebook.visit(window.workspace.editing.visit.id)


def test_a_whole_visit_is_captured_from_the_keyboard_alone(qtbot, open_window, tmp_path: Path) -> None:
    window = open_window()
    notebook = window.workspace.services.notebook
    account, change = notebook.create_account("Brauerei Nord")
    window.workspace.notifier.publish(change)
    contact, change = notebook.add_contact(account.id, "Jana Brandt", role="Brewmaster")
    window.workspace.notifier.publish(change)
    keys = Keyboard(qtbot)
    editor = window.workspace.editor

    keys.press(Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.text_fields["title"])
    keys.type("Brewery line audit")
    keys.tab()
    assert keys.focused() is editor.account_combo
    keys.type("B")  # picks the account by its first letter
    keys.tab(2)  # past "New account…"
    assert keys.focused() is editor.kind_combo
    kind_before = editor.kind_combo.currentIndex()
    keys.press(Qt.Key.Key_Down)
    keys.tab()
    assert keys.focused() is editor.date_edit
    keys.type("2026-09-01 14:30")
    keys.tab()
    for name in ("salesperson", "attendees", "objective", "summary", "notes", "next_step"):
        assert keys.focused() is editor.text_fields[name], f"Tab did not reach {name}"
        keys.type(f"typed {name}")
        keys.tab()
        if name == "attendees":  # the account's contacts, under the names typed: Space ticks one
            assert keys.focused() is editor.attendee_picker
            keys.press(Qt.Key.Key_Space)
            keys.tab()

    qtbot.waitUntil(lambda: not window.workspace.editing.has_unsaved_edits)
    visit = _stored(window)
    assert visit.title == "Brewery line audit"
    assert visit.account_id == account.id
    assert visit.kind == editor.kind_combo.itemData(kind_before + 1)
    assert visit.visited_on == "2026-09-01T14:30"
    for name in ("salesperson", "attendees", "objective", "summary", "notes", "next_step"):
        assert getattr(visit, name) == f"typed {name}"
    assert visit.attendee_ids == [contact.id]

    # Each section: Ctrl+digit, the finding, Tab through its row in the order shown, Enter.
    expected: dict[tuple[str, str], object] = {}
    for kind in FINDING_KINDS:
        keys.press(getattr(Qt.Key, f"Key_{kind.shortcut_digit}"), CTRL)
        section = editor.sections[kind.key]
        assert keys.focused() is section.quick_text
        keys.type(f"{kind.key} finding")
        for name, field in section.quick_fields.items():
            keys.tab()
            assert keys.focused() is field, f"Tab in {kind.key} did not reach {name}"
            kind_of_field = kind.field(name).type.name
            if kind_of_field == "SEVERITY":
                keys.type("4")
                expected[kind.key, name] = 4
            elif kind_of_field == "CONTACT":
                assert isinstance(field, QComboBox) and field.findData(contact.id) > 0
                keys.press(Qt.Key.Key_Down)  # from nobody to the account's only contact
                expected[kind.key, name] = contact.id
            elif kind_of_field == "CHOICE":
                assert isinstance(field, QComboBox)
                before = field.currentIndex()
                keys.press(Qt.Key.Key_Up if before == field.count() - 1 else Qt.Key.Key_Down)
                assert field.currentIndex() != before
                expected[kind.key, name] = field.currentData()
            elif kind_of_field == "BOOL":
                keys.press(Qt.Key.Key_Space)
                expected[kind.key, name] = True
            elif kind_of_field == "DATE":
                keys.type("2026-12-10")
                expected[kind.key, name] = "2026-12-10"
            else:
                keys.type(f"{name} value")
                expected[kind.key, name] = f"{name} value"
        keys.press(Qt.Key.Key_Return)
        assert keys.focused() is section.quick_text
        assert section.quick_text.text() == ""

    visit = _stored(window)
    for kind in FINDING_KINDS:
        (finding,) = visit.findings_of(kind.key)
        assert finding.text == f"{kind.key} finding"
        for name in editor.sections[kind.key].quick_fields:
            assert finding.get(name) == expected[kind.key, name], (kind.key, name)

    # A quote typed into the table: Enter keeps the focus in the table, the next keys still count.
    keys.press(Qt.Key.Key_1, CTRL)
    needs = editor.sections["need"]
    keys.tab(len(needs.quick_fields) + 3)  # past the row's fields, its themes and Add
    assert keys.focused() is needs.table
    while needs.table.currentIndex().column() != needs.model.column_of("quote"):
        keys.press(Qt.Key.Key_Right)
    keys.press(Qt.Key.Key_F2)
    keys.type("It costs us a shift")
    keys.press(Qt.Key.Key_Return)
    assert keys.focused() is needs.table
    assert _stored(window).findings_of("need")[0].get("quote") == "It costs us a shift"
    keys.press(Qt.Key.Key_Home)
    keys.type("Downtime")  # typing on a cell starts editing it
    keys.press(Qt.Key.Key_Return)
    assert keys.focused() is needs.table
    assert _stored(window).findings_of("need")[0].text == "Downtime"
    assert needs.model.data(needs.model.index(0, 0)) == "Downtime"

    # Ctrl+Z from the table undoes the last edit; right after adding, it takes the finding away.
    keys.press(Qt.Key.Key_Z, CTRL)
    assert _stored(window).findings_of("need")[0].text == "need finding"
    keys.press(Qt.Key.Key_3, CTRL)
    keys.type("Saves a shift a week")
    keys.press(Qt.Key.Key_Return)
    assert len(_stored(window).findings_of("value_perceived")) == 2
    keys.press(Qt.Key.Key_Z, CTRL)
    assert len(_stored(window).findings_of("value_perceived")) == 1
    assert editor.sections["value_perceived"].quick_text.text() == ""
    keys.type("Half typed")
    keys.press(Qt.Key.Key_Z, CTRL)  # a field being edited undoes its own typing first
    assert editor.sections["value_perceived"].quick_text.text() == ""
    assert len(_stored(window).findings_of("value_perceived")) == 1

    # Ctrl+E exports from the one-line field the cursor is in, right after Ctrl+8.
    target = tmp_path / "visit.pdf"
    window.choose_file = lambda *_args, **_kwargs: target
    keys.press(Qt.Key.Key_8, CTRL)
    assert keys.focused() is editor.sections["follow_up"].quick_text
    keys.press(Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: window.workspace.reports.preview is not None, timeout=20000)
    assert target.stat().st_size > 0
    window.workspace.reports.preview.close()


def _tab_chain(keys: Keyboard, start: QWidget, limit: int = 60) -> list[QWidget]:
    """The widgets Tab visits from `start` until it comes back to it."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    chain = [start]
    for _ in range(limit):
        keys.tab()
        widget = keys.focused()
        if widget is start:
            return chain
        chain.append(widget)
    raise AssertionError(f"Tab never came back to where it started: {[w.objectName() or w for w in chain]}")


def _focusable(page: QWidget) -> list[QWidget]:
    return [
        widget
        for widget in page.findChildren(QWidget)
        if widget.isVisibleTo(page) and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and widget.focusProxy() is None and not (isinstance(widget.parent(), QWidget) and widget.parent().focusProxy())
    ]


@pytest.mark.parametrize("kind", [kind.key for kind in FINDING_KINDS])
def test_tab_reaches_every_field_of_a_section_in_the_order_shown(qtbot, open_window, kind: str) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    keys = Keyboard(qtbot)
    window.actions_by_name[f"section_{kind}"].trigger()
    section = window.workspace.editor.sections[kind]
    chain = _tab_chain(keys, section.quick_text)
    in_section = [widget for widget in chain if section.isAncestorOf(widget)]
    themes = [section.quick_themes] if section.quick_themes is not None else []
    assert in_section == [section.quick_text, *section.quick_fields.values(), *themes, section.add_button,
                          section.table]
    unreachable = [widget for widget in _focusable(section) if widget not in chain]
    assert unreachable == []


def test_tab_walks_the_visit_form_in_reading_order(qtbot, open_window) -> None:
    """A customer visit; a debrief also has its “Debrief of” picker after the kind (test_debrief_capture)."""
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    keys = Keyboard(qtbot)
    editor = window.workspace.editor
    chain = _tab_chain(keys, editor.text_fields["title"])
    fields = editor.text_fields
    expected = [fields["title"], editor.account_combo, editor.new_account_button, editor.kind_combo,
                editor.date_edit, fields["salesperson"], fields["attendees"], fields["objective"],
                fields["summary"], fields["notes"], fields["next_step"], editor.stage_combo, editor.due_edit]
    assert [widget for widget in chain if editor.overview.isAncestorOf(widget)] == expected
    unreachable = [widget for widget in _focusable(editor.overview) if widget not in chain]
    assert unreachable == []


def test_a_typed_date_filters_the_visit_list(qtbot, open_window) -> None:
    window = open_window()
    notebook = window.workspace.services.notebook
    for day in ("2026-08-15", "2026-09-01", "2026-09-20"):
        _visit, change = notebook.create_visit(None, title=f"Visit {day}", visited_on=day)
        window.workspace.notifier.publish(change)
    pane = window.visit_list
    keys = Keyboard(qtbot)
    pane.date_from.setFocus()
    keys.type("2026-09-01")
    keys.press(Qt.Key.Key_Return)
    assert pane.date_from.text() == "2026-09-01"
    assert pane.model.rowCount() == 2
    keys.tab()
    assert keys.focused() is pane.date_to
    keys.type("20260910")
    keys.tab()
    assert pane.date_to.text() == "2026-09-10"
    assert pane.model.rowCount() == 1
    pane.date_to.setFocus()
    pane.date_to.selectAll()
    keys.press(Qt.Key.Key_Delete)
    keys.press(Qt.Key.Key_Return)
    assert pane.model.rowCount() == 2


# The offscreen platform cannot raise a popup or grab the keyboard for it; it says so.
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_calendar_opens_at_the_date_shown_and_picks_with_enter(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    keys = Keyboard(qtbot)
    window.actions_by_name["section_follow_up"].trigger()
    section = window.workspace.editor.sections["follow_up"]
    due = section.quick_fields["due_on"]
    assert isinstance(due, DateField)
    due.setFocus()
    keys.press(Qt.Key.Key_F4)
    assert due.calendar is not None
    qtbot.waitUntil(due.calendar.isVisible)
    assert due.calendar.selectedDate().toString("yyyy-MM-dd") == parse_date_text("today")
    keys.press(Qt.Key.Key_Escape)  # closes the calendar, nothing picked
    qtbot.waitUntil(lambda: not due.calendar.isVisible())
    assert keys.focused() is due
    assert due.text() == ""
    keys.press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(due.calendar.isVisible)
    keys.press(Qt.Key.Key_Right)
    keys.press(Qt.Key.Key_Return)
    assert keys.focused() is due
    assert due.text() == parse_date_text("tomorrow")
    section.quick_text.setText("Send the offer")
    keys.press(Qt.Key.Key_Return)
    (finding,) = _stored(window).findings_of("follow_up")
    assert finding.get("due_on") == parse_date_text("tomorrow")


def test_half_typed_due_date_is_finished_before_the_follow_up_is_added(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    keys = Keyboard(qtbot)
    window.actions_by_name["section_follow_up"].trigger()
    section = window.workspace.editor.sections["follow_up"]
    keys.type("Call back")
    section.quick_fields["due_on"].setFocus()
    keys.type("2026-12")
    keys.press(Qt.Key.Key_Return)
    assert _stored(window).findings_of("follow_up") == []
    assert keys.focused() is section.quick_fields["due_on"]
    keys.type("2026-12-10")  # the half date was selected: typing replaces it
    keys.press(Qt.Key.Key_Return)
    (finding,) = _stored(window).findings_of("follow_up")
    assert (finding.text, finding.get("due_on")) == ("Call back", "2026-12-10")
    assert keys.focused() is section.quick_text


def test_letters_that_are_no_date_are_refused_by_a_date_field(qtbot, open_window) -> None:
    window = open_window()
    keys = Keyboard(qtbot)
    window.visit_list.date_from.setFocus()
    keys.type("x2026-09-01")
    assert window.visit_list.date_from.text() == "2026-09-01"


def test_every_app_shortcut_works_from_a_one_line_field(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    keys = Keyboard(qtbot)
    editor = window.workspace.editor
    editor.text_fields["title"].setFocus()
    keys.press(Qt.Key.Key_2, CTRL)
    assert editor.current_section() == "information_source"
    keys.press(Qt.Key.Key_F, CTRL)
    assert keys.focused() is window.visit_list.search_box
    keys.press(Qt.Key.Key_0, CTRL)
    assert editor.current_section() == "overview"
    assert keys.focused() is editor.text_fields["title"]  # the form from the top
    triggered = []
    window.actions_by_name["report_visit"].triggered.disconnect()
    window.actions_by_name["report_visit"].triggered.connect(lambda: triggered.append(True))
    keys.press(Qt.Key.Key_E, CTRL)
    assert triggered == [True]


def test_a_key_a_one_line_field_keeps_for_itself_still_runs_the_window_command(qtbot, open_window) -> None:
    """On Linux a line edit claims Ctrl+E (end of line); here Ctrl+A (select all) stands for any such key."""
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    keys = Keyboard(qtbot)
    triggered = []
    claimed = QAction("Claimed by line edits", window)
    claimed.setShortcut(QKeySequence("Ctrl+A"))
    claimed.triggered.connect(lambda: triggered.append(True))
    window.addAction(claimed)
    window.actions_by_name["section_need"].trigger()
    keys.type("some words")
    keys.press(Qt.Key.Key_A, CTRL)
    assert triggered == [True]
    assert window.workspace.editor.sections["need"].quick_text.selectedText() == ""


def test_a_due_date_is_changed_in_the_table_by_typing_and_a_half_typed_one_changes_nothing(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    keys = Keyboard(qtbot)
    window.actions_by_name["section_follow_up"].trigger()
    section = window.workspace.editor.sections["follow_up"]
    keys.type("Send the offer")
    keys.press(Qt.Key.Key_Return)
    section.table.setFocus()
    section.table.setCurrentIndex(section.model.index(0, section.model.column_of("due_on")))
    keys.press(Qt.Key.Key_F2)
    keys.type("2026-12-10")
    keys.press(Qt.Key.Key_Return)
    assert keys.focused() is section.table
    assert _stored(window).findings_of("follow_up")[0].get("due_on") == "2026-12-10"
    keys.press(Qt.Key.Key_F2)
    keys.press(Qt.Key.Key_End)
    for _ in range(3):
        keys.press(Qt.Key.Key_Backspace)
    keys.press(Qt.Key.Key_8, CTRL)  # leaves the cell with "2026-12" for the entry row
    assert keys.focused() is section.quick_text
    assert _stored(window).findings_of("follow_up")[0].get("due_on") == "2026-12-10"


def test_plain_editing_keys_stay_with_the_field_even_when_the_window_binds_them(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    keys = Keyboard(qtbot)
    triggered = []
    delete = QAction("Delete something", window)
    delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
    delete.triggered.connect(lambda: triggered.append(True))
    window.addAction(delete)
    window.actions_by_name["section_need"].trigger()
    keys.type("xabc")
    keys.press(Qt.Key.Key_Home)
    keys.press(Qt.Key.Key_Delete)
    assert window.workspace.editor.sections["need"].quick_text.text() == "abc"
    assert triggered == []


def test_ctrl_z_in_a_choice_or_number_field_takes_back_the_finding_just_added(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    keys = Keyboard(qtbot)
    window.actions_by_name["section_need"].trigger()
    section = window.workspace.editor.sections["need"]
    for text in ("Downtime", "Paperwork"):
        keys.type(text)
        keys.press(Qt.Key.Key_Return)
    keys.tab()
    assert keys.focused() is section.quick_fields["severity"]
    keys.press(Qt.Key.Key_Z, CTRL)
    assert [f.text for f in _stored(window).findings_of("need")] == ["Downtime"]
    window.actions_by_name["section_information_source"].trigger()
    keys.type("Trade fair")
    keys.press(Qt.Key.Key_Return)
    keys.tab()
    assert keys.focused() is window.workspace.editor.sections["information_source"].quick_fields["channel"]
    keys.press(Qt.Key.Key_Z, CTRL)
    assert _stored(window).findings_of("information_source") == []


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_a_due_date_is_picked_from_the_calendar_inside_a_table_cell(qtbot, open_window) -> None:
    window = open_window()
    window.actions_by_name["new_visit"].trigger()
    keys = Keyboard(qtbot)
    window.actions_by_name["section_follow_up"].trigger()
    section = window.workspace.editor.sections["follow_up"]
    keys.type("Send the offer")
    keys.press(Qt.Key.Key_Return)
    section.table.setFocus()
    section.table.setCurrentIndex(section.model.index(0, section.model.column_of("due_on")))
    keys.press(Qt.Key.Key_F2)
    cell_editor = keys.focused()
    assert isinstance(cell_editor, DateField)
    keys.press(Qt.Key.Key_F4)
    keys.press(Qt.Key.Key_Right)
    keys.press(Qt.Key.Key_Return)  # picks the day; the cell is still being edited
    assert keys.focused() is cell_editor
    keys.press(Qt.Key.Key_Return)
    assert keys.focused() is section.table
    assert _stored(window).findings_of("follow_up")[0].get("due_on") == parse_date_text("tomorrow")


def test_tabbing_into_a_findings_table_enables_its_row_buttons(qtbot, open_window) -> None:
    # Tab into a table makes its first row current without selecting it; Delete must be offered.
    window = open_window()
    services = window.workspace.services
    account, _ = services.notebook.create_account("Stadtwerke Lüneburg")
    visit, _ = services.notebook.create_visit(account.id, title="Plant tour")
    _finding, change = services.notebook.add_finding(visit.id, "need", "Audits cost two days a year")
    window.workspace.notifier.publish(change)
    window.workspace.show_visit(visit.id)
    window.workspace.editor.show_section("need")
    section = window.workspace.editor.sections["need"]
    assert not section.delete_button.isEnabled()
    selection = section.table.selectionModel()
    selection.setCurrentIndex(section.model.index(0, 0), selection.SelectionFlag.NoUpdate)
    assert section.delete_button.isEnabled()
