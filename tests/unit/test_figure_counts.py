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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def assert_counts_kept(services) -> Insights:
    """The whole notebook's figures and theme counts read from the kept counts equal those
    counted from its findings."""
    kept, counted = _kept_and_counted(services)
    assert kept == counted
    assert services.terms.theme_counts() == services.terms.theme_counts(visit_ids=_visit_ids(services))
    return kept


_assert_same = assert_counts_kept


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


THEMES = ("Downtime", "downtime ", "Pricing", "Énergie", "Energie")
ANSWERS = ("Offer a trial", "offer a  TRIAL", "Show the total cost", "")
ANY_THEMES = st.lists(st.sampled_from(THEMES), max_size=2)
ANY_VISIT = st.integers(0, 2)
ANY_FINDING = st.integers(0, 30)
random_edits = st.lists(
    st.one_of(
        st.tuples(st.just("need"), ANY_VISIT, st.integers(0, 5), ANY_THEMES),
        st.tuples(st.just("objection"), ANY_VISIT, st.sampled_from(ANSWERS), ANY_THEMES),
        st.tuples(st.just("value"), ANY_VISIT, st.sampled_from(("cost", "time", "")), ANY_THEMES),
        st.tuples(st.just("competitor"), ANY_VISIT, st.sampled_from(("Trackr", "trackr", "", "Rapido")),
                  st.sampled_from(("high", "low", ""))),
        st.tuples(st.just("awareness"), ANY_VISIT, st.sampled_from(("Retrofit kit", " ", "Service")), st.booleans()),
        st.tuples(st.just("follow_up"), ANY_VISIT, st.sampled_from(("2001-01-01", "2099-01-01", "")), st.booleans()),
        st.tuples(st.just("tag"), ANY_FINDING, ANY_THEMES),
        st.tuples(st.just("edit"), ANY_FINDING, st.integers(0, 5), st.sampled_from(ANSWERS)),
        st.tuples(st.just("delete"), ANY_FINDING),
        st.tuples(st.just("move"), ANY_VISIT, st.integers(0, 1), st.sampled_from(("2026-01-05", "2026-02-07"))),
        st.tuples(st.just("merge"), st.sampled_from(THEMES), st.sampled_from(THEMES)),
        st.tuples(st.just("rename"), st.sampled_from(THEMES), st.sampled_from(("Uptime", "Cost", "Pricing"))),
        st.tuples(st.just("delete_visit"), ANY_VISIT),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=random_edits)
def test_random_edits_keep_the_counts_equal_to_the_counts_from_the_findings(template_database, tmp_path_factory,
                                                                            edits) -> None:
    from fieldnotes.domain.errors import FieldnotesError
    from fieldnotes.services.session import Services

    path = tmp_path_factory.mktemp("counts") / "notebook.db"
    shutil.copyfile(template_database, path)
    services = Services.open(path, author="tester")
    try:
        notebook = services.notebook
        accounts = [notebook.create_account(name)[0].id for name in ("Brauerei Nord", "Kessel AG")]
        visits = [notebook.create_visit(accounts[number % 2], title=f"Visit {number}",
                                        visited_on=f"2026-0{number + 1}-1{number}")[0].id for number in range(3)]
        for theme in ("Downtime", "Pricing", "Énergie"):
            services.terms.add(TermList.THEME, theme)
        findings: list[str] = []
        kinds: dict[str, str] = {}
        for edit in edits:
            kind = edit[0]
            try:
                if kind in ("need", "objection", "value", "competitor", "awareness", "follow_up"):
                    field, other = {
                        "need": ("severity", None), "objection": ("answer", None), "value": ("value_kind", None),
                        "competitor": ("competitor", "threat"), "awareness": ("offering", "aware"),
                        "follow_up": ("due_on", "done"),
                    }[kind]
                    values = {name: value for name, value in ((field, edit[2]), (other, edit[3])) if name and value}
                    finding_kind = {"value": "value_perceived", "competitor": "competitor_move"}.get(kind, kind)
                    finding, _ = notebook.add_finding(visits[edit[1]], finding_kind, f"{kind} {len(findings)}", values)
                    findings.append(finding.id)
                    kinds[finding.id] = finding_kind
                    if kind in ("need", "objection", "value") and edit[3]:
                        services.terms.set_finding_themes(finding.id, list(edit[3]))
                elif kind in ("tag", "edit", "delete"):
                    if not findings:
                        continue
                    finding_id = findings[edit[1] % len(findings)]
                    if kind == "tag":
                        services.terms.set_finding_themes(finding_id, list(edit[2]))
                    elif kind == "delete":
                        notebook.delete_finding(finding_id)
                        findings.remove(finding_id)
                    elif kinds[finding_id] == "need":
                        notebook.update_finding(finding_id, severity=edit[2] or None)
                    elif kinds[finding_id] == "objection":
                        notebook.update_finding(finding_id, answer=edit[3])
                    else:
                        notebook.update_finding(finding_id, text=f"Edited {edit[2]}")
                elif kind == "move":
                    notebook.update_visit(visits[edit[1]], account_id=accounts[edit[2]], visited_on=edit[3])
                elif kind == "merge":
                    services.terms.merge(TermList.THEME, edit[1], edit[2])
                elif kind == "rename":
                    services.terms.rename(TermList.THEME, edit[1], edit[2])
                else:
                    notebook.delete_visit(visits[edit[1]])
            except FieldnotesError:
                continue  # refused (an unknown name, a field the kind has not, a deleted visit): nothing changed
            assert_counts_kept(services)
    finally:
        services.close()
