"""Tagging findings with themes from the keyboard, suggestions taken with one key, and the Themes window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from fieldnotes.domain.terms import TermList
from fieldnotes.ui.theme_fields import ThemesDialog
from tests.gui.conftest import press, type_text

#: The offscreen platform cannot raise a window (the Themes window, a completion list) nor give
#: a completion list the keyboard; it says so.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def _theme_names(window, finding_id: str) -> list[str]:
    """The names of a finding's themes, as stored."""
    services = window.workspace.services
    findings, index = services.theme_work.findings()
    return next(index.names(f.theme_ids) for f in findings if f.id == finding_id)


def _visit_with_finding(window, text: str, themes: list[str] | None = None, title: str = "Plant tour"):
    services = window.workspace.services
    account, _ = services.notebook.create_account("Stadtwerke Lüneburg")
    visit, _ = services.notebook.create_visit(account.id, title=title)
    finding, change = services.notebook.add_finding(visit.id, "need", text)
    if themes:
        services.terms.set_finding_themes(finding.id, themes)
    window.workspace.notifier.publish(change)
    return visit, finding


def test_a_finding_is_tagged_from_the_keyboard_with_completion_and_undone(qtbot, open_window) -> None:
    """Type part of a theme, pick it from the list, type a new one, Enter: saved; Ctrl+Z takes it back."""
    window = open_window()
    window.workspace.services.terms.add(TermList.THEME, "Energy audit")
    visit, finding = _visit_with_finding(window, "Audits cost two days a year")
    window.workspace.show_visit(visit.id)
    window.workspace.editor.show_section("need")
    section = window.workspace.editor.sections["need"]
    column = section.model.column_of("themes")
    assert section.model.headerData(column, Qt.Orientation.Horizontal) == "Themes"
    section.table.setFocus()
    section.table.setCurrentIndex(section.model.index(0, column))
    press(section.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert type(editor).__name__ == "ThemesLineEdit"
    qtbot.keyClicks(editor, "ener")
    popup = editor.completer_.popup()
    qtbot.waitUntil(popup.isVisible)
    assert editor.completer_.completionModel().index(0, 0).data() == "Energy audit"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert editor.text() == "Energy audit, "
    qtbot.keyClicks(editor, "Downtime")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _theme_names(window, finding.id) == ["Energy audit", "Downtime"])
    assert section.model.index(0, column).data() == "Energy audit, Downtime"
    assert "Downtime" in window.workspace.themes.names()  # a new name is a new theme

    window.undo_action.trigger()
    assert _theme_names(window, finding.id) == []
    assert section.model.index(0, column).data() == ""
    window.redo_action.trigger()
    assert _theme_names(window, finding.id) == ["Energy audit", "Downtime"]


def test_ctrl_t_edits_the_current_findings_themes_even_while_the_themes_column_is_hidden(qtbot, open_window) -> None:
    window = open_window()
    window.workspace.services.terms.add(TermList.THEME, "Energy audit")
    visit, finding = _visit_with_finding(window, "Audits cost two days a year", themes=["Downtime"])
    window.workspace.show_visit(visit.id)
    window.workspace.editor.show_section("need")
    section = window.workspace.editor.sections["need"]
    column = section.model.column_of("themes")
    section.table.setColumnHidden(column, True)  # as a narrow table beside the guide does
    section.table.setFocus()
    section.table.setCurrentIndex(section.model.index(0, 0))
    qtbot.keyClick(section.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    dialog = section.findChild(ThemesDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.editor.text() == "Downtime, " and not dialog.editor.hasSelectedText())
    qtbot.keyClicks(dialog.editor, "Energy audit")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _theme_names(window, finding.id) == ["Downtime", "Energy audit"])
    assert not dialog.isVisible()
    window.undo_action.trigger()
    assert _theme_names(window, finding.id) == ["Downtime"]


def test_a_suggested_theme_is_taken_with_one_key_while_typing_a_finding(qtbot, open_window) -> None:
    window = open_window()
    _visit_with_finding(window, "Energieaudits sind seit letztem Jahr Pflicht", ["Energy audit"], title="Earlier visit")
    window.workspace.themes.rebuild()
    qtbot.waitUntil(lambda: window.workspace.themes.suggestions is not None
                    and len(window.workspace.themes.suggestions) == 1)
    window.actions_by_name["new_visit"].trigger()
    visit_id = window.workspace.editing.visit.id
    window.actions_by_name["section_need"].trigger()
    section = window.workspace.editor.sections["need"]
    type_text(section.quick_text, "Das Energieaudit kostet zwei Tage")
    qtbot.waitUntil(section.suggestion_line.isVisible)
    assert [suggestion.name for suggestion in section.suggestion_line.suggestions] == ["Energy audit"]
    assert "Energy audit</a>" in section.suggestion_line.text() and "(Alt+1)" in section.suggestion_line.text()
    press(section.quick_text, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert section.quick_themes.theme_names() == ["Energy audit"]
    press(section.quick_text, Qt.Key.Key_Return)
    stored = window.workspace.services.notebook.visit(visit_id).findings_of("need")
    assert [f.text for f in stored] == ["Das Energieaudit kostet zwei Tage"]
    assert window.workspace.services.terms.index().names(stored[0].theme_ids) == ["Energy audit"]
    assert section.quick_themes.text() == ""
    window.undo_action.trigger()  # one step takes the finding and its themes away
    assert window.workspace.services.notebook.visit(visit_id).findings_of("need") == []


def test_renaming_and_merging_themes_in_the_themes_window_updates_the_findings(qtbot, qtmodeltester, open_window,
                                                                                monkeypatch) -> None:
    window = open_window()
    visit, _first = _visit_with_finding(window, "Energy audits every year", ["Energy check"])
    services = window.workspace.services
    second, change = services.notebook.add_finding(visit.id, "need", "Audit paperwork", {})
    services.terms.set_finding_themes(second.id, ["Audit duty"])
    window.workspace.notifier.publish(change)
    window.workspace.show_visit(visit.id)
    window.actions_by_name["themes"].trigger()
    themes = window.workspace.themes_window
    qtbot.waitUntil(lambda: themes.model.rowCount() == 2)
    qtmodeltester.check(themes.model)
    assert [themes.model.index(row, 0).data() for row in range(2)] == ["Audit duty", "Energy check"]
    assert [themes.model.index(1, column).data() for column in (1, 2, 3)] == ["1", "1", "1"]

    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Energy audit", True))
    themes.table.setFocus()
    themes.table.selectRow(1)
    press(themes.table, Qt.Key.Key_F2)
    section = window.workspace.editor.sections["need"]
    column = section.model.column_of("themes")
    assert section.model.index(0, column).data() == "Energy audit"
    qtbot.waitUntil(lambda: themes.model.index(1, 0).data() == "Energy audit")

    monkeypatch.setattr(QInputDialog, "getItem", lambda *args, **kwargs: ("Energy audit", True))
    themes.table.selectRow(themes.model.row_of(services.terms.index().find(TermList.THEME, "Audit duty").id))
    themes.merge_button.click()
    assert _theme_names(window, second.id) == ["Energy audit"]
    assert section.model.index(1, column).data() == "Energy audit"
    qtbot.waitUntil(lambda: themes.model.rowCount() == 1 and themes.model.index(0, 1).data() == "2")
    qtmodeltester.check(themes.model)


def test_a_group_of_untagged_findings_is_tagged_with_one_key(qtbot, open_window) -> None:
    window = open_window()
    _visit_with_finding(window, "Energy audits are mandatory now", ["Energy audit"], title="Tagged")
    untagged = [_visit_with_finding(window, text, title=f"Visit {number}")
                for number, text in enumerate(["Energy audit is mandatory from next year",
                                               "The mandatory energy audits cost a lot",
                                               "Nobody reads the newsletter"])]
    window.actions_by_name["themes"].trigger()
    themes = window.workspace.themes_window
    qtbot.waitUntil(lambda: themes.groups_model.rowCount() == 2)
    assert themes.groups_model.index(0, 0).data() == "2"
    assert themes.groups_model.index(0, 1).data() == "Energy audit"
    assert themes.findings_model.rowCount() == 2
    assert themes.group_theme.text() == "Energy audit"
    themes.group_theme.setFocus()
    press(themes.group_theme, Qt.Key.Key_Return)
    for _visit, finding in untagged[:2]:
        assert _theme_names(window, finding.id) == ["Energy audit"]
    assert _theme_names(window, untagged[2][1].id) == []
    assert themes.groups_model.rowCount() == 1
    assert themes.group_theme.text() == ""  # the next group has no suggestion: type one
    type_text(themes.group_theme, "Newsletter")
    press(themes.group_theme, Qt.Key.Key_Return)
    assert _theme_names(window, untagged[2][1].id) == ["Newsletter"]
    assert themes.groups_model.rowCount() == 0
    qtbot.waitUntil(lambda: themes.model.rowCount() == 2)


def test_double_clicking_an_untagged_finding_opens_its_visit(qtbot, open_window) -> None:
    window = open_window()
    visit, _finding = _visit_with_finding(window, "Spare parts take three weeks")
    window.actions_by_name["themes"].trigger()
    themes = window.workspace.themes_window
    qtbot.waitUntil(lambda: themes.findings_model.rowCount() == 1)
    themes.tabs.setCurrentIndex(1)
    rect = themes.findings.visualRect(themes.findings_model.index(0, 0))
    # QTest's double click needs the press of a first click before it.
    qtbot.mouseClick(themes.findings.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(themes.findings.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.workspace.editing.visit is not None and window.workspace.editing.visit.id == visit.id


def test_the_themes_window_opens_ready_for_the_keyboard(qtbot, open_window) -> None:
    """The table has the focus, Tab leaves it for Rename and Merge, and every button has its own Alt key."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QPushButton

    window = open_window()
    _visit_with_finding(window, "Energy audits every year", ["Energy check"])
    window.actions_by_name["themes"].trigger()
    themes = window.workspace.themes_window
    qtbot.waitUntil(lambda: themes.model.rowCount() == 1)
    assert themes.focusWidget() is themes.table
    themes.table.setFocus()
    press(themes.table, Qt.Key.Key_Tab)
    assert themes.focusWidget() is themes.rename_button
    mnemonics = [QKeySequence.mnemonic(button.text()) for button in themes.findChildren(QPushButton)]
    mnemonics += [QKeySequence.mnemonic(themes.tabs.tabText(tab)) for tab in range(themes.tabs.count())]
    assert all(not key.isEmpty() for key in mnemonics)
    assert len(set(mnemonics)) == len(mnemonics)
    assert QKeySequence.mnemonic(themes.merge_button.text()) == QKeySequence("Alt+M")

