"""View › Objection library and View › Quote bank on the sample team: grouping, marking the best
answer, filtering quotes and copying them with their bylines."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence

from fieldnotes.services.sample import load_sample_team
from fieldnotes.ui.library_views import BEST_MARK, ObjectionLibraryView, QuoteBankView
from fieldnotes.ui.main_window import MainWindow
from tests.gui.conftest import press

SCREENSHOTS = os.environ.get("FIELDNOTES_SCREENSHOTS")


def _library(qtbot, window: MainWindow) -> ObjectionLibraryView:
    assert window.workspace is not None
    assert window.actions_by_name["objection_library"].shortcut().toString() == "Ctrl+Shift+O"
    view = window.workspace.show_objection_library()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10000)
    return view


def _quote_bank(qtbot, window: MainWindow) -> QuoteBankView:
    assert window.workspace is not None
    assert window.actions_by_name["quote_bank"].shortcut().toString() == "Ctrl+Shift+Q"
    view = window.workspace.show_quote_bank()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10000)
    return view


def _titles(view: ObjectionLibraryView) -> list[str]:
    return [group.title for group in view.model.groups]


def _shot(widget, name: str) -> None:
    if SCREENSHOTS:
        widget.resize(1366, 768)
        widget.grab().save(str(Path(SCREENSHOTS) / name))


def test_objections_are_grouped_by_theme_and_by_competitor_with_who_heard_them_where_and_when(
        qtbot, qtmodeltester, open_window) -> None:
    window = open_window()
    load_sample_team(window.workspace.services)
    view = _library(qtbot, window)
    qtmodeltester.check(view.model)
    titles = _titles(view)
    assert titles[0] == "Life-cycle cost"  # the most objections first
    assert titles[-1] == "No theme"
    life_cycle = view.model.groups[0]
    assert len(life_cycle.objections) == 4
    first = view.model.index(0, 0, view.model.index(0, 0))
    assert view.model.data(first) == "Why retrofit when Aquaris sells a pump with a double seal built in?"
    row = [view.model.data(first.siblingAtColumn(column)) for column in range(1, 5)]
    assert row[0].startswith("The retrofit keeps the installed pump")
    assert row[1] == "Markus Weber" and row[3] == "2026-11-11"
    assert view.model.data(view.model.index(0, 0)) == "Life-cycle cost (4)"
    assert view.model.data(view.model.index(0, 1)) == "4 answers that worked"

    view.group_by.setCurrentIndex(view.group_by.findData("competitor"))
    qtmodeltester.check(view.model)
    assert _titles(view)[0] == "Aquaris"
    aquaris = view.model.groups[0]
    # Heard in a visit that noted an Aquaris move, or naming Aquaris itself.
    assert "Our pump lead times are longer than Aquaris's" in [item.text for item in aquaris.objections]

    view.competitor.setCurrentIndex(view.competitor.findData("Aquaris"))
    assert _titles(view) == ["Aquaris"]
    view.group_by.setCurrentIndex(view.group_by.findData("theme"))
    assert sum(len(group.objections) for group in view.model.groups) >= len(aquaris.objections)
    view.competitor.setCurrentIndex(0)
    _shot(view, "objection-library.png")


def test_b_marks_the_best_answer_of_a_theme_it_persists_and_replaces_the_previous_one(
        qtbot, qtmodeltester, open_window) -> None:
    window = open_window()
    services = window.workspace.services
    load_sample_team(services)
    view = _library(qtbot, window)
    group_index = view.model.index(0, 0)
    assert view.model.groups[0].title == "Life-cycle cost"
    second = view.model.index(1, 0, group_index)
    chosen = view.model.objection_of(second)
    view.tree.setCurrentIndex(second)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        press(view.tree, Qt.Key.Key_B)
    qtmodeltester.check(view.model)
    group = view.model.groups[0]
    assert group.best is not None and group.best.id == chosen.id
    assert view.model.data(view.model.index(0, 1)) == f"{BEST_MARK} {chosen.answer}"
    assert [item.id for item in services.library.objections() if item.best] == [chosen.id]

    # Another answer of the theme replaces it: one best per theme.
    other = view.model.index(2, 0, view.model.index(0, 0))
    replacement = view.model.objection_of(other)
    view.tree.setCurrentIndex(other)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.best_button.click()
    assert [item.id for item in services.library.objections() if item.best] == [replacement.id]
    assert view.model.groups[0].best.id == replacement.id
    # The current row stays where it was after the list is read again.
    assert view.model.objection_of(view.tree.currentIndex()).id == replacement.id

    # Enter opens its visit at the objections.
    press(view.tree, Qt.Key.Key_Return)
    assert window.workspace.editing.visit.id == replacement.visit_id
    assert not view.isVisible()


def test_the_quote_bank_filters_by_theme_account_kind_and_consent_and_copies_with_attribution(
        qtbot, qtmodeltester, open_window) -> None:
    window = open_window()
    services = window.workspace.services
    load_sample_team(services)
    view = _quote_bank(qtbot, window)
    qtmodeltester.check(view.model)
    everything = view.model.rowCount()
    assert everything == len(services.library.quotes()) > 20

    view.cleared.setChecked(True)
    cleared = view.model.rows
    assert cleared and all(quote.cleared for quote in cleared)
    assert len(cleared) < everything
    assert view.model.data(view.model.index(0, 5)) == "Cleared"
    view.cleared.setChecked(False)

    view.theme.setCurrentIndex(view.theme.findText("Energy efficiency"))
    assert view.model.rows and all("Energy efficiency" in quote.themes for quote in view.model.rows)
    view.theme.setCurrentIndex(0)
    view.account_kind.setCurrentIndex(view.account_kind.findData("prospect"))
    assert view.model.rows and all(quote.account_kind == "prospect" for quote in view.model.rows)
    qtmodeltester.check(view.model)

    quote = next(number for number, row in enumerate(view.model.rows) if row.speaker_name and row.speaker_role)
    view.table.selectRow(quote)
    view.table.setFocus()
    row = view.model.rows[quote]
    press(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    clipboard = QGuiApplication.clipboard().mimeData()
    expected = f"“{row.quote}” — {row.speaker_name}, {row.speaker_role}, {row.account_name}"
    assert clipboard.text() == expected
    assert clipboard.hasHtml()
    assert f"<i>“{row.quote}”</i>" in clipboard.html().replace("&#x27;", "'")
    assert row.speaker_name in clipboard.html()
    assert QKeySequence(QKeySequence.StandardKey.Copy).toString() == "Ctrl+C"
    view.account_kind.setCurrentIndex(0)
    _shot(view, "quote-bank.png")
