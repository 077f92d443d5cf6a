"""View › Follow-ups: every visit's actions in one list, ticked done in place, filtered, opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtCore import Qt

from fieldnotes.services.session import Services
from fieldnotes.ui import follow_ups_view
from fieldnotes.ui.follow_ups_view import DONE_COLUMN, MINE, FollowUpsView
from fieldnotes.ui.main_window import MainWindow
from tests.gui.conftest import press


def _notebook(services: Services) -> dict[str, str]:
    """Two visits to two accounts; actions of the user (two spellings), Bruno and a done one."""
    notebook = services.notebook
    alveole, _ = notebook.create_account("Laboratoires Alvéole")
    muller, _ = notebook.create_account("Müller Chemie")
    first, _ = notebook.create_visit(alveole.id, title="WFI loop valves", visited_on="2026-03-02T10:00")
    second, _ = notebook.create_visit(muller.id, title="Procurement review", visited_on="2026-03-09T10:00")
    mine, _ = notebook.add_finding(first.id, "follow_up", "Send the valve datasheets",
                                   {"owner": "tester", "due_on": "2020-01-15"})
    bruno, _ = notebook.add_finding(first.id, "follow_up", "Call back about the loop",
                                    {"owner": "Bruno", "due_on": "2099-05-01"})
    also_mine, _ = notebook.add_finding(second.id, "follow_up", "Fill in the questionnaire",
                                        {"owner": "TESTER", "due_on": "2099-01-10"})
    done, _ = notebook.add_finding(second.id, "follow_up", "Quote the lining", {"owner": "Bruno", "done": True})
    return {"first": first.id, "second": second.id, "mine": mine.id, "bruno": bruno.id,
            "also_mine": also_mine.id, "done": done.id, "muller": muller.id}


def _open_view(qtbot, window: MainWindow) -> FollowUpsView:
    assert window.workspace is not None
    action = window.actions_by_name["follow_ups"]
    assert action.shortcut().toString() == "Ctrl+Shift+F"
    with qtbot.waitSignal(window.workspace.show_follow_ups().loaded, timeout=5000, raising=False):
        pass
    view = window.workspace.follow_ups_view
    assert view is not None
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=5000)
    return view


def _reloaded(qtbot, view: FollowUpsView, change) -> None:
    with qtbot.waitSignal(view.loaded, timeout=5000):
        change()


def test_space_ticks_an_action_done_the_open_visit_shows_it_and_ctrl_z_takes_it_back(
        qtbot, qtmodeltester, open_window) -> None:
    window = open_window()
    services = window.workspace.services
    ids = _notebook(services)
    window.workspace.open_visit(ids["first"])
    view = _open_view(qtbot, window)
    qtmodeltester.check(view.model)
    listed = [row.id for row in view.model.rows]
    assert listed == [ids["mine"], ids["also_mine"], ids["bruno"]]  # open ones, overdue first; done hidden
    assert view.model.rows[0].overdue
    assert "overdue" in view.model.data(view.model.index(0, 1))

    view.table.setCurrentIndex(view.model.index(0, 2))
    press(view.table, Qt.Key.Key_Space)
    assert services.notebook.visit(ids["first"]).findings_of("follow_up")[0].get("done") is True
    assert view.model.data(view.model.index(0, DONE_COLUMN), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert not view.model.rows[0].overdue
    # The visit open in the editor was reloaded from the broadcast change.
    editing = window.workspace.editing
    assert editing.visit is not None
    assert editing.visit.findings_of("follow_up")[0].get("done") is True

    view.undo_action.trigger()
    assert services.notebook.visit(ids["first"]).findings_of("follow_up")[0].get("done") is False
    assert view.model.rows[0].done is False
    assert editing.visit.findings_of("follow_up")[0].get("done") is False

    # The checkbox itself ticks too.
    assert view.model.setData(view.model.index(2, DONE_COLUMN), Qt.CheckState.Checked.value,
                              Qt.ItemDataRole.CheckStateRole)
    assert services.notebook.visit(ids["first"]).findings_of("follow_up")[1].get("done") is True
    qtmodeltester.check(view.model)


def test_mine_shows_the_users_actions_whatever_the_spelling_and_filters_combine(qtbot, open_window) -> None:
    window = open_window()
    ids = _notebook(window.workspace.services)
    view = _open_view(qtbot, window)
    _reloaded(qtbot, view, lambda: view.owner_filter.setCurrentIndex(view.owner_filter.findData(MINE)))
    assert [row.id for row in view.model.rows] == [ids["mine"], ids["also_mine"]]
    assert view.count_label.text() == "2 open actions, 1 overdue"

    _reloaded(qtbot, view, lambda: view.account_filter.setCurrentIndex(view.account_filter.findData(ids["muller"])))
    assert [row.id for row in view.model.rows] == [ids["also_mine"]]

    _reloaded(qtbot, view, lambda: view.owner_filter.setCurrentIndex(view.owner_filter.findData("Bruno")))
    assert view.model.rows == []
    _reloaded(qtbot, view, lambda: view.show_done.setChecked(True))
    assert [row.id for row in view.model.rows] == [ids["done"]]


def test_enter_opens_the_visit_at_its_follow_ups(qtbot, open_window) -> None:
    window = open_window()
    ids = _notebook(window.workspace.services)
    window.workspace.open_visit(ids["first"])
    view = _open_view(qtbot, window)
    view.table.setCurrentIndex(view.model.index(1, 2))  # "Fill in the questionnaire", of the second visit
    press(view.table, Qt.Key.Key_Return)
    editing = window.workspace.editing
    assert editing.visit is not None and editing.visit.id == ids["second"]
    assert not view.isVisible()
    assert window.workspace.editor.navigation.currentItem().text().startswith("Follow-up actions")


def test_export_to_calendar_writes_the_open_actions_shown(qtbot, open_window, tmp_path: Path, monkeypatch) -> None:
    window = open_window()
    ids = _notebook(window.workspace.services)
    view = _open_view(qtbot, window)
    _reloaded(qtbot, view, lambda: view.show_done.setChecked(True))
    target = tmp_path / "actions.ics"
    monkeypatch.setattr(window, "choose_file", lambda *args, **kwargs: target)
    view.export_button.click()
    qtbot.waitUntil(lambda: "Wrote" in view.count_label.text(), timeout=5000)  # written off the GUI thread
    todos = Calendar.from_ical(target.read_bytes()).walk("VTODO")
    assert sorted(str(todo["UID"]).split("@")[0] for todo in todos) == sorted([ids["mine"], ids["also_mine"],
                                                                                ids["bruno"]])
    assert "Wrote 3 to-dos" in view.count_label.text()


def _many_actions(services: Services, count: int) -> None:
    """`count` actions over four visits, every third one done; some share a due date, some have none."""
    notebook = services.notebook
    account, _ = notebook.create_account("Laboratoires Alvéole")
    visits = [notebook.create_visit(account.id, title=f"Visit {number}", visited_on=f"2026-03-0{number + 1}T10:00")[0]
              for number in range(4)]
    for number in range(count):
        attributes: dict[str, object] = {"owner": "Bruno", "done": number % 3 == 0}
        if number % 7:
            attributes["due_on"] = f"2026-04-{number % 11 + 1:02d}"
        notebook.add_finding(visits[number % 4].id, "follow_up", f"Action {number}", attributes)


def _scroll_to_the_end(qtbot, view: FollowUpsView, total: int) -> None:
    """Scroll down as a user does until every row is listed (each time the list ends, a page is read)."""
    for _ in range(total):
        if view.model.rowCount() >= total:
            return
        rows = view.model.rowCount()
        view.table.scrollToBottom()
        view.table.setCurrentIndex(view.model.index(rows - 1, 2))
        press(view.table, Qt.Key.Key_End)
        qtbot.waitUntil(lambda rows=rows: view.model.rowCount() > rows, timeout=5000)
    assert view.model.rowCount() == total


def _long_list(qtbot, open_window, monkeypatch, show_done: bool):
    """The view over 60 actions (20 done) read five at a time: the services, the view, and
    the ids the whole list holds in listing order."""
    monkeypatch.setattr(follow_ups_view, "PAGE_SIZE", 5)
    window = open_window()
    services = window.workspace.services
    _many_actions(services, 60)
    view = _open_view(qtbot, window)
    if show_done:
        _reloaded(qtbot, view, lambda: view.show_done.setChecked(True))
    return services, view, [row.id for row in services.follow_ups.rows(include_done=show_done)]


@pytest.mark.parametrize("show_done", [False, True])
def test_a_long_list_shows_its_first_page_and_the_next_ones_as_it_is_scrolled_in_listing_order(
        qtbot, qtmodeltester, open_window, monkeypatch, show_done: bool) -> None:
    _services, view, expected = _long_list(qtbot, open_window, monkeypatch, show_done)
    assert len(expected) == (60 if show_done else 40)
    # The counts are the whole list's, though only the first pages are read.
    assert view.count_label.text().startswith("40 open actions")
    assert view.model.rowCount() < len(expected)
    _scroll_to_the_end(qtbot, view, len(expected))
    assert [row.id for row in view.model.rows] == expected
    if view.model.canFetchMore():  # the last page was full: one more read finds the end
        with qtbot.waitSignal(view.model.pageLoaded, timeout=5000):
            view.model.fetchMore()
    assert view.model.rowCount() == len(expected)
    assert not view.model.canFetchMore()
    qtmodeltester.check(view.model)


@pytest.mark.parametrize("show_done", [False, True])
def test_ticking_done_on_a_later_page_keeps_every_row_after_it_once(
        qtbot, open_window, monkeypatch, show_done: bool) -> None:
    services, view, expected = _long_list(qtbot, open_window, monkeypatch, show_done)
    _scroll_to_the_end(qtbot, view, 12)  # the third page is read
    view.table.setCurrentIndex(view.model.index(7, 2))  # on the second page, open
    ticked = view.model.rows[7]
    assert not ticked.done
    press(view.table, Qt.Key.Key_Space)
    done = {finding.id: finding.get("done") for finding in services.notebook.visit(ticked.visit_id).findings}
    assert done[ticked.id] is True
    assert view.model.rows[7].done and view.model.rows[7].id == ticked.id  # it stays where it was ticked
    assert view.count_label.text().startswith("39 open actions")

    # The pages after it hold every row that followed it, once, though it now sorts among the done.
    _scroll_to_the_end(qtbot, view, len(expected))
    assert [row.id for row in view.model.rows] == expected

    view.undo_action.trigger()
    assert not view.model.rows[7].done
    assert view.count_label.text().startswith("40 open actions")
    done = {finding.id: finding.get("done") for finding in services.notebook.visit(ticked.visit_id).findings}
    assert done[ticked.id] is False


def test_home_and_end_go_to_the_first_and_the_last_action_and_end_reads_on(
        qtbot, open_window, monkeypatch) -> None:
    monkeypatch.setattr(follow_ups_view, "PAGE_SIZE", 5)
    window = open_window()
    _many_actions(window.workspace.services, 60)
    view = _open_view(qtbot, window)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(1, 2))
    rows = view.model.rowCount()
    press(view.table, Qt.Key.Key_End)
    assert view.table.currentIndex().row() == rows - 1
    assert view.table.selectionModel().isRowSelected(rows - 1)
    # The list read on as the end came into sight: End again goes further down.
    qtbot.waitUntil(lambda: view.model.rowCount() > rows, timeout=5000)
    press(view.table, Qt.Key.Key_End)
    assert view.table.currentIndex().row() == view.model.rowCount() - 1 > rows - 1
    press(view.table, Qt.Key.Key_Home)
    assert view.table.currentIndex().row() == 0
    assert view.table.selectionModel().isRowSelected(0)
