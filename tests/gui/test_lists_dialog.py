"""Edit › Offerings, competitors and stages: the team's lists are added to, renamed, merged and
reordered from the keyboard, and what uses them follows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog

from fieldnotes.domain.terms import DEFAULT_STAGES, TermList
from fieldnotes.ui.lists_dialog import ListsDialog, ListTab
from tests.gui.conftest import press, type_text


def _dialog(qtbot, window, which: TermList) -> tuple[ListsDialog, ListTab]:
    dialog = ListsDialog(window.workspace.services.terms, window.workspace.operations, window, which)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    # The entries show at once; what uses them is counted on the thread pool.
    qtbot.waitUntil(lambda: not any(tab.counting for tab in dialog.pages.values()))
    return dialog, dialog.pages[which]


def _lines(tab: ListTab) -> list[tuple[str, bool, int]]:
    model = tab.model
    return [(model.line(row).name, model.line(row).entry, model.line(row).findings) for row in range(model.rowCount())]


def _select(tab: ListTab, *names: str) -> None:
    selection = tab.table.selectionModel()
    selection.clearSelection()
    for name in names:
        index = tab.model.index(tab.model.row_of(name), 0)
        selection.select(index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
    tab.table.setFocus()


def _answer_merge_with(qtbot, target: str) -> None:
    """When the merge asks which line to merge into, type the target and press Enter."""

    def answer() -> None:
        asked = QApplication.activeModalWidget()
        if not isinstance(asked, QInputDialog) or not asked.isActiveWindow():
            QTimer.singleShot(20, answer)  # not shown yet
            return
        combo = asked.findChild(QComboBox)
        combo.lineEdit().selectAll()
        type_text(combo.lineEdit(), target)
        press(combo.lineEdit(), Qt.Key.Key_Return)

    QTimer.singleShot(50, answer)


def test_competitors_are_added_renamed_and_merged_by_keyboard(qtbot, qtmodeltester, open_window) -> None:
    window = open_window()
    services = window.workspace.services
    visit, _ = services.notebook.create_visit(title="Plant tour")
    for name in ("Aquameca", "AquaMeca GmbH", "Aqu", "Aqu"):
        services.notebook.add_finding(visit.id, "competitor_move", "New pump line", {"competitor": name})
    services.terms.add(TermList.COMPETITOR, "Aquameca")

    dialog, tab = _dialog(qtbot, window, TermList.COMPETITOR)
    qtmodeltester.check(tab.model)
    assert _lines(tab) == [("Aquameca", True, 1), ("Aqu", False, 2), ("AquaMeca GmbH", False, 1)]
    assert tab.add_edit.hasFocus()  # typing a new name is the first thing the tab offers

    type_text(tab.add_edit, "Hydronix")
    press(tab.add_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter added the name, it did not close the window
    assert tab.add_edit.text() == ""
    assert ("Hydronix", True, 0) in _lines(tab)
    assert tab.current_name() == "Hydronix"

    _select(tab, "Hydronix")
    press(tab.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    type_text(editor, "Hydronix AB")
    press(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.current_name() == "Hydronix AB")  # saved in the background, then shown
    assert services.terms.canonical_name(TermList.COMPETITOR, "hydronix") == "Hydronix AB"  # the old name stays

    _select(tab, "AquaMeca GmbH", "Aqu")
    _answer_merge_with(qtbot, "Aquameca")
    qtbot.keyClick(dialog, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: tab.model.row_of("Aqu") < 0)
    assert _lines(tab)[0] == ("Aquameca", True, 4)
    assert tab.model.line(0).visits == 1
    stored = services.notebook.visit(visit.id)
    assert [f.get("competitor") for f in stored.findings_of("competitor_move")] == ["Aquameca"] * 4
    qtmodeltester.check(tab.model)
    # Completion and the visit list's filter offer the one name.
    assert services.search.competitors() == ["Aquameca"]


def test_a_name_in_use_becomes_an_offering_when_renamed(qtbot, open_window) -> None:
    window = open_window()
    services = window.workspace.services
    visit, _ = services.notebook.create_visit(title="Review")
    services.notebook.add_finding(visit.id, "awareness", "Did not know", {"offering": "service plan", "aware": False})
    services.notebook.add_finding(visit.id, "awareness", "Knew", {"offering": "Service Plan", "aware": True})
    _dialog_shown, tab = _dialog(qtbot, window, TermList.OFFERING)
    line = tab.model.line(0)
    assert (line.entry, line.findings, line.unaware) == (False, 2, 1)

    _select(tab, line.name)
    press(tab.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    type_text(editor, "Service plans")
    press(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.model.row_of("Service plans") >= 0)
    assert _lines(tab) == [("Service plans", True, 2)]
    assert {f.get("offering") for f in services.notebook.visit(visit.id).findings_of("awareness")} == {"Service plans"}


def test_f2_renames_the_line_whichever_column_the_cursor_is_on(qtbot, open_window) -> None:
    window = open_window()
    window.workspace.services.terms.add(TermList.COMPETITOR, "Aquaris")
    _dialog_shown, tab = _dialog(qtbot, window, TermList.COMPETITOR)
    _select(tab, "Aquaris")
    # End in a table goes to the row's last column, a count: F2 still renames the name.
    tab.table.setCurrentIndex(tab.model.index(tab.model.row_of("Aquaris"), tab.model.columnCount() - 1))
    qtbot.keyClick(tab.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not tab.table and tab.table.isAncestorOf(editor)
    editor.selectAll()
    type_text(editor, "Aquaris SA")
    press(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.model.row_of("Aquaris SA") >= 0)


def test_stages_start_from_the_default_funnel_and_move_with_alt_arrows(qtbot, open_window) -> None:
    window = open_window()
    services = window.workspace.services
    dialog, tab = _dialog(qtbot, window, TermList.STAGE)
    assert [name for name, _entry, _count in _lines(tab)] == list(DEFAULT_STAGES)
    assert services.terms.entries(TermList.STAGE) == []  # shown, not written, until the first edit

    _select(tab, "Lead")
    press(tab.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    expected = [DEFAULT_STAGES[1], DEFAULT_STAGES[0], *DEFAULT_STAGES[2:]]
    assert [term.name for term in services.terms.entries(TermList.STAGE)] == expected
    assert tab.current_name() == "Lead"
    press(tab.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    press(tab.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # already first: stays
    assert [term.name for term in services.terms.entries(TermList.STAGE)] == list(DEFAULT_STAGES)

    qtbot.keyClick(dialog, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert tab.add_edit.hasFocus()
    type_text(tab.add_edit, "Won back")
    press(tab.add_edit, Qt.Key.Key_Return)
    assert [name for name, _entry, _count in _lines(tab)][-1] == "Won back"


def test_the_menu_opens_the_lists(qtbot, open_window, monkeypatch) -> None:
    window = open_window()
    shown: list[ListsDialog] = []
    monkeypatch.setattr(ListsDialog, "exec", lambda self: shown.append(self) or 0)
    window.actions_by_name["lists"].trigger()
    assert [dialog.windowTitle() for dialog in shown] == ["Offerings, competitors and stages"]
    assert window.actions_by_name["lists"] in window.edit_menu.actions()


# The offscreen platform cannot raise a popup or grab the keyboard for it; a desktop can.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_the_offering_field_completes_from_the_catalogue_and_saves_its_spelling(qtbot, open_window) -> None:
    window = open_window()
    services = window.workspace.services
    visit, change = services.notebook.create_visit(title="Review")
    window.workspace.notifier.publish(change)
    services.notebook.add_finding(visit.id, "awareness", "", {"offering": "spare parts"})  # typed before the list
    services.terms.add(TermList.OFFERING, "Remote monitoring")
    services.terms.add(TermList.COMPETITOR, "Aquameca")
    services.terms.add(TermList.COMPETITOR, "Aqu")
    services.terms.merge(TermList.COMPETITOR, "Aqu", "Aquameca")
    window.workspace.names.refresh()
    qtbot.waitUntil(lambda: window.workspace.names.known("offering") == ["Remote monitoring", "spare parts"],
                    timeout=5000)
    assert window.workspace.names.known("competitor") == ["Aquameca"]  # a merged name is not offered again
    window.workspace.editing.open(visit.id)
    window.workspace.editor.show_section("awareness")
    field = window.workspace.editor.sections["awareness"].quick_fields["offering"]
    field.setFocus()
    qtbot.keyClicks(field, "remo")
    completer = field.completer()
    qtbot.waitUntil(completer.popup().isVisible, timeout=3000)
    assert completer.currentCompletion() == "Remote monitoring"

    competitor = window.workspace.editor.sections["competitor_move"].quick_fields["competitor"]
    window.workspace.editor.show_section("competitor_move")
    section = window.workspace.editor.sections["competitor_move"]
    section.quick_text.setText("New pump line")
    competitor.setFocus()
    competitor.setText("aqu")
    press(competitor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace.editing.visit.findings_of("competitor_move") != [])
    assert [f.get("competitor") for f in window.workspace.editing.visit.findings_of("competitor_move")] == ["Aquameca"]


def test_the_lists_show_at_once_and_their_counts_arrive_from_the_thread_pool(qtbot, open_window,
                                                                            monkeypatch) -> None:
    """Opening the lists never waits for every finding to be counted: the entries show, then the counts."""
    import threading

    from fieldnotes.services.terms import Terms
    from fieldnotes.ui.lists_dialog import NOT_COUNTED_YET

    window = open_window()
    services = window.workspace.services
    visit, _ = services.notebook.create_visit(title="Plant tour")
    for name in ("Aquameca", "aquameca", "Hydronix"):
        services.notebook.add_finding(visit.id, "competitor_move", "New pump line", {"competitor": name})
    services.terms.add(TermList.COMPETITOR, "Aquameca")
    counted_on: list[threading.Thread] = []
    release = threading.Event()
    usage = Terms.usage

    def slow_usage(terms: Terms, which: TermList) -> list:
        counted_on.append(threading.current_thread())
        if which is TermList.COMPETITOR:
            release.wait(10)  # a large notebook: counting takes a while
        return usage(terms, which)

    monkeypatch.setattr(Terms, "usage", slow_usage)
    dialog = ListsDialog(services.terms, window.workspace.operations, window, TermList.COMPETITOR)
    qtbot.addWidget(dialog)
    dialog.show()
    tab = dialog.pages[TermList.COMPETITOR]
    qtbot.waitUntil(lambda: len(counted_on) >= 3)  # each tab counts, none on the GUI thread
    assert all(thread is not threading.main_thread() for thread in counted_on)
    assert tab.counting and tab.status.text() == "Counting…"
    assert [tab.model.line(row).name for row in range(tab.model.rowCount())] == ["Aquameca"]
    assert tab.model.index(0, 1).data() == NOT_COUNTED_YET
    assert tab.current_name() == "Aquameca"

    release.set()
    qtbot.waitUntil(lambda: not tab.counting)
    assert _lines(tab) == [("Aquameca", True, 2), ("Hydronix", False, 1)]
    assert tab.model.index(0, 1).data() == 2 and tab.model.index(0, 2).data() == 1
    assert tab.status.text() == ""
    assert tab.current_name() == "Aquameca"
    stages = dialog.pages[TermList.STAGE]
    assert [stages.model.line(row).name for row in range(stages.model.rowCount())] == list(DEFAULT_STAGES)
    qtbot.waitUntil(lambda: not stages.counting)

    # A change elsewhere is counted again in the background; the lines stay shown meanwhile.
    release.clear()
    _finding, change = services.notebook.add_finding(visit.id, "competitor_move", "Price cut",
                                                     {"competitor": "Hydronix"})
    window.workspace.notifier.publish(change)
    qtbot.waitUntil(lambda: tab.counting)
    assert _lines(tab) == [("Aquameca", True, 2), ("Hydronix", False, 1)]
    release.set()
    qtbot.waitUntil(lambda: _lines(tab) == [("Aquameca", True, 2), ("Hydronix", False, 2)])
