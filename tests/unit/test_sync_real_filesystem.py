"""Sync against a real second file system: a share that fills up or is unmounted, a laptop disk that is small.

Each test mounts a small tmpfs of its own (skipped, with the reason, where mounting is not
permitted) and always unmounts it. The whole fault suite also runs with its share on a
tmpfs (`tests/unit/test_sync_faults.py`, the "tmpfs" variants).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.services.sync import FolderUnreachable
from fieldnotes.services.sync import folder as share_module
from tests.unit.mounts import fill, mount_tmpfs, tmpfs, unmount
from tests.unit.sync_support import Laptop, sync_all


@pytest.fixture
def laptops(template_database: Path, tmp_path: Path):
    made: list[Laptop] = []

    def make(name: str, folder: Path | None = None) -> Laptop:
        laptop = Laptop(template_database, folder or tmp_path, name)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.close()


def test_a_share_that_fills_up_while_publishing_loses_nothing_and_says_so(laptops, tmp_path) -> None:
    with tmpfs(tmp_path / "usb-stick", "2m") as stick:
        share = stick / "Team.fieldnotes-sync"
        share.mkdir()
        alice, bob = laptops("alice"), laptops("bob")
        visit, _ = alice.notebook.create_visit(title="Dock inspection")
        sync_all([alice, bob], share)
        filler = fill(stick)
        alice.notebook.update_visit(visit.id, notes="Measured every crane. " * 20_000)  # about 440 kB
        before = alice.data()
        with pytest.raises(FieldnotesError, match="full"):
            alice.sync_with(share)
        assert alice.data() == before
        filler.unlink()
        alice.sync_with(share)
        bob.sync_with(share)
        assert bob.notebook.visit(visit.id).notes.startswith("Measured every crane.")
        own = share / "sites" / alice.services.database.site_id
        assert [path.name for path in own.iterdir() if path.name.startswith(".")] == []


def test_a_share_unmounted_mid_sync_is_unreachable_and_never_taken_for_an_empty_team_folder(laptops, tmp_path,
                                                                                           monkeypatch) -> None:
    share = tmp_path / "network-drive"
    mount_tmpfs(share, "8m")
    try:
        alice, bob = laptops("alice"), laptops("bob")
        visit, _ = alice.notebook.create_visit(title="Before the drive went away")
        sync_all([alice, bob], share)
        alice.notebook.update_visit(visit.id, summary="Published just before the unmount")
        alice.sync_with(share)
        data_before = bob.data()
        original = share_module.SyncFolder.remote_files

        def unmounting(self, own_site):
            unmount(share)
            return original(self, own_site)

        monkeypatch.setattr(share_module.SyncFolder, "remote_files", unmounting)
        with pytest.raises(FolderUnreachable, match="unreachable"):
            bob.sync_with(share)
        monkeypatch.undo()
        assert bob.data() == data_before
        # The bare mount point looks like an emptied team folder: refused, nothing written to it.
        with pytest.raises(FolderUnreachable, match="--recreate-team"):
            bob.sync_with(share)
        assert list(share.iterdir()) == []
        assert bob.notebook.visit(visit.id).title == "Before the drive went away"
        # The drive comes back empty (a new one): re-created on request, everyone's work returns.
        mount_tmpfs(share, "8m")
        bob.sync.sync(share, recreate_team=True)
        alice.sync_with(share)
        carol = laptops("carol")
        carol.sync_with(share)
        assert carol.notebook.visit(visit.id).summary == "Published just before the unmount"
        assert carol.data() == alice.data()
    finally:
        unmount(share)


def test_a_huge_file_on_the_share_never_fills_a_laptops_small_disk(laptops, tmp_path) -> None:
    share = tmp_path / "Team.fieldnotes-sync"
    share.mkdir()
    with tmpfs(tmp_path / "small-disk", "24m") as small_disk:
        alice, bob = laptops("alice"), laptops("bob", small_disk)
        visit, _ = alice.notebook.create_visit(title="Dock inspection")
        sync_all([alice, bob], share)
        folder = share / "sites" / alice.services.database.site_id
        with (folder / "000000000001-000000000009-0badf00d (conflicted copy).db").open("wb") as huge:
            huge.truncate(3 * 1024**3)  # sparse: 3 GB that take no room on the share's disk
        with (folder / "000000000001-000000000009-0badf00d (2).db").open("wb") as big:
            big.write(os.urandom(1 << 20) * 40)  # 40 MB: a segment could be that big, the disk is smaller
        alice.notebook.update_visit(visit.id, summary="Still arrives")
        alice.sync_with(share)
        report = bob.sync_with(share)
        assert bob.notebook.visit(visit.id).summary == "Still arrives"
        assert report.waiting == 0
        assert any("larger than any file fieldnotes writes" in message for message in report.rejected)
        assert any("not enough free space" in message for message in report.rejected)
        assert not list((small_disk / "bob" / "sync-work").glob("incoming-*"))
        assert bob.sync_with(share).rejected == [message for message in report.rejected if "free space" in message]
