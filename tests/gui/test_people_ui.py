"""People picked from the account's contacts, by keyboard: attendees, the buying centre, follow-ups,
and a contact's page in the accounts window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldnotes.domain.model import BuyingRole
from fieldnotes.ui.accounts_dialog import AccountsDialog
from fieldnotes.ui.field_widgets import PersonField
from tests.gui.test_keyboard_capture import CTRL, Keyboard, _stored, _tab_chain


def _brewery_visit(window):
    """An open visit at Brauerei Nord, whose contacts are Jana Brandt and Ole Sand."""
    notebook = window.workspace.services.notebook
    account, change = notebook.create_account("Brauerei Nord")
    window.workspace.notifier.publish(change)
    jana, _ = notebook.add_contact(account.id, "Jana Brandt", role="Brewmaster", buying_role="influencer",
                                   follow_up="email")
    ole, change = notebook.add_contact(account.id, "Ole Sand", role="Shift lead")
    window.workspace.notifier.publish(change)
    visit, change = notebook.create_visit(account.id, title="Line audit", visited_on="2026-03-04")
    window.workspace.notifier.publish(change)
    window.workspace.open_visit(visit.id)
    return notebook, account, jana, ole, visit


def _contact(notebook, account_id: str, name: str):
    return next(c for c in notebook.account(account_id).contacts if c.name == name)


def test_attendees_are_ticked_and_a_typed_name_becomes_a_contact_by_keyboard(qtbot, open_window) -> None:
    window = open_window()
    notebook, account, jana, ole, visit = _brewery_visit(window)
    editor = window.workspace.editor
    keys = Keyboard(qtbot)
    picker = editor.attendee_picker
    assert picker.isVisible() and picker.count() == 2

    attendees = editor.text_fields["attendees"]
    attendees.setFocus()
    keys.type("Tom Weber (line manager), Dr Ruiz")
    attendees.setCursorPosition(3)  # on Tom
    keys.press(Qt.Key.Key_Return, CTRL)
    stored = _stored(window)
    tom = _contact(notebook, account.id, "Tom Weber")
    assert tom.role == "line manager"
    assert stored.attendee_ids == [tom.id]
    assert stored.attendees == "Dr Ruiz"  # the name left the free text: it is ticked instead
    assert picker.count() == 3

    keys.tab()
    assert keys.focused() is picker
    picker.setCurrentRow(0)
    keys.press(Qt.Key.Key_Space)  # Jana, first by name
    qtbot.waitUntil(lambda: jana.id in _stored(window).attendee_ids)
    keys.press(Qt.Key.Key_Right)
    keys.press(Qt.Key.Key_Space)  # Ole
    assert _stored(window).attendee_ids == [tom.id, jana.id, ole.id]
    keys.tab()
    assert keys.focused() is editor.text_fields["objective"]

    keys.press(Qt.Key.Key_Z, CTRL)  # each tick is its own step
    assert _stored(window).attendee_ids == [tom.id, jana.id]
    assert [picker.item(row).checkState() == Qt.CheckState.Checked for row in range(3)] == [True, False, True]
    window.workspace.editing.stack.undo()  # and adding the typed name as a contact is one more
    window.workspace.editing.stack.undo()
    assert (_stored(window).attendee_ids, _stored(window).attendees) == ([], "Tom Weber (line manager), Dr Ruiz")
    del visit


def test_tab_walks_the_visit_form_through_the_attendees_to_tick(qtbot, open_window) -> None:
    window = open_window()
    _brewery_visit(window)
    editor = window.workspace.editor
    chain = _tab_chain(Keyboard(qtbot), editor.text_fields["title"])
    fields = editor.text_fields
    expected = [fields["title"], editor.account_combo, editor.new_account_button, editor.kind_combo,
                editor.date_edit, fields["salesperson"], fields["attendees"], editor.attendee_picker,
                fields["objective"], fields["summary"], fields["notes"], fields["next_step"], editor.stage_combo,
                editor.due_edit]
    assert [widget for widget in chain if editor.overview.isAncestorOf(widget)] == expected


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")  # the completion popup
def test_a_buying_centre_row_links_a_contact_by_keyboard_and_its_role_is_the_contacts(qtbot, open_window) -> None:
    window = open_window()
    notebook, account, jana, _ole, visit = _brewery_visit(window)
    keys = Keyboard(qtbot)
    section = window.workspace.editor.sections["buying_centre"]
    keys.press(Qt.Key.Key_6, CTRL)
    assert keys.focused() is section.quick_text
    keys.type("Signs off the budget")
    keys.tab()
    person = section.quick_fields["person"]
    assert keys.focused() is person and isinstance(person, PersonField)
    keys.type("jana brandt")  # case aside, a contact's name links the contact
    assert person.linked() == jana and person.link_mark.isVisible()
    role = section.quick_fields["buying_role"]
    assert role.currentData() == "influencer"  # the contact's role, shown before anything is added
    keys.tab()
    assert keys.focused() is role
    keys.press(Qt.Key.Key_Down)  # Influencer -> User: a new role for the person
    keys.press(Qt.Key.Key_Return)

    (row,) = _stored(window).findings_of("buying_centre")
    assert (row.get("person"), row.get("contact_id"), row.get("buying_role")) == ("Jana Brandt", jana.id, "user")
    assert _contact(notebook, account.id, "Jana Brandt").buying_role is BuyingRole.USER
    model = section.model
    assert model.data(model.index(0, model.column_of("person"))) == "Jana Brandt"
    assert "contact_id" not in model._columns  # one Person column

    # The role edited in the table is the contact's; Ctrl+Z gives the contact its role back.
    section.table.setFocus()
    section.table.setCurrentIndex(model.index(0, model.column_of("buying_role")))
    keys.press(Qt.Key.Key_F2)
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    assert _contact(notebook, account.id, "Jana Brandt").buying_role is BuyingRole.GATEKEEPER
    assert model.data(model.index(0, model.column_of("buying_role"))) == "Gatekeeper"
    keys.press(Qt.Key.Key_Z, CTRL)
    assert _contact(notebook, account.id, "Jana Brandt").buying_role is BuyingRole.USER
    assert model.data(model.index(0, model.column_of("buying_role"))) == "User"

    # A role changed in the accounts window shows in the row at once.
    window.workspace.operations.run(lambda: notebook.update_contact(jana.id, buying_role="champion"))
    assert model.data(model.index(0, model.column_of("buying_role"))) == "Champion"

    # A free name in the table unlinks the row.
    section.table.setCurrentIndex(model.index(0, model.column_of("person")))
    keys.press(Qt.Key.Key_F2)
    QApplication.focusWidget().selectAll()
    keys.type("Somebody new")
    keys.press(Qt.Key.Key_Return)
    (row,) = _stored(window).findings_of("buying_centre")
    assert (row.get("person"), row.get("contact_id")) == ("Somebody new", None)
    del visit


def test_a_follow_up_for_someone_shows_their_channel_and_proposes_the_action(qtbot, open_window) -> None:
    window = open_window()
    _notebook, _account, jana, _ole, _visit = _brewery_visit(window)
    keys = Keyboard(qtbot)
    section = window.workspace.editor.sections["follow_up"]
    keys.press(Qt.Key.Key_8, CTRL)
    for_whom = section.quick_fields["contact_id"]
    while keys.focused() is not for_whom:
        keys.tab()
    keys.press(Qt.Key.Key_Down)  # the first contact: Jana Brandt
    assert for_whom.currentData() == jana.id
    assert section.preference_label.isVisible() and section.preference_label.text() == "prefers email"
    assert section.quick_text.text() == "Email Jana Brandt: "
    section.quick_text.setFocus()
    section.quick_text.end(False)
    keys.type("the brewhouse case study")
    keys.press(Qt.Key.Key_Return)
    (action,) = _stored(window).findings_of("follow_up")
    assert (action.text, action.get("contact_id")) == ("Email Jana Brandt: the brewhouse case study", jana.id)
    model = section.model
    assert model.data(model.index(0, model.column_of("contact_id"))) == "Jana Brandt\nprefers email"

    # The next action is for nobody until someone is picked: it is not credited to Jana silently.
    assert for_whom.currentData() is None and not section.preference_label.isVisible()


def test_the_speaker_is_nobody_again_after_a_need_is_added(qtbot, open_window) -> None:
    window = open_window()
    _notebook, _account, jana, _ole, _visit = _brewery_visit(window)
    keys = Keyboard(qtbot)
    section = window.workspace.editor.sections["need"]
    keys.press(Qt.Key.Key_1, CTRL)
    speaker = section.quick_fields["speaker_id"]
    while keys.focused() is not speaker:
        keys.tab()
    keys.press(Qt.Key.Key_Down)
    assert speaker.currentData() == jana.id
    section.quick_text.setFocus()
    keys.type("Cleaning the lines takes a whole shift")
    keys.press(Qt.Key.Key_Return)
    keys.type("Spare parts take weeks")
    keys.press(Qt.Key.Key_Return)
    first, second = _stored(window).findings_of("need")
    assert first.get("speaker_id") == jana.id and second.get("speaker_id") is None


def test_a_contacts_page_lists_what_names_them_and_opens_the_visit(qtbot, open_window) -> None:
    window = open_window()
    notebook, account, jana, _ole, visit = _brewery_visit(window)
    other, change = notebook.create_visit(account.id, title="Trial review", visited_on="2026-05-01")
    notebook.update_visit(visit.id, attendee_ids=[jana.id])
    notebook.add_finding(visit.id, "need", "Downtime", {"quote": "Every stop costs a shift", "speaker_id": jana.id})
    notebook.add_finding(other.id, "follow_up", "Send the case study", {"contact_id": jana.id})
    window.workspace.open_visit(other.id)
    dialog = AccountsDialog(notebook, window.workspace.operations, window, account.id,
                            open_visit=window.workspace.open_visit)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.contacts.setFocus()
    dialog.contacts.setCurrentCell(0, 0)  # Jana Brandt
    assert "Jana Brandt" in dialog.mentions_title.text()
    rows = [[dialog.mentions.item(row, column).text() for column in range(4)]
            for row in range(dialog.mentions.rowCount())]
    assert rows == [
        ["2026-05-01", "Trial review", "Follow-up for them", "Send the case study"],
        ["2026-03-04", "Line audit", "Attended", ""],
        ["2026-03-04", "Line audit", "Said", "Every stop costs a shift"],
    ]
    dialog.contacts.setCurrentCell(1, 0)  # Ole Sand: named nowhere
    assert dialog.mentions.rowCount() == 0 and "no visit names them" in dialog.mentions_title.text()

    dialog.contacts.setCurrentCell(0, 0)
    rect = dialog.mentions.visualRect(dialog.mentions.model().index(1, 1))
    qtbot.mouseClick(dialog.mentions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.mentions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not dialog.isVisible()
    assert window.workspace.editing.visit.id == visit.id
    del change


def test_a_contacts_reference_and_consent_are_edited_in_the_accounts_window(qtbot, open_window) -> None:
    window = open_window()
    notebook, account, jana, _ole, _visit = _brewery_visit(window)
    dialog = AccountsDialog(notebook, window.workspace.operations, window, account.id)
    qtbot.addWidget(dialog)
    headers = [dialog.contacts.horizontalHeaderItem(c).text() for c in range(dialog.contacts.columnCount())]
    for field, header, value in (("reference", "Could be", "both"), ("consent", "Consent", "asked")):
        combo = dialog.contacts.cellWidget(0, headers.index(header))
        combo.setCurrentIndex(combo.findData(value))
        combo.activated.emit(combo.currentIndex())
        assert getattr(_contact(notebook, account.id, "Jana Brandt"), field).value == value
    del jana
