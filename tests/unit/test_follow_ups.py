"""`fieldnotes followups`: every visit's follow-up actions from a separate process, with known answers.

Due dates lie far in the past or far in the future, so which actions are overdue does not
depend on the day the tests run.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from fieldnotes.services.session import Services

REPO = Path(__file__).resolve().parents[2]
CONTRACT_FIELDS = {"id", "visit_id", "text", "owner", "due_on", "done", "overdue"}


def _run(database: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fieldnotes", "--db", str(database), "followups", *args],
                          capture_output=True, text=True, cwd=REPO, timeout=120, check=False)


def _listed(database: Path, *args: str) -> list[dict]:
    result = _run(database, "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def notebook(services: Services, database_path: Path) -> tuple[Path, dict[str, str]]:
    """Two accounts, two visits, five actions: two overdue, one undated, one done, two spellings of Inès."""
    notes = services.notebook
    brasserie, _ = notes.create_account("Brasserie Saint-Éloi")
    muller, _ = notes.create_account("Müller Chemie")
    hans, _ = notes.add_contact(muller.id, "Hans Weber")
    first, _ = notes.create_visit(brasserie.id, title="Seal failures", visited_on="2026-01-10T09:00")
    second, _ = notes.create_visit(muller.id, title="Procurement review", visited_on="2026-02-01T14:00")

    def action(visit_id: str, text: str, **attributes: object) -> str:
        return notes.add_finding(visit_id, "follow_up", text, attributes)[0].id

    ids = {
        "price_list": action(first.id, "Send the price list", owner="Inès Dubois", due_on="2020-02-01"),
        "demo": action(first.id, "Book the demo", owner="ines dubois", due_on="2099-01-01"),
        "quote": action(first.id, "Quote the kits", owner="Bruno Costa", due_on="2020-03-01", done=True),
        "call": action(second.id, "Call the plant manager", owner="Bruno Costa"),
        "summary": action(second.id, "Write the summary", owner="Inès Dubois", due_on="2020-01-15",
                          contact_id=hans.id),
        "first": first.id, "second": second.id, "brasserie": brasserie.id,
    }
    services.close()
    return database_path, ids


def test_every_action_is_listed_open_first_by_due_date_then_done(notebook) -> None:
    database, ids = notebook
    listed = _listed(database)
    assert [row["id"] for row in listed] == [ids["summary"], ids["price_list"], ids["demo"], ids["call"], ids["quote"]]
    assert all(set(row) >= CONTRACT_FIELDS for row in listed)
    summary = listed[0]
    assert summary == summary | {
        "visit_id": ids["second"], "text": "Write the summary", "owner": "Inès Dubois", "due_on": "2020-01-15",
        "done": False, "overdue": True, "account_name": "Müller Chemie", "visit_title": "Procurement review",
        "contact_name": "Hans Weber",
    }
    assert [row["overdue"] for row in listed] == [True, True, False, False, False]
    assert listed[3]["due_on"] is None and listed[4]["done"] is True


def test_overdue_lists_only_open_actions_past_their_due_date(notebook) -> None:
    database, ids = notebook
    assert [row["id"] for row in _listed(database, "--overdue")] == [ids["summary"], ids["price_list"]]


def test_owner_matches_whatever_the_case_and_accents_and_a_unique_part_will_do(notebook) -> None:
    database, ids = notebook
    expected = [ids["summary"], ids["price_list"], ids["demo"]]
    assert [row["id"] for row in _listed(database, "--owner", "INES DUBOIS")] == expected
    assert [row["id"] for row in _listed(database, "--owner", "inès")] == expected
    assert [row["id"] for row in _listed(database, "--owner", "ines", "--overdue")] == expected[:2]


def test_an_owner_part_that_names_several_people_is_an_error_listing_them(notebook) -> None:
    database, _ = notebook
    result = _run(database, "--owner", "o")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("fieldnotes: error: --owner: 'o' names 2 owners: Bruno Costa; Inès Dubois")


def test_an_owner_nobody_is_finds_nothing_and_says_so(notebook) -> None:
    database, _ = notebook
    result = _run(database, "--json", "--owner", "Zoé")
    assert result.returncode == 0 and json.loads(result.stdout) == []
    assert result.stderr == "fieldnotes: no follow-up has an owner named 'Zoé'\n"


def test_account_filter_takes_a_name_as_other_commands_do(notebook) -> None:
    database, ids = notebook
    assert [row["id"] for row in _listed(database, "--account", "saint eloi")] == [
        ids["price_list"], ids["demo"], ids["quote"]]
    assert [row["id"] for row in _listed(database, "--account", ids["brasserie"], "--overdue")] == [ids["price_list"]]
    unknown = _run(database, "--account", "Nowhere Ltd")
    assert unknown.returncode == 1 and "--account: no account has the id or name 'Nowhere Ltd'" in unknown.stderr


def test_the_table_is_readable_with_a_heading_and_the_state_of_each_action(notebook) -> None:
    database, _ = notebook
    result = _run(database)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["DUE", "STATUS", "OWNER", "ACTION", "ACCOUNT", "VISIT"]
    assert lines[1].startswith("2020-01-15  overdue  Inès Dubois")
    assert "Write the summary" in lines[1] and "Procurement review" in lines[1]
    assert lines[4].startswith("-           open     Bruno Costa")
    assert lines[5].split()[1] == "done"


def test_ics_holds_one_todo_per_open_action_with_due_date_summary_and_stable_uid(notebook, tmp_path: Path) -> None:
    database, ids = notebook
    target = tmp_path / "actions.ics"
    result = _run(database, "--ics", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote 4 open follow-ups to {target}\n"
    todos = Calendar.from_ical(target.read_bytes()).walk("VTODO")
    by_uid = {str(todo["UID"]): todo for todo in todos}
    assert set(by_uid) == {f"{ids[key]}@fieldnotes.invalid" for key in ("summary", "price_list", "demo", "call")}
    summary = by_uid[f"{ids['summary']}@fieldnotes.invalid"]
    assert str(summary["SUMMARY"]) == "Write the summary"
    assert summary.decoded("DUE") == dt.date(2020, 1, 15)
    assert str(summary["STATUS"]) == "NEEDS-ACTION"
    assert "Procurement review" in str(summary["DESCRIPTION"]) and "Müller Chemie" in str(summary["DESCRIPTION"])
    assert "Owner: Inès Dubois" in str(summary["DESCRIPTION"]) and "For: Hans Weber" in str(summary["DESCRIPTION"])
    assert "DUE" not in by_uid[f"{ids['call']}@fieldnotes.invalid"]

    again = tmp_path / "again.ics"
    _run(database, "--ics", str(again), "--overdue", "--json")
    assert {str(todo["UID"]) for todo in Calendar.from_ical(again.read_bytes()).walk("VTODO")} == {
        f"{ids['summary']}@fieldnotes.invalid", f"{ids['price_list']}@fieldnotes.invalid"}
    assert not [path.name for path in tmp_path.iterdir() if "partial" in path.name]


def test_an_ics_in_a_missing_folder_is_an_error_and_writes_nothing(notebook, tmp_path: Path) -> None:
    database, _ = notebook
    result = _run(database, "--ics", str(tmp_path / "missing" / "actions.ics"))
    assert result.returncode == 1 and result.stdout == ""
    assert "does not exist" in result.stderr and not (tmp_path / "missing").exists()


def test_a_notebook_without_follow_ups_prints_an_empty_list_and_one_note(database_path: Path) -> None:
    result = _run(database_path, "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == []
    assert result.stderr == "fieldnotes: no follow-ups yet\n"


def test_the_command_reads_without_loading_sqlalchemy(notebook) -> None:
    database, _ = notebook
    code = ("import sys; from fieldnotes.cli import main; code = main(['--db', sys.argv[1], 'followups', '--json']); "
            "assert not [m for m in sys.modules if m.startswith(('sqlalchemy', 'icalendar'))]; sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", code, str(database)], capture_output=True, text=True, cwd=REPO,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr


def test_the_apps_list_read_a_page_at_a_time_is_the_whole_list_in_listing_order(
        services: Services, database_path: Path) -> None:
    """Pages of two, each after the last row of the one before, make exactly the list `follow_ups` sorts
    in Python, whatever the ties (same due date, same visit date), undated actions (empty or missing
    date) and done flags never set; the counts are those of that list."""
    import sqlite3

    from fieldnotes.storage import follow_up_reads

    notes = services.notebook
    account, _ = notes.create_account("Brasserie Saint-Éloi")
    visits = [notes.create_visit(account.id, title=f"Visit {number}", visited_on=visited_on)[0].id
              for number, visited_on in enumerate(["2026-01-10T09:00", "2026-01-10T09:00", "2026-02-01T14:00"])]
    other, _ = notes.create_visit(title="No account", visited_on="2025-12-01T08:00")
    dates = ["2020-02-01", "2099-01-01", None, "2020-02-01", "", "2099-01-01"]
    for number in range(30):
        attributes: dict[str, object] = {"owner": "Bruno Costa" if number % 2 else "Inès Dubois",
                                         "done": number % 3 == 0}
        if dates[number % 6] is not None:
            attributes["due_on"] = dates[number % 6]
        notes.add_finding([*visits, other.id][number % 4], "follow_up", f"Action {number}", attributes)
    services.close()
    with sqlite3.connect(database_path) as connection:  # as an older version or an import may leave them
        connection.execute("UPDATE finding SET done = NULL WHERE text IN ('Action 1', 'Action 2')")
        connection.execute("UPDATE finding SET due_on = '' WHERE text = 'Action 8'")
    connection.close()

    today = dt.date(2030, 1, 1)
    connection = sqlite3.connect(database_path)
    try:
        for owners, account_id in ((None, None), (["Bruno Costa"], None), (None, account.id),
                                   (["Inès Dubois"], account.id), ([], None)):
            for include_done in (True, False):
                whole = follow_up_reads.follow_ups(connection, owners, account_id, include_done=include_done,
                                                   today=today)
                paged: list = []
                while True:
                    page = follow_up_reads.follow_up_page(connection, owners, account_id, include_done,
                                                          paged[-1] if paged else None, 2, today)
                    paged += page
                    if len(page) < 2:
                        break
                assert paged == whole, (owners, account_id, include_done)
            counts = follow_up_reads.follow_up_counts(connection, owners, account_id, today)
            every = follow_up_reads.follow_ups(connection, owners, account_id, today=today)
            assert (counts.open, counts.overdue, counts.done) == (
                sum(not row.done for row in every), sum(row.overdue for row in every), sum(row.done for row in every))
        assert len(follow_up_reads.follow_ups(connection, today=today)) == 30
    finally:
        connection.close()
