"""The findings behind a figure, read by id with their visits, and what counts as naming a competitor."""

from __future__ import annotations

from fieldnotes.domain.finding_lines import mentions
from fieldnotes.services.search import VisitQuery


def test_a_competitor_is_named_as_whole_words_whatever_the_case_and_accents() -> None:
    assert mentions("ACME is cheaper, they said", ["Acme"])
    assert mentions("Their price beats Acme's", ["Acme"])
    assert mentions("Prix de Société Générale Robinets trop bas", ["societe generale robinets"])
    assert mentions("They went with SGR", ["Société Générale Robinets", "SGR"])
    assert not mentions("Acmetric sensors are enough", ["Acme"])
    assert not mentions("Anything at all", ["", "  "])


def test_findings_come_back_with_their_visit_newest_first_and_unknown_ids_left_out(services) -> None:
    notebook = services.notebook
    account, _ = notebook.create_account("Müller Chemie")
    older, _ = notebook.create_visit(account.id, title="First call", visited_on="2026-03-02T10:00")
    newer, _ = notebook.create_visit(None, title="Fair", visited_on="2026-05-11T10:00")
    need, _ = notebook.add_finding(older.id, "need", "Spare parts take weeks", {"severity": 4})
    aware, _ = notebook.add_finding(newer.id, "awareness", "Knew our service", {"offering": "Valve service",
                                                                               "aware": True})
    action, _ = notebook.add_finding(older.id, "follow_up", "Send the datasheet", {"due_on": "2020-01-01"})

    lines = services.search.finding_lines([need.id, "gone", aware.id, action.id, need.id])
    assert lines[0].id == aware.id  # the newer visit's first
    assert {line.id for line in lines[1:]} == {need.id, action.id} and len(lines) == 3
    by_id = {line.id: line for line in lines}
    assert by_id[need.id].account_name == "Müller Chemie" and by_id[need.id].severity == 4
    assert by_id[need.id].visit_title == "First call" and by_id[need.id].month == "2026-03"
    assert by_id[aware.id].account_name == "" and by_id[aware.id].aware is True
    assert by_id[aware.id].offering == "Valve service"
    assert by_id[action.id].overdue and not by_id[need.id].overdue
    assert services.search.finding_lines([]) == []


def test_the_visits_a_search_lists_are_known_by_id(services) -> None:
    notebook = services.notebook
    account, _ = notebook.create_account("Alvéole")
    kept, _ = notebook.create_visit(account.id, title="Plant tour")
    fair, _ = notebook.create_visit(None, title="Trade fair")
    assert services.search.listed_visit_ids(VisitQuery(account_id=account.id)) == [kept.id]
    assert services.search.listed_visit_ids(VisitQuery(text="fair")) == [fair.id]
    assert set(services.search.listed_visit_ids(VisitQuery())) == {kept.id, fair.id}
