"""Sync survives any odd file on the share: damaged checksums, odd names, links, pipes, huge files.

Anyone with write access to the share, a cloud client or an old NAS can put anything there.
Whatever it is, no laptop hangs, crashes, reads outside the share or fills its disk, and
what is refused is tried again once it changes, not before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fieldnotes.services.sync import FolderUnreachable
from fieldnotes.services.sync import folder as share_module
from tests.unit.sync_support import Laptop, sync_all

needs_posix_names = pytest.mark.skipif(sys.platform.startswith("win"), reason="file names are bytes only on POSIX")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
needs_symlinks = pytest.mark.skipif(sys.platform.startswith("win"), reason="creating links needs privileges on Windows")


def _site_folder(share: Path, laptop: Laptop) -> Path:
    return share / "sites" / laptop.services.database.site_id


def _publish_edit(laptop: Laptop, share: Path, visit_id: str, summary: str) -> Path:
    laptop.notebook.update_visit(visit_id, summary=summary)
    before = set(_site_folder(share, laptop).glob("*.db"))
    laptop.sync_with(share)
    [new] = set(_site_folder(share, laptop).glob("*.db")) - before
    return new


def _rewrite_keeping_size_and_time(path: Path, data: bytes) -> None:
    """Change a file's bytes and set its size and modification time back, as `cp -p` or a cloud client does."""
    status = path.stat()
    assert len(data) == status.st_size
    path.write_bytes(data)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


# --- a damaged checksum file, or a segment changed in place -------------------------------------


def test_an_emptied_checksum_file_is_noticed_by_its_owner_and_the_changes_still_arrive(alice, bob, share,
                                                                                       visit_id) -> None:
    segment = _publish_edit(alice, share, visit_id, "Crane 4 needs new sensors")
    segment.with_suffix(".sha256").write_bytes(b"")
    report = bob.sync_with(share)
    assert len(report.rejected) == 1 and "checksum" in report.rejected[0]
    alice.sync_with(share)  # alice notices her checksum file was emptied and publishes again
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).summary == "Crane 4 needs new sensors"
    assert alice.data() == bob.data()


def test_a_rejected_segment_is_tried_again_once_its_checksum_file_is_repaired(alice, bob, share, visit_id) -> None:
    segment = _publish_edit(alice, share, visit_id, "Arrives once repaired")
    checksum = segment.with_suffix(".sha256")
    held = checksum.read_bytes()
    checksum.write_bytes(b"")
    assert len(bob.sync_with(share).rejected) == 1
    assert bob.sync_with(share).rejected == []  # reported once
    checksum.write_bytes(held)  # repaired (by hand, or the cloud client finished downloading it)
    report = bob.sync_with(share)
    assert report.rejected == []
    assert bob.notebook.visit(visit_id).summary == "Arrives once repaired"


def test_a_segment_zeroed_in_place_keeping_its_size_and_time_is_published_again_by_its_owner(alice, bob, share,
                                                                                             visit_id) -> None:
    segment = _publish_edit(alice, share, visit_id, "Survives a zeroed file")
    _rewrite_keeping_size_and_time(segment, bytes(segment.stat().st_size))
    assert len(bob.sync_with(share).rejected) == 1
    alice.sync_with(share)
    assert not segment.exists()  # her damaged file is replaced by a new one, never overwritten
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).summary == "Survives a zeroed file"


def test_a_segment_repaired_in_place_keeping_its_size_and_time_is_tried_again(alice, bob, share, visit_id) -> None:
    segment = _publish_edit(alice, share, visit_id, "Back from the backup")
    good = segment.read_bytes()
    _rewrite_keeping_size_and_time(segment, bytes(len(good)))
    assert len(bob.sync_with(share).rejected) == 1
    _rewrite_keeping_size_and_time(segment, good)  # restored from a backup, times and all
    report = bob.sync_with(share)
    assert report.rejected == []
    assert bob.notebook.visit(visit_id).summary == "Back from the backup"


def test_untouched_segments_and_refused_files_are_not_read_again_at_every_sync(alice, bob, share, visit_id,
                                                                               monkeypatch) -> None:
    for number in range(5):
        _publish_edit(alice, share, visit_id, f"Summary {number}")
    broken = _site_folder(share, alice) / "000000000900-000000000901-0badf00d (1).db"
    broken.write_bytes(b"not a segment" * 100)
    assert len(bob.sync_with(share).rejected) == 1
    reads: list[Path] = []
    original_hash, original_fetch = share_module.sha256_of, share_module.fetch_file

    def hashing(path: Path) -> str:
        reads.append(path)
        return original_hash(path)

    def fetching(source: Path, target: Path, limit: int) -> None:
        reads.append(source)
        original_fetch(source, target, limit)

    monkeypatch.setattr(share_module, "sha256_of", hashing)
    monkeypatch.setattr(share_module, "fetch_file", fetching)
    assert alice.sync_with(share).rejected == []
    assert bob.sync_with(share).rejected == []
    assert reads == []


# --- file names that are not UTF-8 ---------------------------------------------------------------


@needs_posix_names
def test_file_names_that_are_not_utf8_never_stop_a_sync(alice, bob, share, visit_id, capsys) -> None:
    segment = _publish_edit(alice, share, visit_id, "Copied by an old NAS")
    folder = os.fsencode(_site_folder(share, alice))
    # A copy a NAS named in Latin-1, junk with an undecodable name, and odd names elsewhere.
    shutil.copyfile(os.fsencode(segment), folder + b"/" + os.fsencode(segment.stem) + b" (Kopie J\xfcrgen).db")
    with open(folder + b"/\xff\xfe junk.db", "wb") as junk:
        junk.write(b"not a segment")
    with open(os.fsencode(share) + b"/Notizen \xe4.txt", "wb") as note:
        note.write(b"hello")
    with open(os.fsencode(_site_folder(share, bob)) + b"/\xe9t\xe9.db", "wb") as own:
        own.write(b"left in bob's own folder")
    report = bob.sync_with(share)
    assert bob.notebook.visit(visit_id).summary == "Copied by an old NAS"
    assert len(report.rejected) == 1 and "\\xff\\xfe junk.db" in report.rejected[0]
    assert bob.sync_with(share).rejected == []  # reported once
    alice.sync_with(share)
    assert alice.data() == bob.data()

    from fieldnotes.cli import main

    with open(folder + b"/\xfe second junk.db", "wb") as junk:
        junk.write(b"not a segment either")
    bob.close()
    assert main(["--db", str(bob.path), "sync", str(share)]) == 1
    assert "\\xfe second junk.db" in capsys.readouterr().err


# --- files that are not regular files ------------------------------------------------------------


_SYNC_IN_A_CHILD = (
    "import sys\n"
    "from fieldnotes.services.session import Services\n"
    "from fieldnotes.services.sync import Sync\n"
    "from fieldnotes.domain.errors import FieldnotesError\n"
    "services = Services.open(sys.argv[1], author='bob')\n"
    "try:\n"
    "    report = Sync(services).sync(sys.argv[2])\n"
    "    print('rejected:', *report.rejected)\n"
    "except FieldnotesError as error:\n"
    "    print('refused:', error)\n"
    "finally:\n"
    "    services.close()\n"
)


def _sync_in_a_child(laptop: Laptop, share: Path) -> str:
    """Sync in another process, so that a sync that hangs fails the test instead of stopping the suite."""
    laptop.close()
    try:
        result = subprocess.run([sys.executable, "-c", _SYNC_IN_A_CHILD, str(laptop.path), str(share)],
                                capture_output=True, text=True, timeout=60, check=True)
    finally:
        laptop.services = type(laptop.services).open(laptop.path, author=laptop.name)
        laptop.sync = type(laptop.sync)(laptop.services)
    return result.stdout


@needs_fifo
def test_a_pipe_as_team_file_is_refused_at_once_instead_of_hanging(bob, share, visit_id) -> None:
    (share / "team.json").unlink()
    os.mkfifo(share / "team.json")
    output = _sync_in_a_child(bob, share)
    assert output.startswith("refused:") and "team.json is not a regular file" in output


@needs_fifo
def test_a_pipe_as_checksum_file_is_refused_without_hanging_and_its_owner_publishes_again(alice, bob, share,
                                                                                          visit_id) -> None:
    segment = _publish_edit(alice, share, visit_id, "Behind a pipe")
    segment.with_suffix(".sha256").unlink()
    os.mkfifo(segment.with_suffix(".sha256"))
    output = _sync_in_a_child(bob, share)
    assert output.startswith("rejected:") and "checksum" in output
    alice.sync_with(share)
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).summary == "Behind a pipe"


@needs_symlinks
def test_a_link_in_a_colleagues_folder_is_never_followed(alice, bob, share, visit_id, tmp_path) -> None:
    segment = _publish_edit(alice, share, visit_id, "Reached only through a link")
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / segment.name
    segment.rename(target)  # the file now lives outside the share; a link stands in for it
    segment.symlink_to(target)
    report = bob.sync_with(share)
    assert len(report.rejected) == 1 and "not a regular file" in report.rejected[0]
    assert bob.notebook.visit(visit_id).summary == ""
    alice.sync_with(share)  # alice notices her file became a link and publishes a real one
    assert target.exists()  # what the link pointed to is left alone
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).summary == "Reached only through a link"


@needs_symlinks
def test_a_colleagues_folder_that_is_a_link_is_never_followed(bob, share, visit_id, template_database,
                                                              tmp_path) -> None:
    carol = Laptop(template_database, tmp_path, "carol")
    try:
        elsewhere = tmp_path / "elsewhere-share"
        elsewhere.mkdir()
        shutil.copyfile(share / "team.json", elsewhere / "team.json")
        carol.notebook.create_account("Only outside the share")
        carol.sync_with(elsewhere)
        site = carol.services.database.site_id
        (share / "sites" / site).symlink_to(elsewhere / "sites" / site)
        bob.sync_with(share)
        assert [account.name for account in bob.notebook.accounts()] == ["Hafenwerk"]
    finally:
        carol.close()


@needs_symlinks
def test_a_laptops_own_folder_that_is_a_link_is_never_written_through(alice, bob, share, visit_id,
                                                                      tmp_path) -> None:
    own = _site_folder(share, alice)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(own, elsewhere)
    own.symlink_to(elsewhere, target_is_directory=True)
    before = sorted(path.name for path in elsewhere.iterdir())
    alice.notebook.update_visit(visit_id, notes="Written into the share, not beside it")
    alice.sync_with(share)
    assert sorted(path.name for path in elsewhere.iterdir()) == before
    assert own.is_dir() and not own.is_symlink()
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).notes == "Written into the share, not beside it"
    carol_sees = sorted(path.name for path in own.glob("*.sha256"))
    assert carol_sees  # everything alice published before is there again for a new laptop


def test_folders_planted_in_a_laptops_own_folder_do_not_stop_its_sync(alice, bob, share, visit_id) -> None:
    own = _site_folder(share, alice)
    (own / ".partial-planted").mkdir()
    (own / "000000000900-000000000901-0badf00d.db").mkdir()
    alice.notebook.update_visit(visit_id, notes="Published around the planted folders")
    alice.sync_with(share)
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).notes == "Published around the planted folders"


# --- a huge file ---------------------------------------------------------------------------------


def test_a_huge_file_in_a_colleagues_folder_is_refused_without_being_copied(alice, bob, share, visit_id,
                                                                            monkeypatch) -> None:
    huge = _site_folder(share, alice) / "000000000001-000000000002-0badf00d (conflicted copy).db"
    with huge.open("wb") as stream:
        stream.truncate(3 * 1024**3)  # 3 GB, sparse: takes no room on this disk
    fetched: list[Path] = []
    original = share_module.fetch_file

    def fetching(source: Path, target: Path, limit: int) -> None:
        fetched.append(source)
        original(source, target, limit)

    monkeypatch.setattr(share_module, "fetch_file", fetching)
    report = bob.sync_with(share)
    assert report.waiting == 0
    assert len(report.rejected) == 1 and "larger than any file fieldnotes writes" in report.rejected[0]
    assert huge not in fetched
    again = bob.sync_with(share)
    assert again.rejected == [] and huge not in fetched


# --- an emptied team folder ----------------------------------------------------------------------


def _empty(folder: Path) -> None:
    for child in folder.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()


def test_an_emptied_team_folder_is_refused_and_says_how_to_recreate_it(alice, share, visit_id) -> None:
    _empty(share)
    with pytest.raises(FolderUnreachable, match="--recreate-team"):
        alice.sync_with(share)
    assert list(share.iterdir()) == []  # never re-created by itself: it may be an unmounted drive


def test_recreating_an_emptied_team_folder_brings_every_laptops_changes_back(alice, bob, share, visit_id,
                                                                           template_database, tmp_path) -> None:
    alice.notebook.update_visit(visit_id, summary="Alice's summary")
    bob.notebook.update_visit(visit_id, notes="Bob's notes")
    sync_all([alice, bob], share)
    team = (share / "team.json").read_text()
    _empty(share)
    alice.sync.sync(share, recreate_team=True)
    assert (share / "team.json").read_text() == team  # the same team: the others carry on
    bob.sync_with(share)  # bob finds his files gone and publishes them again
    carol = Laptop(template_database, tmp_path, "carol")
    try:
        carol.sync_with(share)
        visit = carol.notebook.visit(visit_id)
        assert (visit.summary, visit.notes) == ("Alice's summary", "Bob's notes")
        assert carol.data() == alice.data() == bob.data()
    finally:
        carol.close()


def test_recreating_is_refused_when_the_folder_still_holds_its_team(alice, share, visit_id) -> None:
    from fieldnotes.services.sync import SyncTeamMismatch

    with pytest.raises(SyncTeamMismatch, match="nothing to re-create"):
        alice.sync.sync(share, recreate_team=True)


def test_the_command_line_recreates_an_emptied_team_folder_only_when_asked(alice, bob, share, visit_id,
                                                                          capsys) -> None:
    from fieldnotes.cli import main

    alice.notebook.update_visit(visit_id, summary="Before the folder was emptied")
    alice.sync_with(share)
    _empty(share)
    alice.close()
    assert main(["--db", str(alice.path), "sync", str(share)]) == 1
    assert "--recreate-team" in capsys.readouterr().err
    assert list(share.iterdir()) == []
    assert main(["--db", str(alice.path), "sync", str(share), "--recreate-team"]) == 0
    assert "re-created the team folder" in capsys.readouterr().out
    assert main(["--db", str(alice.path), "sync", str(share), "--recreate-team"]) == 1
    assert "nothing to re-create" in capsys.readouterr().err
    bob.sync_with(share)
    assert bob.notebook.visit(visit_id).summary == "Before the folder was emptied"
