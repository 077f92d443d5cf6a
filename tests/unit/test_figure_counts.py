"""The insights' counts kept as the notebook changes (`storage.figure_counts`): after every
kind of edit, the whole notebook's figures read from them equal the figures counted from
the findings themselves."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from fieldnotes.domain.insights import Insights, InsightScope
from fieldnotes.domain.terms import TermList
from fieldnotes.storage import figure_counts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: A scope of every visit that is not the whole notebook, so its figures are counted from the findings.
EVERY_VISIT = InsightScope(date_from="0001-01-01")


def _kept_and_counted(services) -> tuple[Insights, Insights]:
    with services.insights._connections.using() as connection:
        assert figure_counts.is_current(connection)
    kept = services.insights.compute(InsightScope())
    counted = services.insights.compute(EVERY_VISIT)
    return kept, dataclasses.replace(counted, scope=InsightScope())


def _assert_same(services) -> Insights:
    kept, counted = _kept_and_counted(services)
    assert kept == counted
    return kept


def _visit_ids(services) -> list[str]:
    connection = sqlite3.connect(services.database.path)
    try:
        return [visit_id for (visit_id,) in connection.execute("SELECT id FROM visit ORDER BY id")]
    finally:
        connection.close()


@pytest.fixture
def sample(services):
    from fieldnotes.services.sample import load_sample_team

    load_sample_team(services)
    return services


def test_the_sample_team_counts_kept_equal_the_counts_from_its_findings(sample) -> None:
    insights = _assert_same(sample)
    assert insights.visits > 10 and insights.needs and insights.objections and insights.competitors
    assert any(figure.answers for figure in insights.objections)
    assert any(source.by_role for source in insights.sources)


def test_edits_of_findings_and_visits_keep_the_counts_equal(sample) -> None:
    notebook = sample.notebook
    first, second = _visit_ids(sample)[:2]
    need, _ = notebook.add_finding(first, "need", "Spare parts take weeks", {"severity": 5})
    sample.terms.set_finding_themes(need.id, ["Delivery times", "Lead times"])
    _assert_same(sample)

    notebook.update_finding(need.id, severity=1)
    objection, _ = notebook.add_finding(second, "objection", "Too slow", {"answer": "  Ship from  the local depot"})
    sample.terms.set_finding_themes(objection.id, ["Delivery times"])
    _assert_same(sample)

    notebook.update_finding(objection.id, answer="ship from the local depot")
    notebook.add_finding(second, "competitor_move", "Same-day delivery", {"competitor": "Rapido", "threat": "high"})
    notebook.add_finding(second, "follow_up", "Ask the depot", {"due_on": "2001-01-01"})
    notebook.add_finding(second, "awareness", "Knew the depot", {"offering": "Depot service", "aware": True})
    _assert_same(sample)

    accounts = notebook.accounts()
    notebook.update_visit(first, account_id=accounts[-1].id, visited_on="2019-02-03")
    _assert_same(sample)

    notebook.delete_finding(need.id)
    notebook.delete_visit(second)
    insights = _assert_same(sample)
    assert all(figure.name != "Rapido" for figure in insights.competitors)


def _themed_figures(insights: Insights) -> list:
    return [*insights.needs, *insights.objections, *insights.values]


def test_merging_renaming_and_themes_of_the_same_name_keep_the_counts_equal(sample) -> None:
    used = list(dict.fromkeys(figure.theme for figure in _themed_figures(_assert_same(sample)) if figure.theme))
    assert len(used) >= 4
    sample.terms.merge(TermList.THEME, used[0], used[1])
    merged = _assert_same(sample)
    assert used[0] not in {figure.theme for figure in _themed_figures(merged)}
    sample.terms.rename(TermList.THEME, used[2], "Renamed theme")
    renamed = _assert_same(sample)
    assert "Renamed theme" in {figure.theme for figure in _themed_figures(renamed)}
    # Another laptop added a theme of the same name under a smaller id: from now on the
    # older theme's findings count under the newcomer's id (`domain.terms.canonical_ids`).
    twin = "00000000-0000-4000-8000-000000000000"
    connection = sqlite3.connect(sample.database.path)
    with connection:
        connection.execute(
            "INSERT INTO term (id, list, name, merged_into, position, created_at, updated_at, updated_by) "
            "VALUES (?, 'theme', ?, NULL, 99, '2026-06-01T00:00:00Z', '2026-06-01T00:00:00Z', 'other')",
            (twin, f" {used[3].lower()} "))
    connection.close()
    sample.terms.add(TermList.THEME, "An edit after the sync")
    twinned = _assert_same(sample)
    assert {figure.theme_id for figure in _themed_figures(twinned) if figure.theme_id == twin} == {twin}


def test_a_theme_id_the_notebook_does_not_know_yet_counts_as_none_until_it_arrives(sample) -> None:
    notebook = sample.notebook
    need, _ = notebook.add_finding(_visit_ids(sample)[0], "need", "Needs a theme from elsewhere", {"severity": 2})
    unknown = "eeeeeeee-eeee-4eee-beee-eeeeeeeeeeee"
    path = sample.database.path
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE finding SET theme_ids = ? WHERE id = ?", (json.dumps([unknown]), need.id))
    connection.close()
    # Written behind the notebook's back: nothing has recounted it, so the figures are
    # counted from the findings until the next edit does.
    with sample.insights._connections.using() as reading:
        assert not figure_counts.is_current(reading)
    before = sample.insights.compute(InsightScope())
    assert before == dataclasses.replace(sample.insights.compute(EVERY_VISIT), scope=InsightScope())

    sample.terms.add(TermList.THEME, "Anything")  # an edit: the notebook is recounted
    _assert_same(sample)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO term (id, list, name, merged_into, position, created_at, updated_at, updated_by) "
            "VALUES (?, 'theme', 'Arrived late', NULL, 99, '2026-06-01T00:00:00Z', '2026-06-01T00:00:00Z', 'other')",
            (unknown,))
    connection.close()
    sample.terms.add(TermList.THEME, "Anything else")
    arrived = _assert_same(sample)
    assert any(figure.theme == "Arrived late" and figure.findings == 1 for figure in arrived.needs)


def test_an_upgraded_notebook_is_counted_when_it_is_opened(tmp_path) -> None:
    from fieldnotes.services.session import Services

    path = tmp_path / "upgraded.db"
    shutil.copyfile(FIXTURES / "sample-team-schema-0006.db", path)
    services = Services.open(path, author="tester")
    try:
        with services.insights._connections.using() as connection:
            assert figure_counts.is_current(connection)
            kept_visits = connection.execute("SELECT count(*) FROM figure_visit").fetchone()[0]
            assert kept_visits == connection.execute("SELECT count(*) FROM visit").fetchone()[0] > 0
        _assert_same(services)
    finally:
        services.close()


def test_counts_kept_for_a_visit_are_taken_away_when_it_goes(services) -> None:
    account, _ = services.notebook.create_account("Brauerei Nord")
    visit, _ = services.notebook.create_visit(account.id, title="Once", visited_on="2026-03-02")
    services.notebook.add_finding(visit.id, "need", "Seals fail", {"severity": 4})
    services.notebook.delete_visit(visit.id)
    with services.insights._connections.using() as connection:
        assert connection.execute("SELECT count(*) FROM figure_count").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM figure_account").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM figure_visit").fetchone()[0] == 0
