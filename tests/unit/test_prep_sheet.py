"""The prep sheet of an account: each part read back from the PDF, the rules behind it, and the command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldnotes.domain.model import BuyingRole, Contact, Finding
from fieldnotes.domain.people import People
from fieldnotes.domain.prep import HeardFinding, buying_centre_history, heard_topics
from fieldnotes.domain.terms import Term, TermIndex, TermList
from fieldnotes.services.reports import write_prep_sheet
from fieldnotes.storage import prep_reads
from tests.unit.report_support import contains, pdf_text

REPO = Path(__file__).resolve().parents[2]


def _crafted(services) -> dict[str, str]:
    """An account with people, three visits and one finding or more of every kind the sheet shows."""
    notebook, terms = services.notebook, services.terms
    account, _ = notebook.create_account("Müller Chemie GmbH")
    other, _ = notebook.create_account("Elsewhere AG")
    jana, _ = notebook.add_contact(account.id, "Jana Brandt", role="Brewmaster", buying_role="influencer",
                                   follow_up="email", reference="testimonial", consent="granted")
    piet, _ = notebook.add_contact(account.id, "Piet Jansen", role="Plant manager", follow_up="phone")
    terms.add(TermList.OFFERING, "Service contracts")
    terms.add(TermList.OFFERING, "Energy audits")
    terms.add(TermList.OFFERING, "Retrofit kits")

    first, _ = notebook.create_visit(account.id, title="First call", visited_on="2026-03-04")
    notebook.add_finding(first.id, "buying_centre", "Champions the pilot", {"contact_id": jana.id,
                                                                           "buying_role": "influencer"})
    downtime, _ = notebook.add_finding(first.id, "need", "Seals fail every month", {"severity": 5})
    terms.set_finding_themes(downtime.id, ["Downtime"])
    notebook.add_finding(first.id, "awareness", "Did not know", {"offering": "Retrofit kits", "aware": False})
    notebook.add_finding(first.id, "competitor_move", "New price list", {"competitor": "Hydrotec AG",
                                                                        "threat": "low", "move_kind": "price"})

    second, _ = notebook.create_visit(account.id, title="Pilot review", visited_on="2026-06-10")
    notebook.add_finding(second.id, "buying_centre", "Now signs the budget", {"contact_id": jana.id,
                                                                             "buying_role": "decision_maker"})
    notebook.add_finding(second.id, "buying_centre", "Asks about training", {"person": "Karl Vogt",
                                                                            "buying_role": "user"})
    again, _ = notebook.add_finding(second.id, "need", "Line stops when a seal leaks", {"severity": 4})
    terms.set_finding_themes(again.id, ["Downtime"])
    notebook.add_finding(second.id, "need", "Labels peel off in the cold store", {"severity": 2})
    objection, _ = notebook.add_finding(second.id, "objection", "Too expensive for one plant",
                                        {"answer": "Payback within 14 months"})
    terms.set_finding_themes(objection.id, ["Price"])
    notebook.add_finding(second.id, "awareness", "Knew of it", {"offering": "Retrofit kits", "aware": True})
    notebook.add_finding(second.id, "awareness", "Had no idea", {"offering": "Service contracts", "aware": False})
    notebook.add_finding(second.id, "competitor_move", "Free trial offered", {"competitor": "HYDROTEC AG",
                                                                             "threat": "high",
                                                                             "move_kind": "promotion"})
    notebook.add_finding(second.id, "follow_up", "Send the payback calculation",
                         {"owner": "Markus Weber", "due_on": "2026-07-01", "contact_id": jana.id})
    notebook.add_finding(second.id, "follow_up", "Book the plant tour", {"owner": "Aisha Khan", "due_on": "2027-01-15"})
    notebook.add_finding(second.id, "follow_up", "Already sent the brochure", {"owner": "Aisha Khan", "done": True})
    notebook.update_visit(second.id, next_step="Offer for two plants", next_step_stage="Proposal",
                          next_step_due="2026-12-10")

    third, _ = notebook.create_visit(account.id, title="Quick hello", visited_on="2026-09-01")
    notebook.add_finding(third.id, "need", "Needs a spare seal kit on site", {"severity": 3})

    elsewhere, _ = notebook.create_visit(other.id, title="Not this account", visited_on="2026-09-02")
    notebook.add_finding(elsewhere.id, "need", "Something heard elsewhere", {"severity": 5})
    notebook.add_finding(elsewhere.id, "follow_up", "An action of another account", {"owner": "Nobody"})
    return {"account": account.id, "jana": jana.id, "piet": piet.id, "other": other.id}


@pytest.fixture
def crafted(services) -> dict[str, str]:
    return _crafted(services)


def _sheet_text(services, account_id: str, tmp_path: Path) -> tuple[str, int]:
    target = tmp_path / "prep.pdf"
    write_prep_sheet(services, account_id, target)
    return pdf_text(target), len(PdfReader(str(target)).pages)


def test_each_part_of_the_prep_sheet_is_on_its_one_page(services, crafted, tmp_path: Path) -> None:
    text, pages = _sheet_text(services, crafted["account"], tmp_path)
    assert pages == 1
    # The header and who it is about.
    assert contains(text, "Prep sheet") and contains(text, "Müller Chemie GmbH")
    assert contains(text, "3 visits, 4 March 2026 – 1 September 2026")
    # People: buying role, follow-up preference, reference candidate.
    assert contains(text, "Jana Brandt") and contains(text, "Piet Jansen")
    assert contains(text, "Phone") and contains(text, "TESTIMONIAL")
    # The buying centre over time: the role change and who is new.
    assert contains(text, "How the buying centre changed")
    assert contains(text, "(was influencer)")
    assert contains(text, "Karl Vogt") and contains(text, "NEW")
    # The last next step with its stage and date.
    assert contains(text, "Offer for two plants (stage: Proposal, by 10 December 2026)")
    # Open follow-ups only, overdue marked, whom for with their preference.
    assert contains(text, "Send the payback calculation") and contains(text, "OVERDUE")
    assert contains(text, "Jana Brandt · prefers email")
    assert contains(text, "Book the plant tour")
    assert not contains(text, "Already sent the brochure")
    assert not contains(text, "An action of another account")
    # Needs by theme, the most severe first; objections with the answer that worked.
    # (The two columns' lines interleave in the extracted text: each is checked a line at a time.)
    assert contains(text, "SEVERITY 5/5 Downtime — Seals fail every month (2× · 10 Jun")
    assert text.index("Downtime") < text.index("Needs a spare seal kit") < text.index("Labels peel off")
    assert not contains(text, "Something heard elsewhere")
    assert contains(text, "Price — Too expensive for one plant")
    assert contains(text, "Answer that worked: Payback within 14 months")
    # Competitors under one name, last seen, threat.
    assert contains(text, "HIGH HYDROTEC AG · 2 moves, last seen 10 Jun 2026")
    assert contains(text, "Promotion: Free trial offered")
    # What they do not know: unaware and since learned, and never discussed.
    assert contains(text, "Service contracts · 10 Jun 2026")
    assert contains(text, "Never discussed here: Energy audits")
    assert not contains(text, "Retrofit kits")


def test_competitors_are_named_as_the_team_list_names_them(services, crafted, tmp_path: Path) -> None:
    services.terms.add(TermList.COMPETITOR, "Hydrotec AG")
    text, _ = _sheet_text(services, crafted["account"], tmp_path)
    assert contains(text, "Hydrotec AG · 2 moves")


def test_a_huge_account_is_cut_to_a_page_and_says_how_much_more(services, tmp_path: Path) -> None:
    notebook = services.notebook
    account, _ = notebook.create_account("Huge Account")
    for number in range(12):
        notebook.add_contact(account.id, f"Person {number:02d}", role="Engineer", buying_role="user")
    for day in range(1, 29):
        visit, _ = notebook.create_visit(account.id, title=f"Visit {day}", visited_on=f"2026-02-{day:02d}")
        notebook.add_finding(visit.id, "need", f"Need number {day} about pumps and seals", {"severity": 1 + day % 5})
        notebook.add_finding(visit.id, "objection", f"Objection number {day}", {"answer": "An answer"})
        notebook.add_finding(visit.id, "competitor_move", "A move", {"competitor": f"Rival {day}"})
        notebook.add_finding(visit.id, "awareness", "Did not know", {"offering": f"Offering {day}"})
        notebook.add_finding(visit.id, "buying_centre", "", {"person": f"Buyer {day}", "buying_role": "influencer"})
        notebook.add_finding(visit.id, "follow_up", f"Action number {day}", {"owner": "Markus Weber"})
    text, pages = _sheet_text(services, account.id, tmp_path)
    assert pages == 1
    for part in ("more contacts", "more open follow-ups", "more other needs", "more other objections",
                 "more other competitors", "more other offerings"):
        assert contains(text, part), part
    assert re.search(r"The latest \d of 28 visits that named people", text)


def test_an_account_with_nothing_yet_still_makes_a_sheet(services, tmp_path: Path) -> None:
    account, _ = services.notebook.create_account("Brand New Prospect")
    text, pages = _sheet_text(services, account.id, tmp_path)
    assert pages == 1
    assert contains(text, "no visit yet") and contains(text, "No next step was agreed at any visit yet.")
    assert contains(text, "No contacts yet")


def test_the_reads_start_from_the_accounts_visits_by_index(services, crafted) -> None:
    with services.prep._connections.using() as connection:
        for sql in (prep_reads.FINDINGS_SQL, prep_reads.LAST_NEXT_STEP_SQL, prep_reads.VISIT_SPAN_SQL):
            plan = " ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", (crafted["account"],)))
            assert "USING" in plan and "ix_visit_account" in plan, plan
            assert "SCAN f" not in plan and "ix_finding_severity_visit" not in plan, plan


# --- the rules ---------------------------------------------------------------------------------


def _row(visit: str, day: str, kind: str, text: str = "", position: int = 0, themes: tuple[str, ...] = (),
         **attributes: object) -> HeardFinding:
    return HeardFinding(Finding(f"{visit}-{position}", visit, kind, text, position, dict(attributes), list(themes)),
                        day)


def test_a_linked_persons_role_is_their_contacts_and_a_change_compares_what_each_visit_noted() -> None:
    jana = Contact("c1", "a", "Jana Brandt", buying_role=BuyingRole.DECISION_MAKER)
    people = People.of([jana])
    history = buying_centre_history([
        _row("v1", "2026-01-01", "buying_centre", contact_id="c1", buying_role="influencer"),
        _row("v1", "2026-01-01", "buying_centre", position=1, person="Tom Rey", buying_role="user"),
        _row("v2", "2026-02-01", "buying_centre", contact_id="c1", buying_role="decision_maker"),
        _row("v2", "2026-02-01", "buying_centre", position=1, person="jana brandt", buying_role="decision_maker"),
        _row("v2", "2026-02-01", "buying_centre", position=2, person="Lea Falk", buying_role="unknown"),
        _row("v3", "2026-03-01", "buying_centre", person="TOM REY", buying_role="gatekeeper"),
    ], people)
    assert [visit.visit_id for visit in history] == ["v1", "v2", "v3"]
    first, second, third = (visit.appearances for visit in history)
    assert [(a.name, a.role, a.new) for a in first] == [("Jana Brandt", BuyingRole.DECISION_MAKER, False),
                                                       ("Tom Rey", BuyingRole.USER, False)]
    # Jana once (the typed name is her), changed from influencer; Lea is new.
    assert [(a.name, a.role_before, a.new) for a in second] == [("Jana Brandt", BuyingRole.INFLUENCER, False),
                                                               ("Lea Falk", None, True)]
    assert [(a.name, a.role, a.role_before) for a in third] == [("TOM REY", BuyingRole.GATEKEEPER, BuyingRole.USER)]


def test_topics_gather_a_theme_and_put_the_most_severe_then_the_latest_first() -> None:
    themes = TermIndex([Term("t1", TermList.THEME, "Downtime"), Term("t2", TermList.THEME, "downtime ", "t1")])
    topics = heard_topics([
        _row("v1", "2026-01-01", "need", "Seals leak", themes=("t1",), severity=4),
        _row("v2", "2026-05-01", "need", "Line stops", themes=("t2",), severity=5),
        _row("v2", "2026-05-01", "need", "Labels peel", position=1, severity=5),
        _row("v3", "2026-06-01", "need", "Minor gripe", severity=1),
        _row("v3", "2026-06-01", "need", "   ", position=1, severity=5),
    ], themes)
    assert [(t.theme, t.text, t.findings, t.max_severity, t.last_heard) for t in topics] == [
        ("Downtime", "Line stops", 2, 5, "2026-05-01"),
        (None, "Labels peel", 1, 5, "2026-05-01"),
        (None, "Minor gripe", 1, 1, "2026-06-01"),
    ]


# --- the command -------------------------------------------------------------------------------


def _run(database: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fieldnotes", "--db", str(database), "report", *args],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_the_command_writes_the_prep_sheet_of_an_account_named_by_part_of_its_name(
        database_path: Path, tmp_path: Path) -> None:
    from fieldnotes.services.session import Services

    services = Services.open(database_path, author="tester")
    try:
        ids = _crafted(services)
    finally:
        services.close()
    target = tmp_path / "prep.pdf"
    result = _run(database_path, "--prep", "müller", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote the prep sheet of Müller Chemie GmbH to {target}"
    text = pdf_text(target)
    assert contains(text, "Offer for two plants") and contains(text, "Downtime")
    by_id = _run(database_path, "--prep", ids["account"], "-o", str(tmp_path / "by-id.pdf"))
    assert by_id.returncode == 0, by_id.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("--prep", "Nobody Ltd"), "--prep: no account has the id or name 'Nobody Ltd'"),
    (("--prep", "müller", "--account", "müller"), "--prep makes the prep sheet of one account; leave out --account"),
    (("--prep", "müller", "--for-customer"), "leave out --for-customer"),
])
def test_a_prep_sheet_that_cannot_be_made_says_why_in_one_line_and_writes_nothing(
        database_path: Path, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    from fieldnotes.services.session import Services

    Services.open(database_path, author="tester").close()
    target = tmp_path / "prep.pdf"
    result = _run(database_path, *args, "-o", str(target))
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()
