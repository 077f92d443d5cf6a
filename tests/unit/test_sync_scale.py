"""Sync at the size of a team that brings its history: what is stored per change, what
older files and notebooks still give, and what a sync writes besides the merge."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from fieldnotes.domain.versioning import RecordVersion
from fieldnotes.services.session import Services
from fieldnotes.storage import segments
from fieldnotes.storage.versions import TRACKED
from tests.unit.sync_support import sync_all


def _rows(path: Path, sql: str, *parameters: object) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


def test_a_new_visit_with_findings_is_one_stored_version_per_record(alice, share) -> None:
    """A visit with many fields and its findings cost one log row each, not one per field."""
    account, _ = alice.notebook.create_account("Hafenwerk", notes="Port authority")
    visit, _ = alice.notebook.create_visit(account.id, title="Dock inspection")
    alice.notebook.update_visit(visit.id, summary="Seals", notes="Pumps")
    for text in ("Seal leaks", "Wants a quote", "Budget in Q3"):
        alice.notebook.add_finding(visit.id, "need", text)
    alice.sync_with(share)
    per_record = _rows(alice.path, "SELECT kind, record_id, count(*) FROM record_version GROUP BY kind, record_id")
    assert {kind for kind, _, _ in per_record} >= {"account", "visit", "finding"}
    assert all(count == 1 for _, _, count in per_record)


def test_a_laptop_publishes_visits_before_their_findings(alice, bob, share) -> None:
    """A colleague's laptop can show every finding as soon as it reads it: its visit came first."""
    account, _ = alice.notebook.create_account("Hafenwerk")
    visit, _ = alice.notebook.create_visit(account.id, title="Dock inspection")
    alice.notebook.add_finding(visit.id, "need", "Seal leaks")
    alice.sync_with(share)
    order = dict(_rows(
        alice.path, "SELECT kind, min(counter) FROM record_version GROUP BY kind"))
    assert order["account"] < order["visit"] < order["finding"]
    report = bob.sync_with(share)
    assert report.held_back == 0
    assert [f.text for f in bob.notebook.visit(visit.id).findings] == ["Seal leaks"]


def _write_format_one_segment(path: Path, team: str, site: str, rows: list[tuple]) -> None:
    """A segment as fieldnotes wrote them before versions were stored by record."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute(f"PRAGMA application_id = {segments.SEGMENT_APPLICATION_ID}")
        connection.execute("PRAGMA user_version = 1")
        for _, _, sql in segments._SCHEMAS[1]:
            connection.execute(sql)
        connection.execute("INSERT INTO segment VALUES (1, ?, ?, ?, ?, ?, '2026-11-23T10:00:00.000Z', '0.1.0')",
                           (team, site, rows[0][0], rows[-1][0], len(rows)))
        connection.executemany("INSERT INTO version VALUES (?, ?, ?, ?, ?, ?, 'carol', '2026-11-23T10:00:00.000Z', ?)",
                               rows)
        connection.commit()
    finally:
        connection.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    path.with_suffix(".sha256").write_text(f"{digest}  {path.name}\n")


def test_a_segment_from_a_fieldnotes_that_stored_one_row_per_field_still_applies(alice, bob, share) -> None:
    sync_all([alice, bob], share)
    team = _rows(bob.path, "SELECT team_id FROM sync_state")[0][0]
    site = "c" * 32
    folder = share / "sites" / site
    folder.mkdir(parents=True)
    account_id = "a" * 8 + "-aaaa-4aaa-8aaa-" + "a" * 12
    clock = 1 << 50
    rows = [
        (1, "account", account_id, "name", "Brasserie Saint-Eloi", clock, ""),
        (2, "account", account_id, "kind", "customer", clock + 1, ""),
        (3, "account", account_id, "notes", "", clock + 2, ""),
        (4, "account", account_id, "name", "Brasserie Saint-Éloi", clock + 3, f"{site}:1"),
    ]
    _write_format_one_segment(folder / "000000000001-000000000004-0000beef.db", team, site, rows)
    report = bob.sync_with(share)
    assert report.rejected == [] and report.received == len(rows) and report.held_back == 0
    assert _rows(bob.path, "SELECT name, kind FROM account WHERE id = ?", account_id) == [
        ("Brasserie Saint-Éloi", "customer")]


def test_a_notebook_synced_before_versions_were_stored_by_record_keeps_its_history(tmp_path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from fieldnotes.storage import database

    path = tmp_path / "notebook.db"
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(database._MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    engine.dispose()
    site = "d" * 32
    visit_id, finding_id = "e" * 8 + "-eeee-4eee-8eee-" + "e" * 12, "f" * 8 + "-ffff-4fff-8fff-" + "f" * 12
    stamp = "2026-11-23T10:00:00.000Z"
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO field_version VALUES (?, ?, ?, ?, ?, ?, ?, 'dora', ?, ?)",
            [(site, 1, "finding", finding_id, "visit_id", visit_id, 1 << 50, stamp, ""),
             (site, 2, "finding", finding_id, "kind", "need", 1 << 50, stamp, ""),
             (site, 3, "finding", finding_id, "text", "Arrived before its visit", 1 << 50, stamp, ""),
             (site, 4, "finding", finding_id, "position", 0, 1 << 50, stamp, "")],
        )
    connection.close()
    services = Services.open(path, author="tester")
    try:
        from fieldnotes.storage import sync_log

        assert _rows(path, "SELECT kind, record_id, parent_id FROM sync_waiting") == [
            ("finding", finding_id, visit_id)]
        stored = _rows(path, "SELECT counter, fields FROM record_version ORDER BY counter")
        assert stored[1] == (2, '{"kind":"need"}') and stored[3] == (4, '{"position":0}')
        visit_fields: dict[str, object] = dict.fromkeys(TRACKED["visit"], "")
        visit_fields.update(account_id=None, guide_id=None, kind="customer_visit", visited_on="2026-11-23",
                            covered_prompts="[]", attendee_ids="[]", debrief_of=None, next_step_due=None,
                            title="The visit it waited for")
        with services.database.writing() as session:
            sync_log.apply_versions(
                session, [RecordVersion(site, 5, "visit", visit_id, visit_fields, (1 << 50) + 5, "dora", stamp)],
                sync_log.HeldBack())
        assert [f.text for f in services.notebook.visit(visit_id).findings] == ["Arrived before its visit"]
        assert _rows(path, "SELECT count(*) FROM sync_waiting") == [(0,)]
    finally:
        services.close()


def test_rows_a_sync_overwrote_or_added_come_back_from_its_journal(alice, bob, share) -> None:
    account, _ = alice.notebook.create_account("Hafenwerk")
    visit, _ = alice.notebook.create_visit(account.id, title="Dock inspection")
    alice.notebook.update_visit(visit.id, summary="Before the sync")
    sync_all([alice, bob], share)
    alice.notebook.update_visit(visit.id, summary="Changed by Alice")
    added, _ = alice.notebook.create_visit(account.id, title="Added by Alice")
    alice.sync_with(share)
    bob.sync_with(share)
    assert bob.notebook.visit(visit.id).summary == "Changed by Alice"
    journals = sorted((bob.path.parent / "backups").glob("notebook-sync-journal-*.db"))
    assert journals, "the sync kept no record of the rows it changed"
    assert not [path for path in (bob.path.parent / "backups").glob("*.db") if "journal" not in path.name], \
        "a sync copied the whole notebook"
    restored = bob.services.database.restore_pre_images(journals[-1], list(TRACKED))
    assert restored == 2
    assert bob.notebook.visit(visit.id).summary == "Before the sync"
    assert added.id not in {row[0] for row in _rows(bob.path, "SELECT id FROM visit")}


def test_the_journal_of_a_sync_holds_only_the_rows_it_changed(alice, bob, share) -> None:
    account, _ = alice.notebook.create_account("Hafenwerk")
    visits = [alice.notebook.create_visit(account.id, title=f"Visit {index}")[0] for index in range(30)]
    sync_all([alice, bob], share)
    alice.notebook.update_visit(visits[0].id, summary="The only change")
    alice.sync_with(share)
    bob.sync_with(share)
    [journal] = sorted((bob.path.parent / "backups").glob("notebook-sync-journal-*.db"))[-1:]
    assert _rows(journal, "SELECT id, summary FROM visit") == [(visits[0].id, "")]
    assert _rows(journal, "SELECT count(*) FROM journal_added") == [(0,)]


def test_a_record_created_and_deleted_elsewhere_stays_deleted_whatever_order_its_versions_come_in(
        services) -> None:
    """A laptop joining late gets both versions in one batch, the deletion possibly first."""
    from fieldnotes.storage import sync_log

    site, account_id, stamp = "e" * 32, "0" * 8 + "-0000-4000-8000-" + "0" * 12, "2026-11-23T10:00:00.000Z"
    created = RecordVersion(site, 1, "account", account_id, {"_exists": 1, "name": "Gone", "kind": "customer",
                                                             "notes": ""}, 1 << 50, "erin", stamp)
    deleted = RecordVersion(site, 2, "account", account_id, {"_exists": 0}, (1 << 50) + 1, "erin", stamp,
                            (f"{site}:1",))
    with services.database.writing() as session:
        sync_log.apply_versions(session, [deleted, created], sync_log.HeldBack())
    assert _rows(services.database.path, "SELECT id FROM account WHERE id = ?", account_id) == []


def test_only_the_newest_sync_journals_are_kept(services) -> None:
    from fieldnotes.storage.database import JOURNALS_KEPT, PreImageJournal
    from fieldnotes.storage.versions import connection

    visit, _ = services.notebook.create_visit(title="Kept in every journal")
    made = []
    for _ in range(JOURNALS_KEPT + 3):
        with services.database.writing() as session, PreImageJournal(services.database.path) as journal:
            journal.save(connection(session), {"visit": [visit.id]})
        made.append(journal.path)
    kept = sorted((services.database.path.parent / "backups").glob("*-sync-journal-*.db"))
    assert kept == sorted(made[-JOURNALS_KEPT:])


def test_a_full_disk_while_saving_what_a_sync_changes_stops_it_and_says_so(alice, bob, share,
                                                                          monkeypatch) -> None:
    from fieldnotes.domain.errors import DatabaseFileError
    from fieldnotes.storage.database import PreImageJournal

    account, _ = alice.notebook.create_account("Hafenwerk")
    visits = [alice.notebook.create_visit(account.id, title=f"Visit {index}")[0] for index in range(20)]
    for visit in visits:
        alice.notebook.update_visit(visit.id, notes="A long note " * 400)
    sync_all([alice, bob], share)
    for visit in visits:
        alice.notebook.update_visit(visit.id, notes="Shortened")
    alice.sync_with(share)
    before = bob.data()
    original = PreImageJournal._open

    def on_a_full_disk(journal: PreImageJournal) -> sqlite3.Connection:
        connection = original(journal)
        connection.execute("PRAGMA max_page_count = 3")
        return connection

    monkeypatch.setattr(PreImageJournal, "_open", on_a_full_disk)
    with pytest.raises(DatabaseFileError, match="could not save the rows this sync changes"):
        bob.sync_with(share)
    assert bob.data() == before
