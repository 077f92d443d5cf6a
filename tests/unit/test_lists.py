"""The team's lists of competitors, offerings and stages: counts, merges, the competitor filter,
names typed in findings, and the command line."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldnotes.domain.errors import NotFoundError, ValidationError
from fieldnotes.domain.model import new_id
from fieldnotes.domain.terms import DEFAULT_STAGES, TermList
from fieldnotes.services.reports import write_visit_report
from fieldnotes.services.search import VisitQuery
from fieldnotes.services.session import Services
from tests.unit.report_support import pdf_text

COMPETITOR = TermList.COMPETITOR


def _competitor_moves(services: Services, visit_id: str, *names: str) -> None:
    for name in names:
        services.notebook.add_finding(visit_id, "competitor_move", f"{name} cut prices", {"competitor": name})


def _names_in_findings(database_path: Path, column: str) -> list[str]:
    with sqlite3.connect(database_path) as connection:
        return [row[0] for row in connection.execute(
            f"SELECT {column} FROM finding WHERE coalesce({column}, '') != '' ORDER BY {column}")]


def test_merging_competitors_rewrites_findings_and_counts_them_as_one(services: Services, database_path) -> None:
    north, _ = services.notebook.create_account("North Mills")
    south, _ = services.notebook.create_account("South Mills")
    first, _ = services.notebook.create_visit(north.id, title="First")
    second, _ = services.notebook.create_visit(south.id, title="Second")
    _competitor_moves(services, first.id, "Aquameca", "Aqu")
    _competitor_moves(services, second.id, "AquaMeca GmbH", "Hydronix")

    before = {line.name: (line.entry, line.findings, line.visits, line.accounts)
              for line in services.terms.usage(COMPETITOR)}
    assert before == {"Aquameca": (False, 1, 1, 1), "Aqu": (False, 1, 1, 1), "AquaMeca GmbH": (False, 1, 1, 1),
                      "Hydronix": (False, 1, 1, 1)}

    services.terms.merge(COMPETITOR, "AquaMeca GmbH", "Aquameca")
    _, change = services.terms.merge(COMPETITOR, "Aqu", "aquameca")  # a name in use, in another case
    assert change.visit_ids == {first.id}
    lines = [(line.name, line.entry, line.findings, line.visits, line.accounts)
             for line in services.terms.usage(COMPETITOR)]
    assert lines == [("Aquameca", True, 3, 2, 2), ("Hydronix", False, 1, 1, 1)]
    assert _names_in_findings(database_path, "competitor") == ["Aquameca"] * 3 + ["Hydronix"]
    # The merged names stay, so that a finding still spelled the old way counts with the entry.
    assert services.terms.canonical_name(COMPETITOR, "aqu") == "Aquameca"
    assert services.search.competitors() == ["Aquameca", "Hydronix"]


def test_the_competitor_filter_finds_findings_still_spelled_with_a_merged_name(services: Services,
                                                                               database_path) -> None:
    merged_here, _ = services.notebook.create_visit(title="Typed here")
    from_a_laptop, _ = services.notebook.create_visit(title="Typed on a laptop that had not seen the merge")
    accented, _ = services.notebook.create_visit(title="Typed with an accent")
    elsewhere, _ = services.notebook.create_visit(title="Another competitor")
    _competitor_moves(services, merged_here.id, "Aqu")
    _competitor_moves(services, elsewhere.id, "Hydronix")
    services.terms.add(COMPETITOR, "Aquameca")
    services.terms.merge(COMPETITOR, "Aqu", "Aquameca")
    # What another laptop sends after the merge: the old spelling, and one with other accents.
    with sqlite3.connect(database_path) as connection:
        for visit_id, name in ((from_a_laptop.id, "AQU"), (accented.id, "Aquaméca")):
            connection.execute(
                "INSERT INTO finding (id, visit_id, kind, position, text, competitor, created_at, updated_at, "
                "updated_by, theme_ids) VALUES (?, ?, 'competitor_move', 0, 'seen', ?, '2026-01-01T00:00:00Z', "
                "'2026-01-01T00:00:00Z', 'laptop', '[]')", (new_id(), visit_id, name))

    def found(name: str) -> set[str]:
        return {row.title for row in services.search.find_rows(VisitQuery(competitor=name))}

    expected = {merged_here.title, from_a_laptop.title, accented.title}
    assert found("Aquameca") == expected
    assert found("aqu") == expected  # a merged name finds its entry's visits too
    assert services.search.count(VisitQuery(competitor="Aquameca")) == 3
    assert found("Hydronix") == {elsewhere.title}
    assert found("Unknown") == set()


def test_typed_names_are_written_as_the_list_spells_them(services: Services) -> None:
    visit, _ = services.notebook.create_visit(title="Typing")
    services.terms.add(COMPETITOR, "Aquameca")
    services.terms.add(COMPETITOR, "Aqu")
    services.terms.merge(COMPETITOR, "Aqu", "Aquameca")
    services.terms.add(TermList.OFFERING, "Service plans")
    typed, _ = services.notebook.add_finding(visit.id, "competitor_move", "", {"competitor": "  aquaméca "})
    merged, _ = services.notebook.add_finding(visit.id, "competitor_move", "", {"competitor": "AQU"})
    new, _ = services.notebook.add_finding(visit.id, "competitor_move", "", {"competitor": "Brand new Ltd"})
    offering, _ = services.notebook.add_finding(visit.id, "awareness", "", {"offering": "service PLANS"})
    services.notebook.update_finding(new.id, competitor="aqu")
    # A name typed in another kind's field is not a list entry and stays as typed.
    other, _ = services.notebook.add_finding(visit.id, "buying_centre", "", {"person": "aqu"})
    stored = {f.id: f for f in services.notebook.visit(visit.id).findings}
    assert [stored[f.id].get("competitor") for f in (typed, merged, new)] == ["Aquameca"] * 3
    assert stored[offering.id].get("offering") == "Service plans"
    assert stored[other.id].get("person") == "aqu"
    # Stages too, on the visit's next step.
    services.terms.add(TermList.STAGE, "Proposal")
    services.notebook.update_visit(visit.id, next_step_stage="proposal")
    assert services.notebook.visit(visit.id).next_step_stage == "Proposal"


def test_an_import_keeps_names_exactly_as_written(services: Services, tmp_path: Path) -> None:
    services.terms.add(COMPETITOR, "Aquameca")
    visit, _ = services.notebook.create_visit(title="Round trip")
    with sqlite3.connect(services.database.path) as connection:
        connection.execute(
            "INSERT INTO finding (id, visit_id, kind, position, text, competitor, created_at, updated_at, updated_by, "
            "theme_ids) VALUES (?, ?, 'competitor_move', 0, '', 'AQUAMECA', '2026-01-01T00:00:00Z', "
            "'2026-01-01T00:00:00Z', 'x', '[]')", (new_id(), visit.id))
    exported = tmp_path / "out.json"
    services.interchange.export_file(exported)
    fresh = Services.open(tmp_path / "fresh.db", author="other")
    try:
        fresh.interchange.import_file(exported)
        assert [f.get("competitor") for f in fresh.notebook.visit(visit.id).findings] == ["AQUAMECA"]
    finally:
        fresh.close()


def test_rename_and_merge_refuse_what_would_lose_a_name(services: Services) -> None:
    services.terms.add(COMPETITOR, "Aquameca")
    services.terms.add(COMPETITOR, "Hydronix")
    with pytest.raises(ValidationError, match="merge"):
        services.terms.rename(COMPETITOR, "Hydronix", "aquameca")
    with pytest.raises(ValidationError, match="already one"):
        services.terms.merge(COMPETITOR, "AQUAMECA", "Aquameca")
    with pytest.raises(NotFoundError, match="no competitor named 'Nobody'"):
        services.terms.merge(COMPETITOR, "Nobody", "Aquameca")
    assert [t.name for t in services.terms.entries(COMPETITOR)] == ["Aquameca", "Hydronix"]


def test_an_entry_added_twice_stays_one_when_renamed_or_merged(services: Services, database_path) -> None:
    """Two laptops added the same competitor; renaming one must not bring the other back."""
    services.terms.add(COMPETITOR, "Aquameca")
    with sqlite3.connect(database_path) as connection:
        connection.execute(
            "INSERT INTO term (id, list, name, merged_into, position, created_at, updated_at, updated_by) "
            "VALUES ('00000000-twin', 'competitor', 'aquameca', NULL, 0, '2026-01-01T00:00:00Z', "
            "'2026-01-01T00:00:00Z', 'laptop')")
    assert [t.name for t in services.terms.entries(COMPETITOR)] == ["aquameca"]
    services.terms.rename(COMPETITOR, "Aquameca", "Aquameca AG")
    assert [t.name for t in services.terms.entries(COMPETITOR)] == ["Aquameca AG"]
    services.terms.add(COMPETITOR, "Hydronix")
    services.terms.merge(COMPETITOR, "Aquameca AG", "Hydronix")
    assert [t.name for t in services.terms.entries(COMPETITOR)] == ["Hydronix"]


def test_stages_show_the_default_funnel_until_the_first_edit_writes_it(services: Services) -> None:
    assert [line.name for line in services.terms.usage(TermList.STAGE)] == list(DEFAULT_STAGES)
    assert services.terms.entries(TermList.STAGE) == []
    services.terms.rename(TermList.STAGE, "Lead", "Prospect")
    assert [t.name for t in services.terms.entries(TermList.STAGE)] == ["Prospect", *DEFAULT_STAGES[1:]]


def test_a_name_in_use_joins_the_end_of_the_funnel(services: Services) -> None:
    visit, _ = services.notebook.create_visit(title="Old stage name")
    services.notebook.update_visit(visit.id, next_step_stage="Pilot")
    services.terms.move(TermList.STAGE, "Lead", 1)  # writes the default funnel
    services.terms.rename(TermList.STAGE, "Pilot", "Pilot project")
    names = [t.name for t in services.terms.entries(TermList.STAGE)]
    assert names[-1] == "Pilot project" and names[:2] == ["Qualified", "Lead"]
    assert [(line.name, line.findings) for line in services.terms.usage(TermList.STAGE)][-1] == ("Pilot project", 1)


def test_the_visit_report_shows_the_offering_of_an_awareness_finding(services: Services, tmp_path: Path) -> None:
    visit, _ = services.notebook.create_visit(title="Review")
    services.notebook.add_finding(visit.id, "awareness", "They buy filters elsewhere", {"offering": "Filter service"})
    services.notebook.add_finding(visit.id, "awareness", "", {"offering": "Remote monitoring", "aware": True})
    text = pdf_text(write_visit_report(services, visit.id, tmp_path / "visit.pdf"))
    assert "DID NOT KNOW Filter service — They buy filters elsewhere" in " ".join(text.split())
    assert "ALREADY AWARE Remote monitoring" in " ".join(text.split())


# --- the command line, in a process of its own --------------------------------------------


def _fieldnotes(database: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fieldnotes", "--db", str(database), *arguments],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def crafted(services: Services, database_path: Path) -> Path:
    """Two accounts, three visits; known answers for every count."""
    north, _ = services.notebook.create_account("North Mills")
    south, _ = services.notebook.create_account("South Mills")
    one, _ = services.notebook.create_visit(north.id, title="One")
    two, _ = services.notebook.create_visit(north.id, title="Two")
    three, _ = services.notebook.create_visit(south.id, title="Three")
    _competitor_moves(services, one.id, "Aquameca", "Aquameca")
    _competitor_moves(services, two.id, "Aqu")
    _competitor_moves(services, three.id, "Aquameca", "Hydronix")
    services.terms.add(COMPETITOR, "Aquameca")
    services.terms.add(TermList.OFFERING, "Filter service")
    for visit, aware in ((one, False), (two, True), (three, False)):
        services.notebook.add_finding(visit.id, "awareness", "", {"offering": "filter SERVICE", "aware": aware})
    services.notebook.add_finding(three.id, "awareness", "", {"offering": "Remote monitoring", "aware": False})
    services.close()
    return database_path


def test_competitors_and_offerings_are_listed_with_their_counts(crafted: Path) -> None:
    listed = _fieldnotes(crafted, "competitors", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [
        {"name": "Aquameca", "findings": 3, "visits": 2, "accounts": 2},
        {"name": "Aqu", "findings": 1, "visits": 1, "accounts": 1},
        {"name": "Hydronix", "findings": 1, "visits": 1, "accounts": 1},
    ]
    offerings = _fieldnotes(crafted, "offerings", "--json")
    assert json.loads(offerings.stdout) == [
        {"name": "Filter service", "findings": 3, "visits": 3, "accounts": 2, "aware": 1, "unaware": 2},
        {"name": "Remote monitoring", "findings": 1, "visits": 1, "accounts": 1, "aware": 0, "unaware": 1},
    ]
    text = _fieldnotes(crafted, "offerings")
    assert text.stdout.splitlines()[0] == "Filter service\t3 findings\t3 visits\t2 accounts\t1 aware\t2 unaware"


def test_merge_on_the_command_line(crafted: Path) -> None:
    merged = _fieldnotes(crafted, "competitors", "merge", "Aqu", "aquameca")
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout == "merged 'Aqu' into 'Aquameca': 1 visit changed\n"
    listed = json.loads(_fieldnotes(crafted, "competitors", "--json").stdout)
    assert listed[0] == {"name": "Aquameca", "findings": 4, "visits": 3, "accounts": 2}
    assert _names_in_findings(crafted, "competitor").count("Aqu") == 0

    offerings = _fieldnotes(crafted, "offerings", "merge", "Remote monitoring", "Filter service")
    assert offerings.returncode == 0, offerings.stderr
    assert json.loads(_fieldnotes(crafted, "offerings", "--json").stdout) == [
        {"name": "Filter service", "findings": 4, "visits": 3, "accounts": 2, "aware": 1, "unaware": 3},
    ]


@pytest.mark.parametrize("arguments", [
    ("competitors", "merge", "Nobody", "Aquameca"),
    ("competitors", "merge", "Aquameca", "Nobody"),
    ("offerings", "merge", "Filter service", "FILTER SERVICE"),
])
def test_an_unknown_or_same_name_is_one_line_and_changes_nothing(crafted: Path, arguments: tuple[str, ...]) -> None:
    before = crafted.read_bytes()
    refused = _fieldnotes(crafted, *arguments)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1 and refused.stderr.startswith("fieldnotes: error: ")
    assert _names_in_findings(crafted, "competitor") == ["Aqu", "Aquameca", "Aquameca", "Aquameca", "Hydronix"]
    assert len(before) > 0
