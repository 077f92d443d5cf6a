"""Insights across visits: `fieldnotes insights --json` on a notebook whose answers are known,
the scopes the app passes, and the summary report built on the same figures."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldnotes.domain.errors import OperationCancelled
from fieldnotes.domain.insights import InsightScope
from fieldnotes.domain.terms import TermList
from fieldnotes.services.reports import write_summary_report
from tests.unit.report_support import contains, pdf_text

REPO = Path(__file__).resolve().parents[2]


def _crafted(services) -> dict[str, str]:
    """Two accounts, four visits; themes merged and duplicated as other laptops leave them.

    Known answers: needs under "Downtime" (one tagged directly, one with a theme merged into
    it elsewhere, one with a same-named duplicate) = 3 findings in 3 visits to 2 accounts,
    most severe 5; one untagged need; objections under "Pricing" = 3 with the answers
    "Show the total cost of ownership" (twice, spelled two ways) then "Offer a trial";
    "Retrofit kit": known at Brauerei Nord, new to Kessel AG; follow-ups: 2 open (1 overdue), 1 done.
    """
    notebook = services.notebook
    nord, _ = notebook.create_account("Brauerei Nord")
    kessel, _ = notebook.create_account("Kessel AG")
    first, _ = notebook.create_visit(nord.id, title="Nord in March", visited_on="2026-03-02")
    second, _ = notebook.create_visit(kessel.id, title="Kessel in April", visited_on="2026-04-10")
    third, _ = notebook.create_visit(kessel.id, title="Kessel in May", visited_on="2026-05-20")
    fourth, _ = notebook.create_visit(nord.id, title="Nord in May", visited_on="2026-05-28")
    tagged, _ = notebook.add_finding(first.id, "need", "Seals fail every six weeks", {"severity": 4})
    merged, _ = notebook.add_finding(second.id, "need", "Line stops when a pump fails", {"severity": 5})
    duplicate, _ = notebook.add_finding(fourth.id, "need", "Unplanned stops on line 2", {"severity": 3})
    notebook.add_finding(third.id, "need", "Nobody reads the manual", {"severity": 2})
    services.terms.set_finding_themes(tagged.id, ["Downtime"])
    services.terms.set_finding_themes(merged.id, ["Stillstand"])
    for visit, answer in ((first, "Show the total cost of ownership"), (second, "show the total  cost of ownership"),
                          (third, "Offer a trial")):
        objection, _ = notebook.add_finding(visit.id, "objection", "Too expensive", {"answer": answer})
        services.terms.set_finding_themes(objection.id, ["Pricing"])
    services.terms.add(TermList.COMPETITOR, "Trackr")
    notebook.add_finding(first.id, "competitor_move", "Pilot offer", {"competitor": "Trackr", "threat": "high"})
    notebook.add_finding(fourth.id, "competitor_move", "Price cut", {"competitor": "Trackr", "threat": "low"})
    notebook.add_finding(first.id, "awareness", "Knew the kit", {"offering": "Retrofit kit", "aware": True})
    notebook.add_finding(second.id, "awareness", "Had not heard of it", {"offering": "Retrofit kit", "aware": False})
    notebook.add_finding(first.id, "follow_up", "Send the quote", {"due_on": "2000-01-01"})
    notebook.add_finding(second.id, "follow_up", "Call back", {})
    notebook.add_finding(third.id, "follow_up", "Sent the brochure", {"done": True})
    downtime = services.terms.index().find(TermList.THEME, "Downtime")
    assert downtime is not None
    path = services.database.path
    services.close()
    # What sync brings from other laptops: "Stillstand" merged into "Downtime" there, and
    # "downtime" added again under a new id and used on a finding.
    twin = "ffffffff-ffff-4fff-bfff-ffffffffffff"  # the larger id: the list keeps the first entry's name
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE sync_state SET applying = 1")
        connection.execute("UPDATE term SET merged_into = ? WHERE name = 'Stillstand'", (downtime.id,))
        connection.execute(
            "INSERT INTO term (id, list, name, merged_into, position, created_at, updated_at, updated_by) "
            "VALUES (?, 'theme', 'downtime ', NULL, 9, '2026-06-01T00:00:00Z', '2026-06-01T00:00:00Z', 'other')",
            (twin,))
        connection.execute("UPDATE finding SET theme_ids = ? WHERE id = ?", (json.dumps([twin]), duplicate.id))
        connection.execute("UPDATE sync_state SET applying = 0")
    connection.close()
    return {"nord": nord.id, "kessel": kessel.id, "downtime": downtime.id, "first": first.id, "second": second.id}


def _insights_json(database: Path, *options: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "fieldnotes", "--db", str(database), "insights", "--json",
                             *options], capture_output=True, text=True, cwd=REPO, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_insights_json_counts_themes_merged_untagged_offerings_and_overdue(services, database_path) -> None:
    ids = _crafted(services)
    figures = _insights_json(database_path)
    assert (figures["visits"], figures["accounts"]) == (4, 2)
    downtime, untagged = figures["needs"]
    assert {key: downtime[key] for key in ("theme", "findings", "visits", "accounts", "max_severity")} == {
        "theme": "Downtime", "findings": 3, "visits": 3, "accounts": 2, "max_severity": 5}
    assert downtime["theme_id"] == ids["downtime"]
    assert {key: untagged[key] for key in ("theme", "findings", "visits", "accounts", "max_severity")} == {
        "theme": None, "findings": 1, "visits": 1, "accounts": 1, "max_severity": 2}
    (pricing,) = figures["objections"]
    assert (pricing["theme"], pricing["findings"]) == ("Pricing", 3)
    assert pricing["answers"] == ["Show the total cost of ownership", "Offer a trial"]
    (trackr,) = figures["competitors"]
    assert {key: trackr[key] for key in ("name", "moves", "visits", "last_seen", "highest_threat")} == {
        "name": "Trackr", "moves": 2, "visits": 2, "last_seen": "2026-05-28", "highest_threat": "high"}
    (kit,) = figures["offerings"]
    assert {key: kit[key] for key in ("name", "aware_accounts", "unaware_accounts", "unaware_account_names")} == {
        "name": "Retrofit kit", "aware_accounts": 1, "unaware_accounts": 1, "unaware_account_names": ["Kessel AG"]}
    assert figures["follow_ups"] == {"open": 2, "overdue": 1, "done": 1}


def test_insights_narrow_to_an_account_and_a_period(services, database_path) -> None:
    _crafted(services)
    kessel = _insights_json(database_path, "--account", "kessel")
    assert kessel["visits"] == 2
    assert [(need["theme"], need["findings"]) for need in kessel["needs"]] == [("Downtime", 1), (None, 1)]
    assert kessel["offerings"][0]["aware_accounts"] == 0
    may = _insights_json(database_path, "--from", "2026-05-01", "--to", "2026-05-28")
    assert may["visits"] == 2
    assert may["competitors"][0]["moves"] == 1
    assert may["competitors"][0]["new_this_period"] is False  # first seen in March, before the period


def test_insights_text_summary_and_refusals(services, database_path) -> None:
    _crafted(services)
    result = subprocess.run([sys.executable, "-m", "fieldnotes", "--db", str(database_path), "insights"],
                            capture_output=True, text=True, cwd=REPO, timeout=120, check=False)
    assert result.returncode == 0
    assert "Downtime" in result.stdout and "(no theme)" in result.stdout
    assert "Show the total cost of ownership" in result.stdout
    assert "1 overdue" in result.stdout
    refused = subprocess.run([sys.executable, "-m", "fieldnotes", "--db", str(database_path), "insights",
                              "--from", "2026-06-01", "--to", "2026-01-01"],
                             capture_output=True, text=True, cwd=REPO, timeout=120, check=False)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "after" in refused.stderr


def test_the_service_takes_the_visits_a_search_listed_and_names_the_findings(services) -> None:
    ids = _crafted(services)
    from fieldnotes.services.session import Services

    reopened = Services.open(services.database.path, author="tester")
    try:
        scope = InsightScope(visit_ids=frozenset({ids["first"], ids["second"]}))
        figures = reopened.insights.compute(scope, with_finding_ids=True)
        assert figures.visits == 2
        downtime = figures.needs[0]
        assert (downtime.theme, downtime.findings, len(downtime.finding_ids)) == ("Downtime", 2, 2)
        needs = {visit_id: [f.id for f in reopened.notebook.visit(visit_id).findings if f.kind == "need"]
                 for visit_id in (ids["first"], ids["second"])}
        assert set(downtime.finding_ids) == {needs[ids["first"]][0], needs[ids["second"]][0]}
        lazily = reopened.insights.compute(scope).needs[0]
        assert lazily.finding_ids == () and lazily.findings == 2
        assert sorted(reopened.insights.findings_behind(scope, lazily)) == sorted(downtime.finding_ids)
        steps: list[tuple[int, int]] = []
        reopened.insights.compute(InsightScope(), progress=lambda done, total: steps.append((done, total)))
        assert steps and steps[-1][0] == steps[-1][1]
        with pytest.raises(OperationCancelled):
            reopened.insights.compute(InsightScope(), cancelled=lambda: True)
    finally:
        reopened.close()


def test_every_figure_reads_the_findings_behind_it_when_asked(services) -> None:
    ids = _crafted(services)
    from fieldnotes.services.session import Services

    reopened = Services.open(services.database.path, author="tester")
    try:
        for scope in (InsightScope(), InsightScope(account_id=ids["nord"]),
                      InsightScope(visit_ids=frozenset({ids["first"], ids["second"]}))):
            eager = reopened.insights.compute(scope, with_finding_ids=True)
            lazy = reopened.insights.compute(scope)
            assert lazy == _without_ids(eager)
            figures = [*eager.needs, *eager.objections, *eager.values, *eager.sources, *eager.competitors,
                       *eager.offerings]
            assert any(figure.finding_ids for figure in figures)
            for figure, lazy_figure in zip(figures, [*lazy.needs, *lazy.objections, *lazy.values, *lazy.sources,
                                                     *lazy.competitors, *lazy.offerings], strict=True):
                assert sorted(reopened.insights.findings_behind(scope, lazy_figure)) == sorted(figure.finding_ids)
            for source in eager.sources:
                for role, role_ids in source.role_finding_ids:
                    assert sorted(reopened.insights.findings_behind(scope, source, role)) == sorted(role_ids)
            objections = reopened.insights.findings_of_kind(scope, "objection")
            assert sorted(objections) == sorted(i for figure in eager.objections for i in figure.finding_ids)
    finally:
        reopened.close()


def test_the_sample_team_figures_counted_alone_match_the_findings_behind_them(services) -> None:
    from fieldnotes.services.sample import load_sample_team

    load_sample_team(services)
    scope = InsightScope()
    eager = services.insights.compute(scope, with_finding_ids=True)
    lazy = services.insights.compute(scope)
    assert lazy == _without_ids(eager)
    assert eager.sources and any(len(source.by_role) > 1 for source in eager.sources)
    for source in lazy.sources:
        behind = services.insights.findings_behind(scope, source)
        assert source.today + source.preferred == len(behind)
        for role, today, preferred in source.by_role:
            assert today + preferred == len(services.insights.findings_behind(scope, source, role))
    for theme_figure in (*lazy.needs, *lazy.objections, *lazy.values):
        assert len(services.insights.findings_behind(scope, theme_figure)) == theme_figure.findings
    for competitor in lazy.competitors:
        assert len(services.insights.findings_behind(scope, competitor)) == competitor.moves


def _without_ids(insights):
    """The figures as computed without the findings behind them."""
    from dataclasses import replace

    def bare(figures):
        return tuple(replace(figure, finding_ids=(), **({"role_finding_ids": ()} if hasattr(
            figure, "role_finding_ids") else {})) for figure in figures)

    return replace(insights, needs=bare(insights.needs), objections=bare(insights.objections),
                   values=bare(insights.values), sources=bare(insights.sources),
                   competitors=bare(insights.competitors), offerings=bare(insights.offerings))


def test_summary_report_shows_themes_objections_with_answers_and_candidates(services, tmp_path) -> None:
    nord, _ = services.notebook.create_account("Brauerei Nord")
    services.notebook.add_contact(nord.id, "Jana Brandt", role="Brewmaster", reference="case_study",
                                  consent="granted")
    visits = []
    for day in ("2026-03-02", "2026-04-10"):
        visit, _ = services.notebook.create_visit(nord.id, title=f"Visit {day}", visited_on=day)
        need, _ = services.notebook.add_finding(visit.id, "need", f"Seals fail ({day})", {"severity": 4})
        services.terms.set_finding_themes(need.id, ["Downtime"])
        visits.append(visit.id)
    objection, _ = services.notebook.add_finding(visits[0], "objection", "Too expensive",
                                                 {"answer": "Show the total cost of ownership"})
    services.terms.set_finding_themes(objection.id, ["Pricing"])
    target = write_summary_report(services, visits, tmp_path / "summary.pdf")
    text = pdf_text(target)
    assert contains(text, "Needs that come up most, by theme")
    assert contains(text, "Downtime")
    assert contains(text, "Objections and the answers that worked")
    assert contains(text, "Show the total cost of ownership")
    assert contains(text, "Testimonial and case-study candidates")
    assert contains(text, "Jana Brandt") and contains(text, "Consent granted")
    from pypdf import PdfReader

    extracted = "\n".join(page.extract_text() or "" for page in PdfReader(str(target)).pages)
    # The needs table: the theme, then its visits, accounts and needs.
    assert contains(extracted, "Downtime 2 1 2")
