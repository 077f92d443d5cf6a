"""Oversized values: refused where they enter, with one clear message, and never a reason to stop syncing.

The limits live in `fieldnotes.domain.limits`; the app, the JSON import, the command line
and the check of every segment use the same numbers.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from fieldnotes.cli import EXIT_OK, EXIT_USAGE, main
from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.limits import MAX_AUTHOR_CHARS, MAX_TEXT_CHARS
from fieldnotes.services.sample import sample_team_path
from fieldnotes.services.signature import Signature
from tests.unit.sync_support import Laptop

TOO_LONG_NOTE = "n" * (MAX_TEXT_CHARS + 1)
TOO_LONG_NAME = "a" * (MAX_AUTHOR_CHARS + 1)


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "Team.fieldnotes-sync"
    folder.mkdir()
    return folder


def test_typing_a_note_over_the_limit_is_refused_with_a_message_naming_the_field(services) -> None:
    visit, _ = services.notebook.create_visit(title="Long")
    with pytest.raises(ValidationError, match=r"notes: 1,000,001 characters is too long \(at most 1,000,000\)"):
        services.notebook.update_visit(visit.id, notes=TOO_LONG_NOTE)
    services.notebook.update_visit(visit.id, notes="n" * MAX_TEXT_CHARS)
    assert len(services.notebook.visit(visit.id).notes) == MAX_TEXT_CHARS


def test_a_finding_attribute_over_the_limit_is_refused(services) -> None:
    visit, _ = services.notebook.create_visit(title="Long")
    with pytest.raises(ValidationError, match="too long"):
        services.notebook.add_finding(visit.id, "need", "text", {"quote": TOO_LONG_NOTE})
    assert services.notebook.visit(visit.id).findings == []


def test_importing_a_note_over_the_limit_is_refused_naming_where_it_is(services, tmp_path) -> None:
    document = json.loads(sample_team_path().read_text(encoding="utf-8"))
    document["visits"][1]["notes"] = TOO_LONG_NOTE
    path = tmp_path / "team.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        services.interchange.import_file(path)
    message = str(refused.value)
    assert "visits[1].notes: 1,000,001 characters is too long (at most 1,000,000)" in message
    assert len(message) < 300  # the value itself is never quoted
    assert services.notebook.visit_count() == 0


def test_importing_an_author_name_over_the_limit_is_refused(services, tmp_path) -> None:
    document = json.loads(sample_team_path().read_text(encoding="utf-8"))
    document["visits"][0]["updated_by"] = TOO_LONG_NAME
    path = tmp_path / "team.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"visits\[0\]\.updated_by: 201 characters is too long"):
        services.interchange.import_file(path)


def test_an_author_name_over_the_limit_is_refused_by_the_command_line_before_anything_opens(
    tmp_path, capsys
) -> None:
    database = tmp_path / "notebook.db"
    share = tmp_path / "share"
    share.mkdir()
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(database), "--author", TOO_LONG_NAME, "sync", str(share)])
    assert exited.value.code == EXIT_USAGE
    error = capsys.readouterr().err
    assert "--author" in error and "201 characters is too long for a name (at most 200)" in error
    assert "Traceback" not in error
    assert not database.exists()
    assert main(["--db", str(database), "--author", "a" * MAX_AUTHOR_CHARS, "sync", str(share)]) == EXIT_OK


def test_renaming_the_author_over_the_limit_keeps_the_name_in_use() -> None:
    signature = Signature("Dana")
    with pytest.raises(ValidationError, match="author name: 201 characters is too long"):
        signature.name = TOO_LONG_NAME
    assert signature.name == "Dana"


def _plant_value(path: Path, visit_id: str, **values: object) -> None:
    """Write values into the notebook file as an older fieldnotes could, before limits were enforced."""
    connection = sqlite3.connect(path)
    with connection:
        for column, value in values.items():
            connection.execute(f"UPDATE visit SET {column} = ? WHERE id = ?", (value, visit_id))
    connection.close()


def test_a_notebook_already_holding_an_oversized_note_keeps_publishing_everything_else(
    template_database, tmp_path, share
) -> None:
    alice = Laptop(template_database, tmp_path, "alice")
    bob = Laptop(template_database, tmp_path, "bob")
    try:
        big, _ = alice.notebook.create_visit(title="Big notes")
        small, _ = alice.notebook.create_visit(title="Small notes")
        alice.sync_with(share)
        bob.sync_with(share)
        _plant_value(alice.path, big.id, notes=TOO_LONG_NOTE)
        alice.notebook.update_visit(small.id, notes="typed before the sync")
        report = alice.sync_with(share)
        assert len(report.set_aside) == 1 and "too long" in report.set_aside[0]
        assert "could not be published" in report.describe()
        alice.notebook.update_visit(small.id, summary="typed after the sync")
        assert alice.sync_with(share).set_aside == []  # reported once, not at every sync
        assert bob.sync_with(share).rejected == []
        seen = bob.notebook.visit(small.id)
        assert (seen.notes, seen.summary) == ("typed before the sync", "typed after the sync")
        assert alice.notebook.visit(big.id).notes == TOO_LONG_NOTE  # still there on its own laptop
    finally:
        alice.close()
        bob.close()


def test_an_oversized_note_is_set_aside_while_the_same_visits_other_edits_reach_the_team(
    template_database, tmp_path, share
) -> None:
    alice = Laptop(template_database, tmp_path, "alice")
    bob = Laptop(template_database, tmp_path, "bob")
    try:
        visit, _ = alice.notebook.create_visit(title="Big notes")
        alice.sync_with(share)
        bob.sync_with(share)
        _plant_value(alice.path, visit.id, notes=TOO_LONG_NOTE)
        alice.notebook.update_visit(visit.id, summary="typed before the sync")
        report = alice.sync_with(share)
        assert len(report.set_aside) == 1 and "visit notes" in report.set_aside[0]
        bob.sync_with(share)
        seen = bob.notebook.visit(visit.id)
        assert (seen.summary, seen.notes) == ("typed before the sync", "")
        assert alice.notebook.visit(visit.id).notes == TOO_LONG_NOTE
    finally:
        alice.close()
        bob.close()


def test_an_edit_stamped_with_an_overlong_name_before_names_had_a_limit_still_reaches_the_team(
    template_database, tmp_path, share
) -> None:
    alice = Laptop(template_database, tmp_path, "alice")
    bob = Laptop(template_database, tmp_path, "bob")
    try:
        visit, _ = alice.notebook.create_visit(title="Stamped long ago")
        alice.sync_with(share)
        _plant_value(alice.path, visit.id, summary="Typed under a long name", updated_by=TOO_LONG_NAME,
                     updated_at="2099-01-01T00:00:00.000Z")
        report = alice.sync_with(share)
        assert report.set_aside == [] and report.sent > 0
        bob.sync_with(share)
        assert bob.notebook.visit(visit.id).summary == "Typed under a long name"
    finally:
        alice.close()
        bob.close()
