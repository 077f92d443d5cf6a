"""Input that cannot be used gets one clear line, exit status 1, and changes nothing.

Files a user may hand the command line by mistake or by malice: JSON no fieldnotes file
holds, notebooks that are not plain files, notebooks that cannot be written where they
lie, and notebooks holding objects fieldnotes did not create. Each is refused before
anything is written, and leaves no `-wal`/`-shm` file beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes.cli import EXIT_OK, EXIT_USER_ERROR, main
from fieldnotes.services.sample import sample_team_path


def _fingerprint(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _companions(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm") if Path(f"{path}{suffix}").exists()]


def _assert_refused(argv: list[str], capsys: pytest.CaptureFixture[str], *expected: str) -> None:
    """The command exits 1 with one line on standard error holding every expected fragment."""
    capsys.readouterr()
    assert main(argv) == EXIT_USER_ERROR
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("fieldnotes: error: ")
    for fragment in expected:
        assert fragment in lines[0]
    assert captured.out == ""


@pytest.fixture
def filled_database(database_path: Path) -> Path:
    assert main(["--db", str(database_path), "import", str(sample_team_path())]) == EXIT_OK
    return database_path


# --- JSON that no fieldnotes file holds ------------------------------------------------------


def _document_with(extra: str) -> str:
    return '{"format": "fieldnotes", "version": 1, "accounts": [], "visits": [], "note": ' + extra + "}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_document_with("1" * 5000), "5000 digits"),
        (_document_with("-" + "9" * 5000), "5000 digits"),
        (_document_with("1e999"), "1e999"),
        (_document_with("NaN"), "NaN"),
        (_document_with('"\\ud800"'), "\\ud800"),
        (_document_with('"ok \\udfff"'), "\\udfff"),
        (_document_with('{"line\\nbreak": "\\ud800"}'), "note.line\\nbreak"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper than"),
        (_document_with("[" * 70 + "]" * 70), "nested deeper than"),
    ],
    ids=["5000-digits", "negative-5000-digits", "infinite", "nan", "lone-high-surrogate", "lone-low-surrogate",
         "key-with-a-line-break", "100000-deep", "70-deep"],
)
def test_importing_json_no_fieldnotes_file_holds_is_refused_in_one_line(
    filled_database, tmp_path, capsys, text, expected
) -> None:
    source = tmp_path / "odd.json"
    source.write_text(text, encoding="utf-8")
    before = _fingerprint(filled_database)
    _assert_refused(["--db", str(filled_database), "import", str(source)], capsys, "odd.json", expected)
    assert _fingerprint(filled_database) == before


def test_a_contact_id_that_belongs_to_another_accounts_contact_is_refused(filled_database, tmp_path, capsys) -> None:
    exported = tmp_path / "team.json"
    main(["--db", str(filled_database), "export", str(exported)])
    document = json.loads(exported.read_text(encoding="utf-8"))
    taken = document["accounts"][0]["contacts"][0]
    newcomer = {**document["accounts"][1], "id": str(uuid.uuid4()), "name": "Someone else",
                "contacts": [{**taken, "name": "Impostor"}]}
    source = tmp_path / "newcomer.json"
    source.write_text(json.dumps({**document, "accounts": [newcomer], "visits": [], "guides": []}), encoding="utf-8")
    before = _fingerprint(filled_database)
    _assert_refused(["--db", str(filled_database), "import", str(source)], capsys,
                    "accounts[0].contacts[0].id", taken["id"], "already belongs to another account")
    assert _fingerprint(filled_database) == before


@pytest.mark.parametrize(
    "command",
    [["search", "caf\udce9"], ["list", "--account", "\udcff"], ["report", "\udcff", "-o", "x.pdf"]],
    ids=["search-words", "account", "visit-id"],
)
def test_an_argument_with_bytes_that_are_not_utf8_is_refused_in_one_line(filled_database, capsys, command) -> None:
    """A shell hands over such bytes as they are, from a file name in another encoding."""
    _assert_refused(["--db", str(filled_database), *command], capsys, "holds bytes that are not UTF-8 text")


@pytest.mark.parametrize("target", ["", ".", "exports"], ids=["empty", "dot", "a-folder"])
def test_exporting_to_a_folder_is_refused_in_one_line(filled_database, tmp_path, monkeypatch, capsys, target) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exports").mkdir()
    _assert_refused(["--db", str(filled_database), "export", target], capsys, "is a folder")


# --- notebooks that are not plain files ----------------------------------------------------


def test_dev_null_as_the_notebook_is_refused_as_a_device(capsys) -> None:
    _assert_refused(["--db", os.devnull, "list"], capsys, os.devnull, "it is a device, not a file")


def test_a_pipe_as_the_notebook_is_refused_without_waiting_on_it(tmp_path, capsys) -> None:
    pipe = tmp_path / "notebook.db"
    os.mkfifo(pipe)
    _assert_refused(["--db", str(pipe), "list"], capsys, "it is a pipe, not a file")


def test_a_folder_as_the_notebook_is_refused(tmp_path, capsys) -> None:
    _assert_refused(["--db", str(tmp_path), "list"], capsys, "it is a folder, not a file")


# --- notebooks whose content is not what fieldnotes wrote -----------------------------------


def test_a_notebook_without_a_schema_revision_is_called_damaged_not_newer(database_path, capsys) -> None:
    connection = sqlite3.connect(database_path)
    connection.execute("DELETE FROM alembic_version")
    connection.commit()
    connection.close()
    before = _fingerprint(database_path)
    _assert_refused(["--db", str(database_path), "list"], capsys, "records no schema revision", "restore a backup")
    assert _fingerprint(database_path) == before
    assert not _companions(database_path)


def test_a_planted_trigger_is_refused_before_it_can_run(filled_database, tmp_path, capsys) -> None:
    connection = sqlite3.connect(filled_database)
    connection.execute("CREATE TRIGGER wipe AFTER INSERT ON visit BEGIN DELETE FROM account; END")
    connection.commit()
    connection.close()
    before = _fingerprint(filled_database)
    for command in (["import", str(sample_team_path())], ["list"], ["export", str(tmp_path / "out.json")]):
        _assert_refused(["--db", str(filled_database), *command], capsys, "fieldnotes did not create")
    assert _fingerprint(filled_database) == before
    assert not (tmp_path / "out.json").exists()
    assert not _companions(filled_database)


def test_a_changed_trigger_of_ours_is_refused_too(filled_database, capsys) -> None:
    connection = sqlite3.connect(filled_database)
    connection.execute("DROP TRIGGER search_note_visit_delete")
    connection.execute("CREATE TRIGGER search_note_visit_delete AFTER DELETE ON visit BEGIN DELETE FROM account; END")
    connection.commit()
    connection.close()
    _assert_refused(["--db", str(filled_database), "list"], capsys, "fieldnotes did not create")


def test_another_programs_file_holding_only_a_view_is_not_taken_over(tmp_path, capsys) -> None:
    foreign = tmp_path / "report.sqlite"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE VIEW today AS SELECT date('now') AS day")
    connection.commit()
    connection.close()
    before = _fingerprint(foreign)
    _assert_refused(["--db", str(foreign), "import", str(sample_team_path())], capsys, "belongs to another program")
    assert _fingerprint(foreign) == before
    assert not _companions(foreign)


def test_a_refused_notebook_in_wal_mode_gets_no_wal_or_shm_file_beside_it(database_path, capsys) -> None:
    connection = sqlite3.connect(database_path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    assert not _companions(database_path)
    _assert_refused(["--db", str(database_path), "list"], capsys, "newer version")
    assert not _companions(database_path)


# --- folders that cannot be written --------------------------------------------------------


@contextlib.contextmanager
def _read_only_folder(place: Path, populate: dict[str, Path]) -> Iterator[Path]:
    """A folder on a file system mounted read-only, holding copies of `populate`.

    Tests run as root, for whom permission bits do not stop a write; a read-only mount
    stops everyone, and `os.access` reports it honestly.
    """
    place.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only mount needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(place)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a file system here: {mounted.stderr.decode().strip()}")
    try:
        for name, source in populate.items():
            shutil.copyfile(source, place / name)
        subprocess.run(["mount", "-o", "remount,ro", str(place)], check=True)
        assert not os.access(place, os.W_OK)
        yield place
    finally:
        subprocess.run(["umount", str(place)], check=True)


def test_a_new_notebook_in_a_read_only_folder_is_refused_naming_the_folder(tmp_path, capsys) -> None:
    with _read_only_folder(tmp_path / "shared", {}) as folder:
        _assert_refused(["--db", str(folder / "new.db"), "import", str(sample_team_path())], capsys,
                        "cannot create a notebook here", f"the folder {folder} cannot be written")
        assert not list(folder.iterdir())


def test_an_existing_notebook_in_a_read_only_folder_is_not_called_damaged(filled_database, tmp_path, capsys) -> None:
    with _read_only_folder(tmp_path / "shared", {"notebook.db": filled_database}) as folder:
        before = _fingerprint(folder / "notebook.db")
        for command in (["list"], ["import", str(sample_team_path())]):
            capsys.readouterr()
            assert main(["--db", str(folder / "notebook.db"), *command]) == EXIT_USER_ERROR
            error = capsys.readouterr().err
            assert error.count("\n") == 1 and "cannot be written" in error and "damaged" not in error
        assert _fingerprint(folder / "notebook.db") == before
        assert sorted(path.name for path in folder.iterdir()) == ["notebook.db"]


# --- the --db option ----------------------------------------------------------------------


def test_a_db_in_a_missing_folder_is_an_error_and_creates_nothing(tmp_path, capsys) -> None:
    _assert_refused(["--db", str(tmp_path / "typo" / "new.db"), "list"], capsys,
                    "--db", f"{tmp_path / 'typo'} does not exist", "--create-folder")
    assert not (tmp_path / "typo").exists()


def test_create_folder_makes_the_missing_folder_of_db(tmp_path, capsys) -> None:
    database = tmp_path / "team" / "2026" / "notebook.db"
    assert main(["--db", str(database), "--create-folder", "import", str(sample_team_path())]) == EXIT_OK
    assert database.is_file()


def test_a_notebook_without_a_write_ahead_log_on_read_only_media_lists_but_refuses_changes(
    filled_database, tmp_path, capsys
) -> None:
    connection = sqlite3.connect(filled_database)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    with _read_only_folder(tmp_path / "shared", {"notebook.db": filled_database}) as folder:
        notebook = folder / "notebook.db"
        capsys.readouterr()
        assert main(["--db", str(notebook), "list", "--limit", "2"]) == EXIT_OK
        assert len(capsys.readouterr().out.splitlines()) == 2
        _assert_refused(["--db", str(notebook), "import", str(sample_team_path())], capsys,
                        f"its folder {folder} cannot be written")
        assert sorted(path.name for path in folder.iterdir()) == ["notebook.db"]
