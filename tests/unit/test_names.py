"""Names the notebook knows: offered most used first, with the account's contacts; near misses found."""

from __future__ import annotations

from fieldnotes.services.names import KnownNames


def test_known_names_come_most_used_first_and_once_each(services) -> None:
    notebook = services.notebook
    account, _ = notebook.create_account("Brasserie")
    for title, competitor in (("One", "Aquaris"), ("Two", "Flowmaster"), ("Three", "Aquaris"), ("Four", " ")):
        visit, _ = notebook.create_visit(account.id, title=title, visited_on="2026-05-01")
        notebook.add_finding(visit.id, "competitor_move", "A move", {"competitor": competitor})
        notebook.update_visit(visit.id, salesperson="Katrin Horváth")
    names = KnownNames(services.search)
    assert names.names("competitor") == ["Aquaris", "Flowmaster"]
    assert names.names("salesperson") == ["Katrin Horváth"]


def test_people_include_the_contacts_of_every_account_and_of_the_visits_account(services) -> None:
    notebook = services.notebook
    account, _ = notebook.create_account("Brasserie")
    notebook.add_contact(account.id, "Jane Smith")
    visit, _ = notebook.create_visit(account.id, title="One", visited_on="2026-05-01")
    notebook.add_finding(visit.id, "buying_centre", "Decides", {"person": "Marc Weber"})
    names = KnownNames(services.search)
    assert set(names.names("person")) == {"Jane Smith", "Marc Weber"}
    assert names.contacts(account.id) == ["Jane Smith"]
    assert names.contacts(None) == []


def test_a_new_spelling_close_to_a_known_name_is_pointed_out() -> None:
    known = ["Aquaris", "Flowmaster Industrial", "Acme", "Hydronix", "Jane Smith"]
    assert KnownNames.similar("Aqu", known) == "Aquaris"
    assert KnownNames.similar("Aquaries", known) == "Aquaris"
    assert KnownNames.similar("aquaris", known) == "Aquaris"
    assert KnownNames.similar("Hydronics", known) == "Hydronix"


def test_a_different_name_or_a_known_one_is_left_alone() -> None:
    known = ["Aquaris", "Acme", "Jane Smith"]
    assert KnownNames.similar("Aquaris", known) is None
    assert KnownNames.similar("Apex", known) is None
    assert KnownNames.similar("John Smith", known) is None
    assert KnownNames.similar("  ", known) is None
