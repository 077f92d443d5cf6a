"""The visit list: the window never waits for a count, stale counts are ignored, Delete deletes."""

from __future__ import annotations

import threading
import time

from fieldnotes.services.search import Search
from fieldnotes.ui import visit_list
from fieldnotes.ui.visit_list import VisitListModel


def _add_visits(window, count: int) -> list[str]:
    notebook = window.workspace.services.notebook
    account, _ = notebook.create_account("Acme")
    ids = []
    for day in range(1, count + 1):
        visit, change = notebook.create_visit(account.id, title=f"Visit {day}", visited_on=f"2026-05-{day:02d}")
        window.workspace.notifier.publish(change)
        ids.append(visit.id)
    return ids


def test_a_slow_count_never_freezes_the_window(qtbot, qtmodeltester, open_window, monkeypatch) -> None:
    window = open_window()
    _add_visits(window, 7)
    monkeypatch.setattr(visit_list, "PAGE_SIZE", 3)
    release = threading.Event()
    real_count = Search.count

    def slow_count(self, query):
        release.wait(5)
        return real_count(self, query)

    monkeypatch.setattr(Search, "count", slow_count)
    pane = window.visit_list
    started = time.perf_counter()
    pane.apply_query()
    assert time.perf_counter() - started < 1
    assert pane.model.rowCount() == 3
    assert pane.count_label.text() == "3+ visits, counting…"
    release.set()
    qtbot.waitUntil(lambda: pane.count_label.text() == "7 visits", timeout=5000)
    assert pane.model.rowCount() == 7
    qtbot.waitUntil(lambda: pane.model.data(pane.model.index(6, 1)) == "Visit 1", timeout=5000)
    qtmodeltester.check(pane.model)


def test_the_count_of_an_earlier_search_never_replaces_the_current_one(qtbot, open_window, monkeypatch) -> None:
    window = open_window()
    _add_visits(window, 7)
    monkeypatch.setattr(visit_list, "PAGE_SIZE", 3)
    model: VisitListModel = window.visit_list.model
    model._on_counted(model._generation - 1, 500)  # a count that arrives after the query changed
    assert model.rowCount() == 7


def test_while_searching_the_list_shows_where_the_words_matched(qtbot, open_window) -> None:
    window = open_window()
    notebook = window.workspace.services.notebook
    visit, change = notebook.create_visit(title="Brewery", visited_on="2026-05-01")
    notebook.update_visit(visit.id, summary="They want quieter pumps for the bottling line.")
    window.workspace.notifier.publish(change)
    pane = window.visit_list
    assert pane.table.isColumnHidden(visit_list.MATCH_COLUMN)
    pane.search_box.setText("quiet")
    pane.apply_query()
    assert not pane.table.isColumnHidden(visit_list.MATCH_COLUMN)
    excerpt = pane.model.data(pane.model.index(0, visit_list.MATCH_COLUMN))
    assert "want «quieter» pumps" in excerpt
    pane.search_box.clear()
    pane.apply_query()
    assert pane.table.isColumnHidden(visit_list.MATCH_COLUMN)


def test_scrolling_to_a_page_not_yet_fetched_never_waits_for_it(qtbot, qtmodeltester, open_window, monkeypatch) -> None:
    window = open_window()
    _add_visits(window, 7)
    monkeypatch.setattr(visit_list, "PAGE_SIZE", 3)
    release = threading.Event()
    real_find = Search.find

    def slow_deep_pages(self, query, offset=0, limit=None):
        if offset:
            release.wait(5)
        return real_find(self, query, offset, limit)

    monkeypatch.setattr(Search, "find", slow_deep_pages)
    pane = window.visit_list
    pane.apply_query()
    qtbot.waitUntil(lambda: pane.model.count_known, timeout=5000)
    started = time.perf_counter()
    assert pane.model.data(pane.model.index(5, 1)) == "Loading…"
    assert time.perf_counter() - started < 1
    release.set()
    qtbot.waitUntil(lambda: pane.model.data(pane.model.index(5, 1)) == "Visit 2", timeout=5000)
    assert pane.model.data(pane.model.index(6, 1)) == "Visit 1"
    qtmodeltester.check(pane.model)
