"""The command line: what it prints, and how it fails on a user's mistake.

Every user error exits with status 1 and one line on standard error that names what is
wrong and where, with no traceback, and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldnotes.cli import EXIT_OK, EXIT_USER_ERROR, main
from fieldnotes.services.sample import sample_team_path
from fieldnotes.storage.schema import APPLICATION_ID

REPO = Path(__file__).resolve().parents[2]


def _fingerprint(path: Path) -> str | None:
    """The database file's bytes, or None when there is no file."""
    if not path.exists():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(*args: str) -> subprocess.CompletedProcess:
    """The fieldnotes command in its own process, as a user would run it."""
    return subprocess.run([sys.executable, "-m", "fieldnotes", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=120, check=False)


def _assert_one_line_error(stderr: str, *expected: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("fieldnotes: error: ")
    assert "Traceback" not in stderr
    for fragment in expected:
        assert fragment in lines[0]


def _document(damage=None) -> dict:
    document = json.loads(sample_team_path().read_text(encoding="utf-8"))
    if damage is not None:
        damage(document)
    return document


def _write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _line_of(path: Path, fragment: str) -> int:
    return next(number for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if fragment in line)


@pytest.fixture
def filled_database(database_path: Path) -> Path:
    assert main(["--db", str(database_path), "import", str(sample_team_path())]) == EXIT_OK
    return database_path


# --- what works ----------------------------------------------------------------------------


def test_import_then_list_and_search_show_the_visits(filled_database, capsys) -> None:
    capsys.readouterr()
    assert main(["--db", str(filled_database), "list", "--limit", "3"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("2026-11-18")  # newest first
    assert main(["--db", str(filled_database), "search", "saint", "eloi", "--kind", "customer_visit"]) == EXIT_OK
    found = capsys.readouterr().out.splitlines()
    assert found and all("Brasserie Saint-Éloi" in line and "Customer visit" in line for line in found)


@pytest.mark.parametrize(
    "command",
    [["search", "zeppelin"], ["list", "--kind", "event", "--from", "2030-01-01"], ["contacts", "--account", "nordic"],
     ["conflicts"]],
    ids=["search", "list", "contacts", "conflicts"],
)
def test_a_command_that_finds_nothing_succeeds_with_a_note_on_standard_error(
    filled_database, capsys, command
) -> None:
    if command[0] == "contacts":  # an account whose people were all removed
        connection = sqlite3.connect(filled_database)
        connection.execute("DELETE FROM contact WHERE account_id IN (SELECT id FROM account WHERE name LIKE 'Nordic%')")
        connection.commit()
        connection.close()
    capsys.readouterr()
    assert main(["--db", str(filled_database), *command]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and captured.err.startswith("fieldnotes: no ")


def test_list_filters_by_competitor_and_severity(filled_database, capsys) -> None:
    capsys.readouterr()
    assert main(["--db", str(filled_database), "list", "--competitor", "ksv armaturen", "--min-severity", "5",
                 "--from", "2026-09-01", "--to", "2026-10-31"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["2026-10-21T10:00", "2026-09-16T09:00"]


def test_export_writes_a_file_that_imports_again(filled_database, tmp_path, capsys) -> None:
    exported = tmp_path / "export.json"
    assert main(["--db", str(filled_database), "export", str(exported)]) == EXIT_OK
    assert "exported 16 visits" in capsys.readouterr().out
    other = tmp_path / "other.db"
    assert main(["--db", str(other), "import", str(exported)]) == EXIT_OK
    assert "imported 16 visits" in capsys.readouterr().out


def test_a_zero_byte_database_file_is_treated_as_a_new_notebook(tmp_path, capsys) -> None:
    database = tmp_path / "touched.db"
    database.touch()
    assert main(["--db", str(database), "import", str(sample_team_path())]) == EXIT_OK
    assert "imported 16 visits" in capsys.readouterr().out
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    finally:
        connection.close()


# --- user errors, in a separate process ----------------------------------------------------


def test_importing_a_missing_file_fails_in_one_line_and_creates_no_database(tmp_path) -> None:
    database = tmp_path / "notebook.db"
    result = _run("--db", str(database), "import", str(tmp_path / "nowhere.json"))
    assert result.returncode == EXIT_USER_ERROR
    _assert_one_line_error(result.stderr, "nowhere.json", "no such file")
    assert not database.exists()


def test_importing_malformed_json_names_the_line_and_column(database_path, tmp_path) -> None:
    broken = tmp_path / "broken.json"
    text = json.dumps(_document(), ensure_ascii=False, indent=1)
    broken.write_text(text.replace('"kind": "ride_along"', '"kind": ride_along', 1), encoding="utf-8")
    line = _line_of(broken, '"kind": ride_along')
    before = _fingerprint(database_path)
    result = _run("--db", str(database_path), "import", str(broken))
    assert result.returncode == EXIT_USER_ERROR
    _assert_one_line_error(result.stderr, "broken.json", f"line {line} column", "malformed JSON")
    assert _fingerprint(database_path) == before


def test_opening_a_database_from_a_newer_version_is_refused_untouched(database_path) -> None:
    connection = sqlite3.connect(database_path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.commit()
    connection.close()
    before = _fingerprint(database_path)
    result = _run("--db", str(database_path), "list")
    assert result.returncode == EXIT_USER_ERROR
    _assert_one_line_error(result.stderr, str(database_path), "newer version of fieldnotes", "9999_from_the_future")
    assert _fingerprint(database_path) == before


# --- user errors, in this process ----------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda d: d["visits"][3]["needs"][0].update(severity=7), ["visits[3].needs[0].severity", "7"]),
        (lambda d: d["visits"][9].update(account_id="0badc0de-0000-4000-8000-000000000000"),
         ["visits[9].account_id", "no account with id 0badc0de-0000-4000-8000-000000000000"]),
        (lambda d: d["visits"][7]["objections"].append(dict(d["visits"][2]["objections"][0])),
         ["visits[7].objections[1].id", "used twice", "visits[2].objections[0]"]),
        (lambda d: d["visits"][12].update(visited_on="2026-11-31T10:00"), ["visits[12].visited_on", "2026-11-31"]),
        (lambda d: d["visits"][1]["follow_ups"][0].update(due_on="tomorrow"), ["visits[1].follow_ups[0].due_on"]),
    ],
    ids=["severity-7", "unknown-account", "duplicate-id", "bad-visit-date", "bad-due-date"],
)
def test_importing_a_file_with_a_wrong_value_fails_naming_it_and_changes_nothing(
    filled_database, tmp_path, capsys, damage, expected
) -> None:
    path = _write(tmp_path / "team.json", _document(damage))
    exported_before = tmp_path / "before.json"
    main(["--db", str(filled_database), "export", str(exported_before)])
    capsys.readouterr()

    assert main(["--db", str(filled_database), "import", str(path)]) == EXIT_USER_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    _assert_one_line_error(captured.err, "team.json", *expected)

    exported_after = tmp_path / "after.json"
    main(["--db", str(filled_database), "export", str(exported_after)])
    before, after = (json.loads(p.read_text("utf-8")) for p in (exported_before, exported_after))
    assert {**before, "exported_at": None} == {**after, "exported_at": None}


def test_a_database_file_that_is_not_sqlite_is_refused_untouched(tmp_path, capsys) -> None:
    database = tmp_path / "notes.db"
    database.write_text("Meeting notes, not a database\n", encoding="utf-8")
    before = _fingerprint(database)
    assert main(["--db", str(database), "list"]) == EXIT_USER_ERROR
    _assert_one_line_error(capsys.readouterr().err, str(database), "not a fieldnotes database", "not an SQLite file")
    assert _fingerprint(database) == before


def test_a_sqlite_file_of_another_program_is_refused_untouched(tmp_path, capsys) -> None:
    database = tmp_path / "places.sqlite"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE bookmarks (url TEXT)")
    connection.execute("INSERT INTO bookmarks VALUES ('https://example.com')")
    connection.commit()
    connection.close()
    before = _fingerprint(database)
    assert main(["--db", str(database), "import", str(sample_team_path())]) == EXIT_USER_ERROR
    _assert_one_line_error(capsys.readouterr().err, str(database), "belongs to another program")
    assert _fingerprint(database) == before


def test_a_newer_database_is_refused_by_every_command(database_path, tmp_path, capsys) -> None:
    connection = sqlite3.connect(database_path)
    connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
    connection.commit()
    connection.close()
    before = _fingerprint(database_path)
    for command in (["list"], ["search", "pump"], ["export", str(tmp_path / "out.json")],
                    ["import", str(sample_team_path())]):
        assert main(["--db", str(database_path), *command]) == EXIT_USER_ERROR
        _assert_one_line_error(capsys.readouterr().err, "newer version of fieldnotes")
    assert _fingerprint(database_path) == before
    assert not (tmp_path / "out.json").exists()


def test_a_bad_date_in_a_filter_is_a_user_error(database_path, capsys) -> None:
    assert main(["--db", str(database_path), "list", "--from", "2026-02-30"]) == EXIT_USER_ERROR
    _assert_one_line_error(capsys.readouterr().err, "--from", "2026-02-30")


def test_an_unknown_kind_in_a_filter_names_the_choices(database_path, capsys) -> None:
    assert main(["--db", str(database_path), "list", "--kind", "lunch"]) == EXIT_USER_ERROR
    _assert_one_line_error(capsys.readouterr().err, "--kind", "'lunch'", "ride_along")


def test_a_listing_cut_short_by_its_reader_is_not_an_error(tmp_path) -> None:
    import subprocess
    import sys

    from fieldnotes.services.session import Services

    database = tmp_path / "many.db"
    services = Services.open(database, author="tester")
    import uuid

    visits = [
        {"id": str(uuid.uuid4()), "account_id": None, "title": f"Visit {index}", "kind": "event",
         "visited_on": "2026-01-01", "summary": "", "notes": "", "next_step": "", "needs": [],
         "information_sources": [], "value_perceived": [], "competitor_moves": [], "objections": [], "follow_ups": []}
        for index in range(3000)
    ]
    services.interchange.import_document({"format": "fieldnotes", "version": 1, "accounts": [], "visits": visits},
                                         validated=False)
    services.close()
    listing = subprocess.Popen([sys.executable, "-m", "fieldnotes", "--db", str(database), "list"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert listing.stdout.readline()
    listing.stdout.close()  # like `| head -1`
    errors = listing.stderr.read().decode()
    listing.stderr.close()
    assert listing.wait(timeout=60) == 0
    assert "Traceback" not in errors and "BrokenPipe" not in errors


# --- accounts, contacts and --account ------------------------------------------------------


def test_accounts_lists_every_account_with_its_id_kind_visits_and_last_visit(filled_database, capsys) -> None:
    capsys.readouterr()
    assert main(["--db", str(filled_database), "accounts"]) == EXIT_OK
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 7
    eloi = next(line for line in lines if line[1] == "Brasserie Saint-Éloi")
    assert eloi[2:] == ["Customer", "2 visits", "2026-10-14T10:30"]
    assert main(["--db", str(filled_database), "accounts", "--json"]) == EXIT_OK
    listed = json.loads(capsys.readouterr().out)
    assert {"id": eloi[0], "name": "Brasserie Saint-Éloi", "kind": "customer", "visits": 2,
            "last_visit": "2026-10-14T10:30"} in listed


def test_contacts_of_one_account_named_without_accents_or_case(filled_database, capsys) -> None:
    capsys.readouterr()
    assert main(["--db", str(filled_database), "contacts", "--account", "brasserie saint eloi", "--json"]) == EXIT_OK
    people = json.loads(capsys.readouterr().out)
    assert sorted(person["name"] for person in people) == ["Hélène Dupré", "Sophie Lefèvre", "Étienne Marchal"]
    assert {person["account_name"] for person in people} == {"Brasserie Saint-Éloi"}
    assert main(["--db", str(filled_database), "contacts"]) == EXIT_OK
    assert len(capsys.readouterr().out.splitlines()) == 21


def test_list_takes_an_account_by_id_or_by_name(filled_database, capsys) -> None:
    capsys.readouterr()
    main(["--db", str(filled_database), "accounts", "--json"])
    eloi = next(a for a in json.loads(capsys.readouterr().out) if a["name"] == "Brasserie Saint-Éloi")
    listings = []
    for given in (eloi["id"], "Brasserie Saint-Éloi", "BRASSERIE SAINT-ELOI", "saint-éloi"):
        assert main(["--db", str(filled_database), "list", "--account", given]) == EXIT_OK
        listings.append(capsys.readouterr().out)
    assert len(listings[0].splitlines()) == 2
    assert all(listing == listings[0] for listing in listings)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("nope", ["no account has the id or name 'nope'", "fieldnotes accounts"]),
     ("ab", ["'ab' names 2 accounts", "Laboratoires Alvéole", "Nordic Process Supply AB", "give the id"])],
    ids=["unknown", "ambiguous"],
)
def test_an_unknown_or_ambiguous_account_is_a_one_line_error(filled_database, capsys, given, expected) -> None:
    for command in (["list"], ["search", "pump"], ["contacts"]):
        capsys.readouterr()
        assert main(["--db", str(filled_database), *command, "--account", given]) == EXIT_USER_ERROR
        captured = capsys.readouterr()
        assert captured.out == ""
        _assert_one_line_error(captured.err, "--account", *expected)


# --- round trip ----------------------------------------------------------------------------


def _without_export_time(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith('"exported_at"'))


@pytest.mark.parametrize("edit_the_guide", [False, True], ids=["shipped-guide", "edited-guide"])
def test_export_import_export_into_a_new_notebook_is_byte_identical_but_for_the_export_time(
    filled_database, tmp_path, capsys, edit_the_guide
) -> None:
    if edit_the_guide:
        from fieldnotes.services.session import Services

        services = Services.open(filled_database, author="tester")
        try:
            guide = services.guides.guides()[0]
            services.guides.rename_guide(guide.id, "Our own guide")
        finally:
            services.close()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert main(["--db", str(filled_database), "export", str(first)]) == EXIT_OK
    assert main(["--db", str(tmp_path / "new.db"), "import", str(first)]) == EXIT_OK
    assert main(["--db", str(tmp_path / "new.db"), "export", str(second)]) == EXIT_OK
    assert _without_export_time(first) == _without_export_time(second)
    assert ("Our own guide" in first.read_text(encoding="utf-8")) is edit_the_guide


def test_report_takes_an_account_by_name_too(filled_database, tmp_path, capsys) -> None:
    capsys.readouterr()
    target = tmp_path / "eloi.pdf"
    assert main(["--db", str(filled_database), "report", "--account", "Saint Eloi", "-o", str(target)]) == EXIT_OK
    assert "wrote a summary of 2 visits" in capsys.readouterr().out
    assert target.stat().st_size > 0
