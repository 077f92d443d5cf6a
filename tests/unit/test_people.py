"""People linked to what a visit records: attendees, buying-centre rows, speakers and follow-ups."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from fieldnotes.cli import EXIT_OK, main
from fieldnotes.domain.model import BuyingRole, Contact, FollowUpChannel
from fieldnotes.domain.people import MentionKind, People, preference, proposed_action
from fieldnotes.services.reports import write_visit_report
from fieldnotes.storage.mentions import ATTENDED_SQL, NAMED_IN_FINDINGS_SQL
from tests.unit.report_support import contains, pdf_text


def _brewery(services):
    notebook = services.notebook
    account, _ = notebook.create_account("Brauerei Nord")
    jana, _ = notebook.add_contact(account.id, "Jana Brandt", role="Brewmaster", buying_role="influencer",
                                   follow_up="email")
    visit, _ = notebook.create_visit(account.id, title="Line audit", visited_on="2026-03-04")
    return notebook, account, jana, visit


def test_a_linked_row_shows_the_contacts_role_and_writing_its_role_writes_the_contacts(services) -> None:
    notebook, account, jana, visit = _brewery(services)
    row, _ = notebook.add_finding(visit.id, "buying_centre", "Signs off the budget",
                                  {"person": "Jana Brandt", "contact_id": jana.id})
    assert row.get("buying_role") == "influencer"  # the row takes the contact's role when linked

    change = notebook.update_finding(row.id, buying_role="decision_maker")
    assert account.id in change.account_ids
    assert notebook.account(account.id).contacts[0].buying_role is BuyingRole.DECISION_MAKER

    notebook.update_contact(jana.id, buying_role="champion")  # changed elsewhere: the row follows
    people = People.of(notebook.account(account.id).contacts)
    stored = notebook.visit(visit.id).findings_of("buying_centre")[0]
    assert people.buying_role(stored) is BuyingRole.CHAMPION
    notebook.delete_contact(jana.id)  # gone: the row's own role, as last written through it, stands in
    assert People().buying_role(stored) is BuyingRole.DECISION_MAKER
    assert People().person(stored) == "Jana Brandt"


def test_linking_a_row_that_knew_the_role_gives_it_to_a_contact_who_did_not(services) -> None:
    notebook, account, _jana, visit = _brewery(services)
    tom, _ = notebook.add_contact(account.id, "Tom Weber")
    row, _ = notebook.add_finding(visit.id, "buying_centre", "", {"person": "Tom", "buying_role": "gatekeeper"})
    notebook.update_finding(row.id, person="Tom Weber", contact_id=tom.id)
    assert {c.name: c.buying_role for c in notebook.account(account.id).contacts}["Tom Weber"] is BuyingRole.GATEKEEPER
    # A free name again: the row keeps the role it had.
    notebook.update_finding(row.id, person="Someone else", contact_id=None)
    assert notebook.visit(visit.id).findings_of("buying_centre")[0].get("buying_role") == "gatekeeper"


def test_a_contacts_buying_role_shown_in_a_visit_report_is_the_contacts(services, tmp_path: Path) -> None:
    notebook, _account, jana, visit = _brewery(services)
    notebook.add_finding(visit.id, "buying_centre", "Signs off the budget",
                         {"person": "Jana Brandt", "contact_id": jana.id})
    notebook.add_finding(visit.id, "buying_centre", "Runs the line", {"person": "Ole", "buying_role": "user"})
    notebook.update_contact(jana.id, buying_role="economic_buyer", name="Jana Brandt-Ohm")
    notebook.update_visit(visit.id, attendee_ids=[jana.id], attendees="Ole from the line")
    notebook.add_finding(visit.id, "need", "Downtime on line 2",
                         {"quote": "Every stop costs us a shift", "speaker_id": jana.id})
    notebook.add_finding(visit.id, "follow_up", "Email Jana: the case study", {"contact_id": jana.id})

    text = pdf_text(write_visit_report(services, visit.id, tmp_path / "visit.pdf"))
    assert contains(text, "Jana Brandt-Ohm · Economic buyer — Signs off the budget")
    assert contains(text, "Ole · User — Runs the line")
    assert contains(text, "— Jana Brandt-Ohm, Brewmaster, Brauerei Nord")
    assert contains(text, "For Jana Brandt-Ohm · prefers email")
    assert contains(text, "WITH WHOM Jana Brandt-Ohm (Brewmaster)")
    assert contains(text, "Ole from the line")
    assert "Influencer" not in text


def test_a_contacts_page_lists_every_visit_quote_row_and_follow_up_that_names_them(services) -> None:
    notebook, account, jana, visit = _brewery(services)
    tom, _ = notebook.add_contact(account.id, "Tom Weber")
    later, _ = notebook.create_visit(account.id, title="Trial review", visited_on="2026-05-01")
    elsewhere, _ = notebook.create_visit(account.id, title="Without her", visited_on="2026-06-01")
    notebook.update_visit(visit.id, attendee_ids=[tom.id, jana.id])
    notebook.update_visit(elsewhere.id, attendee_ids=[tom.id])
    notebook.add_finding(visit.id, "need", "Downtime", {"quote": "It costs a shift", "speaker_id": jana.id})
    notebook.add_finding(visit.id, "need", "Said by Tom", {"quote": "Not her", "speaker_id": tom.id})
    notebook.add_finding(later.id, "value_perceived", "Saves time", {"speaker_id": jana.id})
    notebook.add_finding(later.id, "buying_centre", "Decides", {"person": "Jana Brandt", "contact_id": jana.id})
    notebook.add_finding(later.id, "follow_up", "Send the case study", {"contact_id": jana.id})

    mentions = notebook.mentions_of(jana.id)
    assert [(m.how, m.visit_id, m.text) for m in mentions] == [
        (MentionKind.SAID, later.id, "Saves time"),
        (MentionKind.BUYING_CENTRE, later.id, "Decides"),
        (MentionKind.FOLLOW_UP, later.id, "Send the case study"),
        (MentionKind.ATTENDED, visit.id, ""),
        (MentionKind.SAID, visit.id, "It costs a shift"),
    ]
    assert {m.visit_id for m in notebook.mentions_of(tom.id)} == {visit.id, elsewhere.id}


def test_the_contact_page_query_walks_the_accounts_visits_by_index(services) -> None:
    """At 100,000 visits the page must not read every visit or finding: the plan uses the indexes."""
    _notebook, _account, _jana, _visit = _brewery(services)
    connection = sqlite3.connect(services.database.path)
    try:
        for sql in (ATTENDED_SQL, NAMED_IN_FINDINGS_SQL):
            plan = " ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}",
                                                                 {"account": "a", "contact": "c"}))
            assert "SCAN v" not in plan and "SCAN f" not in plan, plan
        plan = " ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {ATTENDED_SQL}",
                                                             {"account": "a", "contact": "c"}))
        assert "ix_visit_attendees" in plan, plan
        plan = " ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {NAMED_IN_FINDINGS_SQL}",
                                                             {"account": "a", "contact": "c"}))
        assert "ix_finding_speaker" in plan and "ix_finding_contact" in plan, plan
    finally:
        connection.close()


def test_a_follow_up_for_someone_proposes_their_channel() -> None:
    jana = Contact("1", "a", "Jana Brandt", follow_up=FollowUpChannel.EMAIL)
    assert preference(jana) == "prefers email"
    assert proposed_action(jana, "") == "Email Jana Brandt: "
    assert proposed_action(jana, "follow up") == "Email Jana Brandt: "
    assert proposed_action(jana, "Send the spec sheet") is None
    assert proposed_action(Contact("2", "a", "Tom"), "") is None  # no channel known: nothing to propose
    assert preference(Contact("2", "a", "Tom")) == ""


def test_contacts_json_carries_follow_up_reference_and_consent(services, capsys) -> None:
    notebook, account, jana, _visit = _brewery(services)
    notebook.update_contact(jana.id, reference="case_study", consent="granted")
    path = services.database.path
    services.close()
    capsys.readouterr()
    assert main(["--db", str(path), "contacts", "--account", "Brauerei Nord", "--json"]) == EXIT_OK
    (person,) = json.loads(capsys.readouterr().out)
    assert person == {
        "id": jana.id, "name": "Jana Brandt", "role": "Brewmaster", "buying_role": "influencer", "email": "",
        "phone": "", "account_id": account.id, "account_name": "Brauerei Nord", "follow_up": "email",
        "reference": "case_study", "consent": "granted",
    }
