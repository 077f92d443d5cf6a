"""Sync under faults: crashes, damaged and foreign files, full disks, vanishing folders, races.

For each: nothing typed is lost, nothing is half-applied, and the user gets a clear message.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from fieldnotes.domain.errors import DatabaseFileError, FieldnotesError
from fieldnotes.domain.versioning import RecordVersion, Version
from fieldnotes.services.sync import FolderUnreachable, SyncBusy
from fieldnotes.services.sync import folder as share_module
from fieldnotes.services.sync.folder import SyncLock
from fieldnotes.storage import segments
from fieldnotes.storage import versions as version_log
from tests.unit.mounts import mount_tmpfs, unmount
from tests.unit.sync_support import Laptop, sync_all


@pytest.fixture(params=["same disk", pytest.param("tmpfs", marks=pytest.mark.slow)])
def share(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The team folder: beside the notebooks, or on a real second file system (a tmpfs of its own)."""
    if request.param == "tmpfs":
        mount_point = tmp_path / "second-filesystem"
        mount_tmpfs(mount_point, "64m")
        request.addfinalizer(lambda: unmount(mount_point))
        folder = mount_point / "Team.fieldnotes-sync"
    else:
        folder = tmp_path / "Team.fieldnotes-sync"
    folder.mkdir()
    return folder


def _site_folder(share: Path, laptop: Laptop) -> Path:
    return share / "sites" / laptop.services.database.site_id


def _segments(share: Path, laptop: Laptop) -> list[Path]:
    return sorted(_site_folder(share, laptop).glob("*.db"))


def _write_checksum(segment: Path) -> None:
    digest = hashlib.sha256(segment.read_bytes()).hexdigest()
    segment.with_suffix(".sha256").write_text(f"{digest}  {segment.name}\n")


def _publish_edit(laptop: Laptop, share: Path, visit_id: str, summary: str) -> Path:
    laptop.notebook.update_visit(visit_id, summary=summary)
    before = set(_segments(share, laptop))
    laptop.sync_with(share)
    [new] = set(_segments(share, laptop)) - before
    return new


# --- 2. the process dies at any step of publishing ---------------------------------------


_IO_ERROR = OSError(5, "Input/output error (injected)")


def _sqlite_io_error() -> sqlite3.OperationalError:
    """An I/O error as SQLite raises it: known by its code, not by its text."""
    error = sqlite3.OperationalError("disk I/O error (injected)")
    error.sqlite_errorcode = sqlite3.SQLITE_IOERR_WRITE
    error.sqlite_errorname = "SQLITE_IOERR_WRITE"
    return error


PUBLISH_STEPS = [
    ("fieldnotes.services.sync.engine.write_segment", 1, _IO_ERROR),
    ("fieldnotes.services.sync.folder.copy_file", 1, _IO_ERROR),
    ("fieldnotes.services.sync.folder.flush_file", 1, _IO_ERROR),
    ("fieldnotes.services.sync.folder.rename_new", 1, _IO_ERROR),
    ("fieldnotes.services.sync.folder.write_file", 1, _IO_ERROR),
    ("fieldnotes.services.sync.folder.rename_new", 2, _IO_ERROR),
    ("fieldnotes.storage.sync_log.mark_published", 1, _sqlite_io_error()),
]


@pytest.mark.parametrize(("target", "failing_call", "failure"), PUBLISH_STEPS)
def test_a_crash_at_any_step_of_publishing_loses_nothing(alice, bob, share, visit_id, monkeypatch, target,
                                                         failing_call, failure) -> None:
    alice.notebook.update_visit(visit_id, summary="Crane 4 needs new sensors")
    before = alice.data()
    module_name, name = target.rsplit(".", 1)
    original = getattr(sys.modules[module_name], name)
    calls = []

    def crashing(*args, **kwargs):
        calls.append(name)
        if len(calls) >= failing_call:
            raise failure
        return original(*args, **kwargs)

    monkeypatch.setattr(target, crashing)
    with pytest.raises(FieldnotesError) as raised:
        alice.sync_with(share)
    assert str(raised.value)
    assert alice.data() == before
    monkeypatch.undo()

    bob.sync_with(share)  # whatever the crash left is either complete or ignored
    alice.sync_with(share)
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).summary == "Crane 4 needs new sensors"
    leftovers = [p.name for p in _site_folder(share, alice).iterdir() if p.name.startswith(".")]
    assert leftovers == []
    unmarked = [p for p in _segments(share, alice) if not p.with_suffix(".sha256").exists()]
    assert unmarked == []
    assert alice.data() == bob.data()


@pytest.mark.slow
def test_a_publish_killed_mid_way_in_another_process_is_recovered(alice, bob, share, visit_id, tmp_path) -> None:
    alice.notebook.update_visit(visit_id, notes="Written just before the power cut")
    alice.close()
    script = (
        "import os, sys\n"
        "from fieldnotes.services.sync import folder\n"
        "from fieldnotes.services.session import Services\n"
        "from fieldnotes.services.sync import Sync\n"
        "original = folder.write_file\n"
        "def dying(path, data):\n"
        "    path.write_bytes(data[:3])\n"
        "    os._exit(9)\n"
        "folder.write_file = dying\n"
        "services = Services.open(sys.argv[1], author='alice')\n"
        "Sync(services).sync(sys.argv[2])\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(alice.path), str(share)], timeout=120)
    assert result.returncode == 9
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).notes == ""  # the unfinished segment is not trusted
    alice.services = type(alice.services).open(alice.path, author="alice")
    alice.sync = type(alice.sync)(alice.services)
    assert alice.notebook.visit(visit_id).notes == "Written just before the power cut"
    alice.sync_with(share)
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).notes == "Written just before the power cut"


# --- 15. the process dies at any step of applying ----------------------------------------


APPLY_STEPS = [
    "fieldnotes.services.sync.folder.fetch_file",
    "fieldnotes.services.sync.folder.sha256_of",
    "fieldnotes.services.sync.engine.read_segment",
    "fieldnotes.storage.versions.insert_versions",
    "fieldnotes.storage.versions.materialize",
    "fieldnotes.storage.versions.refresh_conflicts",
    "fieldnotes.storage.search_index.refresh",
]


@pytest.mark.parametrize("target", APPLY_STEPS)
def test_a_crash_at_any_step_of_applying_applies_nothing_and_the_next_sync_does(alice, bob, share, visit_id,
                                                                                 monkeypatch, target) -> None:
    alice.notebook.update_visit(visit_id, summary="New summary")
    alice.notebook.add_finding(visit_id, "competitor_move", "Rival cut prices by 10%")
    alice.sync_with(share)
    data_before, versions_before = bob.data(), bob.version_count()

    def crashing(*_args, **_kwargs):
        raise RuntimeError("process died here (injected)")

    monkeypatch.setattr(target, crashing)
    with pytest.raises(RuntimeError):
        bob.sync_with(share)
    assert bob.data() == data_before
    assert bob.version_count() == versions_before
    monkeypatch.undo()
    report = bob.sync_with(share)
    assert report.received > 0 and not report.rejected
    assert bob.data() == alice.data()


def test_a_power_cut_in_the_middle_of_a_merge_leaves_the_database_and_its_record_of_files_in_step(
    alice, bob, share, visit_id
) -> None:
    alice.notebook.update_visit(visit_id, objective="Win the retrofit")
    alice.sync_with(share)
    bob.close()
    script = (
        "import os, sys\n"
        "from fieldnotes.storage import versions\n"
        "from fieldnotes.services.session import Services\n"
        "from fieldnotes.services.sync import Sync\n"
        "original = versions.materialize\n"
        "def dying(*args, **kwargs):\n"
        "    original(*args, **kwargs)\n"
        "    os._exit(9)\n"
        "versions.materialize = dying\n"
        "services = Services.open(sys.argv[1], author='bob')\n"
        "Sync(services).sync(sys.argv[2])\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(bob.path), str(share)], timeout=120)
    assert result.returncode == 9
    connection = sqlite3.connect(bob.path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT objective FROM visit WHERE id = ?", (visit_id,)).fetchone() == ("",)
        assert connection.execute("SELECT count(*) FROM sync_segment WHERE outcome = 'applied'"
                                  " AND site = ?", (alice.services.database.site_id,)).fetchone() == (1,)
    finally:
        connection.close()
    bob.services = type(bob.services).open(bob.path, author="bob")
    bob.sync = type(bob.sync)(bob.services)
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).objective == "Win the retrofit"


# --- 3, 4, 5. damaged, empty, foreign and booby-trapped files ------------------------------


def test_a_bit_flipped_segment_is_rejected_by_its_checksum_and_the_others_still_apply(alice, bob, share,
                                                                                     visit_id) -> None:
    first = _publish_edit(alice, share, visit_id, "First summary")
    alice.notebook.update_visit(visit_id, notes="Second change")
    alice.sync_with(share)
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0x10
    first.write_bytes(bytes(data))
    report = bob.sync_with(share)
    assert len(report.rejected) == 1 and "checksum" in report.rejected[0]
    assert bob.notebook.visit(visit_id).notes == "Second change"
    # The owner notices its file changed on the share and publishes those versions again.
    alice.sync_with(share)
    report = bob.sync_with(share)
    assert report.rejected == []
    assert bob.notebook.visit(visit_id).summary == "First summary"


def test_a_truncated_segment_with_a_matching_checksum_is_still_rejected(alice, bob, share, visit_id) -> None:
    segment = _publish_edit(alice, share, visit_id, "Will be cut short")
    data_before = bob.data()
    segment.write_bytes(segment.read_bytes()[:1500])
    _write_checksum(segment)
    report = bob.sync_with(share)
    assert len(report.rejected) == 1 and "truncated" in report.rejected[0]
    assert bob.data() == data_before
    assert bob.sync_with(share).rejected == []  # reported once, not at every sync


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"PK\x03\x04 a zip file, not a segment" * 40, "not an SQLite file")],
)
def test_an_empty_or_foreign_file_where_a_segment_should_be_is_rejected(alice, bob, share, visit_id, content,
                                                                        reason) -> None:
    folder = _site_folder(share, alice)
    bogus = folder / "000000000900-000000000901-0badf00d.db"
    bogus.write_bytes(content)
    _write_checksum(bogus)
    data_before = bob.data()
    report = bob.sync_with(share)
    assert len(report.rejected) == 1 and reason in report.rejected[0]
    assert bob.data() == data_before


def _altered_copy(segment: Path, statement: str, *, header_format: int | None = None) -> Path:
    altered = segment.with_name("000000000500-000000000501-" + "ab" * 4 + ".db")
    shutil.copyfile(segment, altered)
    connection = sqlite3.connect(altered)
    try:
        if statement:
            connection.execute(statement)
        if header_format is not None:
            connection.execute(f"PRAGMA user_version = {header_format}")
            connection.execute("UPDATE segment SET format = ?", (header_format,))
        connection.commit()
    finally:
        connection.close()
    _write_checksum(altered)
    return altered


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE VIEW version_view AS SELECT * FROM version",
        "CREATE TRIGGER sneaky AFTER INSERT ON version BEGIN DELETE FROM version; END",
        "CREATE TABLE extra (payload TEXT)",
        "CREATE INDEX ix_extra ON version (kind)",
        "DELETE FROM segment",
    ],
)
def test_a_file_with_a_view_trigger_extra_table_or_no_description_is_rejected(alice, bob, share, visit_id,
                                                                              statement) -> None:
    segment = _publish_edit(alice, share, visit_id, "Innocent summary")
    bob.sync_with(share)
    alice.notebook.update_visit(visit_id, summary="Never applied from the altered file")
    altered = _altered_copy(segment, statement)
    altered_data = sqlite3.connect(altered)
    altered_data.execute("UPDATE version SET fields = json_set(fields, '$.summary', 'Tampered')") if "segment" not in \
        statement else None
    altered_data.commit()
    altered_data.close()
    _write_checksum(altered)
    report = bob.sync_with(share)
    assert len(report.rejected) == 1
    assert bob.notebook.visit(visit_id).summary == "Innocent summary"


def test_a_segment_placed_in_another_laptops_folder_is_rejected(alice, bob, share, visit_id, template_database,
                                                                tmp_path) -> None:
    carol = Laptop(template_database, tmp_path, "carol")
    try:
        segment = _publish_edit(alice, share, visit_id, "Alice wrote this")
        impostor = _site_folder(share, carol) / segment.name
        impostor.parent.mkdir(parents=True)
        shutil.copyfile(segment, impostor)
        _write_checksum(impostor)
        report = bob.sync_with(share)
        assert any("another laptop" in message for message in report.rejected)
    finally:
        carol.close()


# --- 11, 12. cloud clients' copies, files still arriving or locked --------------------------


def test_a_cloud_clients_conflicted_copy_is_merged_without_duplicates(alice, bob, share, visit_id) -> None:
    segment = _publish_edit(alice, share, visit_id, "Summary from Alice")
    shutil.copyfile(segment, segment.with_name(segment.stem + " (Bob's conflicted copy 2026-11-23).db"))
    broken = segment.with_name(segment.stem + " (1).db")
    broken.write_bytes(segment.read_bytes()[:2048])
    report = bob.sync_with(share)
    assert bob.notebook.visit(visit_id).summary == "Summary from Alice"
    assert len(report.rejected) == 1 and "(1).db" in report.rejected[0]
    connection = sqlite3.connect(bob.path)
    try:
        duplicates = connection.execute(
            "SELECT count(*) FROM (SELECT site_number, counter FROM record_version"
            " GROUP BY site_number, counter HAVING count(*) > 1)"
        ).fetchone()[0]
    finally:
        connection.close()
    assert duplicates == 0
    again = bob.sync_with(share)
    assert again.rejected == [] and again.received == 0  # no error loop


def test_a_segment_still_arriving_is_skipped_then_applied_once_complete(alice, bob, share, visit_id) -> None:
    segment = _publish_edit(alice, share, visit_id, "Arrives late")
    checksum = segment.with_suffix(".sha256")
    held = checksum.read_bytes()
    checksum.unlink()
    report = bob.sync_with(share)
    assert report.waiting == 1 and report.rejected == []
    assert bob.notebook.visit(visit_id).summary == ""
    checksum.write_bytes(held)
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).summary == "Arrives late"


def test_a_segment_locked_by_another_process_is_retried_next_time(alice, bob, share, visit_id, monkeypatch) -> None:
    segment = _publish_edit(alice, share, visit_id, "Locked for a while")
    original = share_module.fetch_file

    def locked(source: Path, target: Path, limit: int) -> None:
        if source == segment:
            raise PermissionError(13, "The process cannot access the file (injected)")
        original(source, target, limit)

    monkeypatch.setattr(share_module, "fetch_file", locked)
    report = bob.sync_with(share)
    assert report.waiting == 1 and report.rejected == []
    monkeypatch.undo()
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).summary == "Locked for a while"


# --- 13. a rename that fails ---------------------------------------------------------------


def test_a_failed_rename_is_retried_under_a_new_name_never_overwriting(alice, bob, share, visit_id,
                                                                       monkeypatch) -> None:
    original = share_module.rename_new
    attempts: list[Path] = []

    def flaky(source: Path, target: Path) -> None:
        attempts.append(target)
        if len(attempts) == 1:
            raise PermissionError(13, "Access denied by antivirus (injected)")
        original(source, target)

    monkeypatch.setattr(share_module, "rename_new", flaky)
    before = set(_segments(share, alice))
    alice.notebook.update_visit(visit_id, attendees="Plant manager")
    alice.sync_with(share)
    [published] = set(_segments(share, alice)) - before
    assert published == attempts[1] != attempts[0]
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).attendees == "Plant manager"


def test_publishing_never_renames_over_an_existing_file(tmp_path) -> None:
    source, target = tmp_path / "new", tmp_path / "taken"
    source.write_text("new")
    target.write_text("old")
    with pytest.raises(FileExistsError):
        share_module.rename_new(source, target)
    assert target.read_text() == "old"


# --- 14. the disk fills during a merge -------------------------------------------------------


def test_a_full_disk_during_the_merge_rolls_back_and_says_so(alice, bob, share, visit_id, monkeypatch) -> None:
    for index in range(40):
        alice.notebook.add_finding(visit_id, "need", f"Need number {index} " + "detail " * 200)
    alice.sync_with(share)
    data_before, versions_before = bob.data(), bob.version_count()
    original = version_log.insert_versions

    def on_a_full_disk(session, versions):
        connection = version_log.connection(session)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages + 2}")
        return original(session, versions)

    monkeypatch.setattr(version_log, "insert_versions", on_a_full_disk)
    with pytest.raises(DatabaseFileError, match="disk is full") as raised:
        bob.sync_with(share)
    assert "Nothing from the share was applied" in str(raised.value)
    monkeypatch.undo()
    connection = bob.services.database.engine.raw_connection()
    try:
        connection.execute("PRAGMA max_page_count = 1073741823")
    finally:
        connection.close()
    assert bob.data() == data_before and bob.version_count() == versions_before
    bob.services.close()
    bob.services = type(bob.services).open(bob.path, author="bob")
    bob.sync = type(bob.sync)(bob.services)
    bob.sync_with(share)
    assert len(bob.notebook.visit(visit_id).findings) == 40


# --- 10. the folder vanishes ------------------------------------------------------------------


def test_a_folder_vanishing_mid_sync_is_unreachable_and_deletes_nothing(alice, bob, share, visit_id,
                                                                        monkeypatch) -> None:
    _publish_edit(alice, share, visit_id, "Before the share went away")
    original = share_module.SyncFolder.remote_files
    data_before = bob.data()

    def vanishing(self, own_site):
        shutil.move(share, share.with_name("unmounted"))
        return original(self, own_site)

    monkeypatch.setattr(share_module.SyncFolder, "remote_files", vanishing)
    with pytest.raises(FolderUnreachable, match="unreachable"):
        bob.sync_with(share)
    assert bob.data() == data_before
    assert bob.notebook.visit(visit_id).title == "Dock inspection"


# --- 1. two syncs at the same moment -----------------------------------------------------------


def test_two_syncs_of_one_notebook_never_run_at_once(alice, share, visit_id) -> None:
    with (
        SyncLock(alice.path.with_name(alice.path.name + ".sync-lock")),
        pytest.raises(SyncBusy, match="already running"),
    ):
        alice.sync_with(share)
    alice.sync_with(share)  # the lock is released with its owner


def test_a_lock_left_by_a_dead_process_does_not_block_sync(alice, share, visit_id) -> None:
    lock_file = alice.path.with_name(alice.path.name + ".sync-lock")
    subprocess.run(
        [sys.executable, "-c",
         "import sys, pathlib\nfrom fieldnotes.services.sync.folder import SyncLock\n"
         "SyncLock(pathlib.Path(sys.argv[1])).acquire()\nimport os; os._exit(0)\n", str(lock_file)],
        check=True, timeout=60,
    )
    assert lock_file.read_text().startswith("process")
    alice.notebook.update_visit(visit_id, notes="After a crash")
    assert alice.sync_with(share).sent > 0


def test_two_laptops_syncing_at_the_same_moment_both_publish_and_converge(alice, bob, share, visit_id) -> None:
    alice.notebook.update_visit(visit_id, summary="Alice at the same moment")
    bob.notebook.update_visit(visit_id, notes="Bob at the same moment")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(laptop: Laptop) -> None:
        try:
            barrier.wait()
            laptop.sync_with(share)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(laptop,)) for laptop in (alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sync_all([alice, bob], share)
    assert alice.data() == bob.data()
    visit = bob.notebook.visit(visit_id)
    assert (visit.summary, visit.notes) == ("Alice at the same moment", "Bob at the same moment")


# --- 16. an older app meets a newer format -----------------------------------------------------


def test_a_segment_from_a_newer_fieldnotes_is_kept_aside_then_applied_after_updating(alice, bob, share, visit_id,
                                                                                    monkeypatch) -> None:
    segment = _publish_edit(alice, share, visit_id, "Written by a newer version")
    newer = _altered_copy(segment, "", header_format=segments.SEGMENT_FORMAT + 1)
    segment.unlink()
    segment.with_suffix(".sha256").unlink()
    report = bob.sync_with(share)
    assert report.newer_format and report.rejected == []
    assert bob.notebook.visit(visit_id).summary == ""
    assert newer.exists()
    # The update reads the new format (here: today's file under a higher number).
    future = segments.SEGMENT_FORMAT + 1
    monkeypatch.setitem(segments._SCHEMAS, future, segments._SCHEMAS[segments.SEGMENT_FORMAT])
    monkeypatch.setattr(segments, "SEGMENT_FORMAT", future)
    monkeypatch.setattr("fieldnotes.services.sync.engine.SEGMENT_FORMAT", future)
    report = bob.sync_with(share)
    assert not report.newer_format
    assert bob.notebook.visit(visit_id).summary == "Written by a newer version"


def test_a_folder_that_requires_a_newer_fieldnotes_is_read_but_not_written(alice, bob, share, visit_id,
                                                                           capsys) -> None:
    team_file = share / "team.json"
    newer = segments.SEGMENT_FORMAT + 1
    team_file.write_text(team_file.read_text().replace(f'"min_format": {newer - 1}', f'"min_format": {newer}'))
    alice.notebook.update_visit(visit_id, summary="Not published by an old version")
    report = alice.sync_with(share)
    assert report.newer_format and report.sent == 0
    from fieldnotes.cli import main

    alice.close()
    assert main(["--db", str(alice.path), "sync", str(share)]) == 1
    assert "newer fieldnotes" in capsys.readouterr().err


def test_fields_and_records_a_newer_version_added_survive_an_older_versions_syncs(alice, bob, share,
                                                                                   visit_id) -> None:
    site = alice.services.database.site_id
    versions = [
        Version(site, 9001, "visit", visit_id, "budget", "120000 EUR", 1 << 50, "alice", "2026-11-23T10:00:00.000Z"),
        Version(site, 9002, "budget_line", "line-1", "amount", 5, 1 << 50, "alice", "2026-11-23T10:00:00.000Z"),
        Version(site, 9003, "visit", visit_id, "kind", "webinar", 1 << 60, "alice", "2026-11-23T10:00:00.000Z"),
    ]
    team_id = bob.sync_with(share) and sqlite3.connect(bob.path).execute(
        "SELECT team_id FROM sync_state").fetchone()[0]
    folder = _site_folder(share, alice)
    path = folder / "000000009001-000000009003-0000feed.db"
    segments.write_segment(path, team_id, site, [RecordVersion.of(version) for version in versions],
                           "2026-11-23T10:00:00.000Z")
    _write_checksum(path)
    report = bob.sync_with(share)
    assert report.rejected == [] and report.held_back == 1  # the visit's new kind is unknown here
    assert bob.notebook.visit(visit_id).kind.value == "customer_visit"
    connection = sqlite3.connect(bob.path)
    try:
        kept = connection.execute("SELECT count(*) FROM record_version WHERE counter > 9000").fetchone()[0]
    finally:
        connection.close()
    assert kept == 3


# --- 17. a migration that fails ----------------------------------------------------------------


def test_a_notebook_from_before_sync_publishes_everything_it_holds_at_its_first_sync(tmp_path, share) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from fieldnotes.storage import database

    old = tmp_path / "old" / "notebook.db"
    old.parent.mkdir()
    engine = create_engine(f"sqlite:///{old}")
    config = Config()
    config.set_main_option("script_location", str(database._MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.exec_driver_sql(
            "INSERT INTO account (id, name, kind, notes, created_at, updated_at, updated_by)"
            " VALUES ('0a0c0000-0000-4000-8000-000000000001', 'Legacy GmbH', 'customer', '',"
            " '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', 'x')"
        )
    engine.dispose()
    from fieldnotes.services.session import Services
    from fieldnotes.services.sync import Sync

    services = Services.open(old, author="veteran")
    try:
        assert Sync(services).sync(share).sent > 0
        assert any((tmp_path / "old" / "backups").glob("notebook-migration-*.db"))
    finally:
        services.close()
    newcomer = Services.open(tmp_path / "new.db", author="newcomer")
    try:
        Sync(newcomer).sync(share)
        assert newcomer.notebook.account("0a0c0000-0000-4000-8000-000000000001").name == "Legacy GmbH"
    finally:
        newcomer.close()


def test_a_failing_migration_restores_the_backup_and_says_so(tmp_path, monkeypatch) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from fieldnotes.storage import database

    old = tmp_path / "notebook.db"
    engine = create_engine(f"sqlite:///{old}")
    config = Config()
    config.set_main_option("script_location", str(database._MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    def failing(_engine):
        raise RuntimeError("migration 0002 failed (injected)")

    monkeypatch.setattr(database, "_run_migrations", failing)
    with pytest.raises(DatabaseFileError, match="restored"):
        database.open_database(old)
    assert database.inspect_database_file(old) == "0001"  # the notebook is as it was before


# --- a notebook restored from a backup, or copied to a second laptop ----------------------------


def test_a_notebook_restored_from_a_backup_gets_back_later_work_and_loses_nothing_new(alice, bob, share,
                                                                                    visit_id) -> None:
    backup = alice.path.with_name("before-the-accident.db")
    alice.services.database.engine.dispose()
    connection = sqlite3.connect(alice.path)
    connection.execute("VACUUM INTO ?", (str(backup),))
    connection.close()
    alice.notebook.update_visit(visit_id, summary="Written after the backup")
    alice.sync_with(share)
    alice.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{alice.path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, alice.path)
    alice.services = type(alice.services).open(alice.path, author="alice")
    alice.sync = type(alice.sync)(alice.services)
    alice.notebook.update_visit(visit_id, notes="Written after the restore")
    alice.sync_with(share)
    sync_all([alice, bob], share)
    for laptop in (alice, bob):
        visit = laptop.notebook.visit(visit_id)
        assert (visit.summary, visit.notes) == ("Written after the backup", "Written after the restore")
    assert alice.data() == bob.data()


def test_a_notebook_copied_to_a_second_laptop_does_not_swallow_either_laptops_edits(alice, bob, share, visit_id,
                                                                                   tmp_path) -> None:
    alice.services.database.engine.dispose()
    clone_path = tmp_path / "clone" / "notebook.db"
    clone_path.parent.mkdir()
    connection = sqlite3.connect(alice.path)
    connection.execute("VACUUM INTO ?", (str(clone_path),))
    connection.close()
    from fieldnotes.services.session import Services
    from fieldnotes.services.sync import Sync

    clone = Services.open(clone_path, author="alice-on-the-desktop")
    try:
        alice.notebook.update_visit(visit_id, summary="From the laptop")
        alice.sync_with(share)
        clone.notebook.update_visit(visit_id, notes="From the desktop")
        Sync(clone).sync(share)
        alice.notebook.update_visit(visit_id, attendees="Laptop again")
        sync_all([alice, bob], share)
        Sync(clone).sync(share)
        sync_all([alice, bob], share)
        visit = bob.notebook.visit(visit_id)
        assert (visit.summary, visit.notes, visit.attendees) == ("From the laptop", "From the desktop", "Laptop again")
        assert clone.notebook.visit(visit_id).attendees == "Laptop again"
    finally:
        clone.close()
