"""Accounts, contacts, visits and findings as a user edits them."""

from __future__ import annotations

import pytest

from fieldnotes.domain.errors import NotFoundError, ValidationError
from fieldnotes.domain.model import AccountKind, BuyingRole, FollowUpChannel, VisitKind
from fieldnotes.services.search import VisitQuery

PROMPT_A, PROMPT_B, PROMPT_C = (f"{letter * 8}-0000-4000-8000-000000000000" for letter in "abc")


@pytest.fixture
def notebook(services):
    return services.notebook


@pytest.fixture
def visit(notebook):
    account, _ = notebook.create_account("Brasserie Saint-Éloi", AccountKind.CUSTOMER)
    created, _ = notebook.create_visit(account.id, VisitKind.CUSTOMER_VISIT, "Seal failures", "2026-07-29T10:00")
    return created


def _texts(notebook, visit_id: str, kind: str) -> list[str]:
    return [finding.text for finding in notebook.visit(visit_id).findings_of(kind)]


def _positions(notebook, visit_id: str, kind: str) -> list[int]:
    return [finding.position for finding in notebook.visit(visit_id).findings_of(kind)]


# --- accounts and contacts ---------------------------------------------------------------


def test_a_new_account_is_listed_with_its_kind_and_notes(notebook) -> None:
    account, change = notebook.create_account("  Müller Chemie GmbH ", "prospect", notes="Ludwigshafen site")
    listed = {a.id: a for a in notebook.accounts()}
    assert listed[account.id].name == "Müller Chemie GmbH"
    assert listed[account.id].kind is AccountKind.PROSPECT
    assert listed[account.id].notes == "Ludwigshafen site"
    assert account.id in change.account_ids


def test_accounts_are_listed_alphabetically_ignoring_case(notebook) -> None:
    for name in ("zeta Pumps", "Alpha Valves", "beta Water"):
        notebook.create_account(name)
    assert [a.name for a in notebook.accounts()] == ["Alpha Valves", "beta Water", "zeta Pumps"]


def test_an_account_without_a_name_is_refused(notebook) -> None:
    with pytest.raises(ValidationError, match="name is required"):
        notebook.create_account("   ")
    assert notebook.accounts() == []


def test_an_unknown_account_kind_is_refused_naming_the_choices(notebook) -> None:
    with pytest.raises(ValidationError, match="customer, prospect, channel_partner, end_user"):
        notebook.create_account("Hydrotech", "supplier")


def test_renaming_an_account_renames_it_in_its_visits(notebook, visit) -> None:
    notebook.update_account(visit.account_id, name="Brasserie du Nord")
    assert notebook.visit(visit.id).account_name == "Brasserie du Nord"
    assert notebook.account(visit.account_id).name == "Brasserie du Nord"


def test_renamed_account_is_found_by_its_new_name(services, visit) -> None:
    services.notebook.update_account(visit.account_id, name="Brasserie du Nord")
    found = services.search.find(VisitQuery(text="nord "))
    assert len(found) == 1
    assert services.search.find(VisitQuery(text="eloi ")) == []


def test_an_account_without_visits_can_be_deleted(notebook) -> None:
    account, _ = notebook.create_account("Short-lived prospect", "prospect")
    notebook.add_contact(account.id, "Anja Wulf")
    notebook.delete_account(account.id)
    assert notebook.accounts() == []
    with pytest.raises(NotFoundError):
        notebook.account(account.id)


def test_deleting_an_account_that_has_visits_is_refused_and_keeps_everything(notebook, visit) -> None:
    with pytest.raises(ValidationError, match="has 1 visit"):
        notebook.delete_account(visit.account_id)
    assert notebook.account(visit.account_id).name == "Brasserie Saint-Éloi"
    assert notebook.visit(visit.id).title == "Seal failures"


def test_contacts_are_added_edited_and_removed_from_their_account(notebook) -> None:
    account, _ = notebook.create_account("Stadtwerke Lüneburg", "prospect")
    frank, _ = notebook.add_contact(account.id, "Frank Behrens", role="Technical director",
                                    buying_role="decision_maker", follow_up="event")
    anja, _ = notebook.add_contact(account.id, "Anja Wulf", email="a.wulf@example.com")
    assert [c.name for c in notebook.account(account.id).contacts] == ["Anja Wulf", "Frank Behrens"]

    notebook.update_contact(anja.id, buying_role="champion", follow_up="email", phone="+49 4131 700 245")
    stored = {c.id: c for c in notebook.account(account.id).contacts}
    assert stored[anja.id].buying_role is BuyingRole.CHAMPION
    assert stored[anja.id].follow_up is FollowUpChannel.EMAIL
    assert stored[anja.id].phone == "+49 4131 700 245"
    assert stored[frank.id].role == "Technical director"

    notebook.delete_contact(frank.id)
    assert [c.name for c in notebook.account(account.id).contacts] == ["Anja Wulf"]


def test_a_contact_with_an_unknown_follow_up_channel_is_refused_unchanged(notebook) -> None:
    account, _ = notebook.create_account("Nordic Process Supply AB", "channel_partner")
    maja, _ = notebook.add_contact(account.id, "Maja Åström", follow_up="email")
    with pytest.raises(ValidationError, match="follow-up channel"):
        notebook.update_contact(maja.id, follow_up="carrier pigeon")
    assert notebook.account(account.id).contacts[0].follow_up is FollowUpChannel.EMAIL


def test_a_contact_cannot_be_added_to_a_missing_account(notebook) -> None:
    with pytest.raises(NotFoundError):
        notebook.add_contact("00000000-0000-4000-8000-000000000000", "Nobody")


# --- visits ------------------------------------------------------------------------------


def test_a_new_visit_opens_with_its_account_name_and_date(notebook, visit) -> None:
    opened = notebook.visit(visit.id)
    assert opened.account_name == "Brasserie Saint-Éloi"
    assert opened.visited_on == "2026-07-29T10:00"
    assert opened.kind is VisitKind.CUSTOMER_VISIT
    assert notebook.visit_count() == 1


def test_edited_visit_fields_are_kept(notebook, visit) -> None:
    notebook.update_visit(visit.id, summary="Seals fail every 6-8 weeks", next_step="Trial of a double seal",
                          kind="ride_along", visited_on="2026-07-30")
    opened = notebook.visit(visit.id)
    assert opened.summary == "Seals fail every 6-8 weeks"
    assert opened.next_step == "Trial of a double seal"
    assert opened.kind is VisitKind.RIDE_ALONG
    assert opened.visited_on == "2026-07-30"


def test_a_visit_date_that_does_not_exist_is_refused(notebook, visit) -> None:
    with pytest.raises(ValidationError, match="2026-02-30"):
        notebook.update_visit(visit.id, visited_on="2026-02-30")
    assert notebook.visit(visit.id).visited_on == "2026-07-29T10:00"


def test_ticked_prompts_are_remembered_per_visit(notebook, visit) -> None:
    notebook.set_prompt_covered(visit.id, PROMPT_A, True)
    notebook.set_prompt_covered(visit.id, PROMPT_B, True)
    notebook.set_prompt_covered(visit.id, PROMPT_A, False)
    assert notebook.visit(visit.id).covered_prompts == [PROMPT_B]


def test_a_deleted_visit_can_be_restored_with_its_findings(services, notebook, visit) -> None:
    notebook.add_finding(visit.id, "need", "Seals fail", {"severity": 5})
    notebook.add_finding(visit.id, "competitor_move", "Demo pump on a trolley", {"competitor": "Aquaris"})
    deleted, _ = notebook.delete_visit(visit.id)
    assert notebook.visit_count() == 0
    assert services.search.find(VisitQuery(text="trolley")) == []

    notebook.restore_visit(deleted)
    restored = notebook.visit(visit.id)
    assert [f.text for f in restored.findings_of("need")] == ["Seals fail"]
    assert restored.findings_of("competitor_move")[0].get("competitor") == "Aquaris"
    assert len(services.search.find(VisitQuery(text="trolley"))) == 1


# --- findings ----------------------------------------------------------------------------


def test_findings_are_appended_in_order_within_their_section(notebook, visit) -> None:
    for text in ("first", "second", "third"):
        notebook.add_finding(visit.id, "objection", text)
    notebook.add_finding(visit.id, "need", "a need")
    assert _texts(notebook, visit.id, "objection") == ["first", "second", "third"]
    assert _positions(notebook, visit.id, "objection") == [0, 1, 2]
    assert _positions(notebook, visit.id, "need") == [0]


def test_a_finding_inserted_at_a_position_pushes_the_others_down(notebook, visit) -> None:
    for text in ("first", "third"):
        notebook.add_finding(visit.id, "objection", text)
    notebook.add_finding(visit.id, "objection", "second", position=1)
    assert _texts(notebook, visit.id, "objection") == ["first", "second", "third"]
    assert _positions(notebook, visit.id, "objection") == [0, 1, 2]


def test_a_finding_without_attributes_gets_its_kind_defaults(notebook, visit) -> None:
    need, _ = notebook.add_finding(visit.id, "need", "Spare seals take 10 days")
    assert need.get("severity") == 3
    assert need.get("is_new") is False
    follow_up, _ = notebook.add_finding(visit.id, "follow_up", "Send the quote")
    assert follow_up.get("due_on") is None
    assert follow_up.get("done") is False


def test_editing_a_finding_changes_its_text_and_attributes(notebook, visit) -> None:
    need, _ = notebook.add_finding(visit.id, "need", "Seals fail", {"severity": 3})
    notebook.update_finding(need.id, text="Seals fail every 6 weeks", severity=5, quote="Bottling stops.")
    stored = notebook.visit(visit.id).findings_of("need")[0]
    assert stored.text == "Seals fail every 6 weeks"
    assert stored.get("severity") == 5
    assert stored.get("quote") == "Bottling stops."


@pytest.mark.parametrize("severity", [0, 6, 7, "5", 2.5, True])
def test_a_severity_outside_one_to_five_is_refused(notebook, visit, severity) -> None:
    need, _ = notebook.add_finding(visit.id, "need", "Seals fail", {"severity": 4})
    with pytest.raises(ValidationError, match="severity"):
        notebook.update_finding(need.id, severity=severity)
    with pytest.raises(ValidationError, match="severity"):
        notebook.add_finding(visit.id, "need", "Another", {"severity": severity})
    assert [f.get("severity") for f in notebook.visit(visit.id).findings_of("need")] == [4]


def test_a_follow_up_due_date_is_checked_and_kept(notebook, visit) -> None:
    follow_up, _ = notebook.add_finding(
        visit.id, "follow_up", "Send quote", {"owner": "Claire", "due_on": "2026-08-05"}
    )
    assert follow_up.get("due_on") == "2026-08-05"
    with pytest.raises(ValidationError, match="not a date"):
        notebook.update_finding(follow_up.id, due_on="next Tuesday")


def test_a_field_another_section_has_is_refused(notebook, visit) -> None:
    with pytest.raises(ValidationError, match="no field 'severity'"):
        notebook.add_finding(visit.id, "objection", "Too expensive", {"severity": 3})


def test_deleting_a_finding_closes_the_gap_and_restoring_puts_it_back(notebook, visit) -> None:
    added = [notebook.add_finding(visit.id, "value_perceived", text)[0] for text in ("uptime", "service", "price")]
    deleted, _ = notebook.delete_finding(added[1].id)
    assert _texts(notebook, visit.id, "value_perceived") == ["uptime", "price"]
    assert _positions(notebook, visit.id, "value_perceived") == [0, 1]

    notebook.restore_finding(deleted)
    assert _texts(notebook, visit.id, "value_perceived") == ["uptime", "service", "price"]
    assert _positions(notebook, visit.id, "value_perceived") == [0, 1, 2]
    assert notebook.visit(visit.id).findings_of("value_perceived")[1].id == added[1].id


@pytest.mark.parametrize(
    ("moved", "to", "expected"),
    [
        (0, 2, ["b", "c", "a", "d"]),
        (3, 0, ["d", "a", "b", "c"]),
        (1, 99, ["a", "c", "d", "b"]),
        (2, -5, ["c", "a", "b", "d"]),
    ],
)
def test_moving_a_finding_reorders_its_section_and_keeps_positions_contiguous(
    notebook, visit, moved, to, expected
) -> None:
    added = [notebook.add_finding(visit.id, "need", text)[0] for text in "abcd"]
    notebook.add_finding(visit.id, "objection", "untouched")
    notebook.move_finding(added[moved].id, to)
    assert _texts(notebook, visit.id, "need") == expected
    assert _positions(notebook, visit.id, "need") == [0, 1, 2, 3]
    assert _texts(notebook, visit.id, "objection") == ["untouched"]


def test_findings_are_searchable_as_soon_as_they_are_added(services, notebook, visit) -> None:
    notebook.add_finding(visit.id, "competitor_move", "Demo pump on a trolley", {"competitor": "Aquaris"})
    assert len(services.search.find(VisitQuery(text="trolley"))) == 1
    need, _ = notebook.add_finding(visit.id, "need", "Caustic cleaning at 85 degrees")
    notebook.update_finding(need.id, text="Hot cleaning")
    assert services.search.find(VisitQuery(text="caustic")) == []
    assert len(services.search.find(VisitQuery(text="hot cleaning"))) == 1
