"""No edit is lost to a copied notebook or to a file planted on the share, and every laptop ends alike.

A cloud folder brings laptops' files together minutes after they are written: two copies
of one notebook can both publish before either sees the other. Anyone who can write to
the share can add files to any laptop's folder.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from fieldnotes.cli import EXIT_OK, main
from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.versioning import EXISTS_FIELD, RecordVersion, Version
from fieldnotes.services.session import Services
from fieldnotes.services.sync import folder as share_module
from fieldnotes.storage import segments
from tests.unit.sync_support import Laptop, sync_all


@pytest.fixture
def visit_id(alice: Laptop, bob: Laptop, share: Path) -> str:
    visit, _ = alice.notebook.create_visit(title="Line 3 retrofit")
    sync_all([alice, bob], share)
    return visit.id


def _cloud_view(share: Path, name: str) -> Path:
    """The share as one laptop's cloud client shows it before it has brought in the others' files."""
    view = share.parent / f"view-of-{name}"
    shutil.copytree(share, view)
    return view


def _cloud_brings_together(views: list[Path], share: Path) -> None:
    """What the cloud client does minutes later: every laptop's new files reach the share."""
    for view in views:
        for path in sorted(view.rglob("*")):
            target = share / path.relative_to(view)
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            elif not target.exists():
                shutil.copyfile(path, target)


@pytest.mark.parametrize("looks_like_the_original", [False, True], ids=["a-new-file", "same-file-numbers"])
def test_a_notebook_copied_to_a_second_laptop_and_synced_at_the_same_time_loses_no_edit(
    alice, bob, share, visit_id, tmp_path, looks_like_the_original
) -> None:
    desktop = Laptop.copy_of(alice, tmp_path, "desktop", looks_like_the_original)
    try:
        alice.notebook.update_visit(visit_id, summary="From the laptop")
        desktop.notebook.update_visit(visit_id, notes="From the desktop")
        desktop.notebook.create_visit(title="Only on the desktop")
        alice_view, desktop_view = _cloud_view(share, "alice"), _cloud_view(share, "desktop")
        alice.sync_with(alice_view)
        desktop.sync_with(desktop_view)  # neither has seen the other's files yet
        _cloud_brings_together([alice_view, desktop_view], share)

        laptops = [alice, desktop, bob]
        reports = [laptop.sync_with(share) for _ in range(2) for laptop in laptops]

        expected = alice.data()
        assert desktop.data() == expected and bob.data() == expected
        visit = bob.notebook.visit(visit_id)
        assert (visit.summary, visit.notes) == ("From the laptop", "From the desktop")
        assert "Only on the desktop" in {row[1] for row in expected["visit"].values()}
        if looks_like_the_original:  # the copy could only be found on the share: it is reported
            assert any(report.collisions for report in reports)
    finally:
        desktop.close()


@pytest.mark.parametrize("held", ["summary", "finding"])
def test_a_visit_deleted_in_a_copied_notebook_after_it_showed_the_originals_unsynced_edit_is_deleted_everywhere(
    alice, bob, share, visit_id, tmp_path, held
) -> None:
    """Both the original and the copy publish the edit the file held; the copy's deletion saw it."""
    if held == "summary":
        alice.notebook.update_visit(visit_id, summary="Held by the copy")
    else:
        alice.notebook.add_finding(visit_id, "need", "Held by the copy")
    desktop = Laptop.copy_of(alice, tmp_path, "desktop")
    try:
        desktop.notebook.delete_visit(visit_id)  # showing the laptop's edit
        sync_all([alice, desktop, bob], share)
        for laptop in (alice, desktop, bob):
            assert visit_id not in laptop.data()["visit"]
            assert not [c for c in laptop.sync.conflicts() if c.record_id == visit_id]
    finally:
        desktop.close()


def test_an_edit_the_original_makes_after_its_file_was_copied_keeps_a_visit_the_copy_deletes(
    alice, bob, share, visit_id, tmp_path
) -> None:
    alice.notebook.update_visit(visit_id, summary="Held by the copy")
    desktop = Laptop.copy_of(alice, tmp_path, "desktop")
    try:
        alice.notebook.update_visit(visit_id, notes="Typed after the copy")  # the desktop never saw it
        desktop.notebook.delete_visit(visit_id)
        sync_all([alice, desktop, bob], share)
        assert alice.data() == desktop.data() == bob.data()
        visit = bob.notebook.visit(visit_id)
        assert (visit.summary, visit.notes) == ("Held by the copy", "Typed after the copy")
        assert any(c.record_id == visit_id and c.is_deletion for c in bob.sync.conflicts())
    finally:
        desktop.close()


def _plant_segment(share: Path, site: str, versions: list[RecordVersion], name: str) -> None:
    """Write a well-formed segment with its checksum into a laptop's folder, as anyone with the share could."""
    team = json.loads((share / "team.json").read_text())["team_id"]
    folder = share / "sites" / site
    folder.mkdir(parents=True, exist_ok=True)
    segments.write_segment(folder / name, team, site, versions, "2026-11-30T08:00:00.000Z")
    digest = share_module.sha256_of(folder / name)
    (folder / name).with_suffix(".sha256").write_text(f"{digest}  {name}\n", encoding="ascii")


def _versions_of(laptop: Laptop) -> list[RecordVersion]:
    connection = sqlite3.connect(laptop.path)
    try:
        rows = connection.execute(
            "SELECT s.site, v.counter, v.kind, v.record_id, v.fields, v.hlc, v.author, v.written_at, v.parents"
            " FROM record_version v JOIN sync_site s ON s.number = v.site_number"
            " WHERE s.site = ? ORDER BY v.counter", (laptop.services.database.site_id,)
        ).fetchall()
    finally:
        connection.close()
    return [RecordVersion(*row[:4], json.loads(row[4]), *row[5:8], tuple(row[8].split())) for row in rows]


def test_a_planted_segment_reusing_a_laptops_change_numbers_leaves_every_laptop_alike(
    alice, bob, share, visit_id, template_database, tmp_path, capsys
) -> None:
    bob.notebook.update_visit(visit_id, summary="Bob's real summary")
    bob.sync_with(share)
    alice.sync_with(share)
    genuine = _versions_of(bob)[-1]
    assert genuine.fields == {"summary": "Bob's real summary"}
    forged = genuine._replace(fields={"summary": "Forged summary"}, author="mallory")
    # The name sorts before Bob's own file, so a laptop joining later reads the forgery first.
    _plant_segment(share, genuine.site, [forged], f"{genuine.counter:012d}-{genuine.counter:012d}-00000000.db")

    carol = Laptop(template_database, tmp_path, "carol")
    try:
        assert main(["--db", str(carol.path), "--author", "carol", "sync", str(share)]) == EXIT_OK
        assert "arrived with two different contents" in capsys.readouterr().out  # `fieldnotes sync` says so
        reports = [laptop.sync_with(share) for _ in range(2) for laptop in (alice, bob, carol)]
        assert alice.data() == bob.data() == carol.data()
        assert any(report.collisions for report in reports)
        assert "two different contents" in next(r for r in reports if r.collisions).describe()
        for laptop in (alice, bob, carol):
            shown = laptop.notebook.visit(visit_id).summary
            candidates = {candidate.value for conflict in laptop.sync.conflicts() for candidate in conflict.candidates
                          if conflict.record_id == visit_id and conflict.field == "summary"}
            assert {"Bob's real summary", "Forged summary"} <= candidates | {shown}
        assert {c.id for c in alice.sync.conflicts()} == {c.id for c in carol.sync.conflicts()}
    finally:
        carol.close()


def test_a_planted_copy_of_an_edit_under_another_name_does_not_bring_back_a_deleted_visit(
    alice, bob, share, visit_id
) -> None:
    """The same edit stamped by someone else is one edit, not a second one concurrent with
    everything that saw the first: a deletion that saw it still deletes everywhere."""
    bob.notebook.update_visit(visit_id, summary="Bob's summary")
    bob.sync_with(share)
    alice.sync_with(share)
    alice.notebook.delete_visit(visit_id)  # having seen Bob's edit, not the copy planted next
    genuine = _versions_of(bob)[-1]
    copy = genuine._replace(author="mallory", written_at="2026-11-30T08:00:00.000Z")
    _plant_segment(share, genuine.site, [copy], f"{genuine.counter:012d}-{genuine.counter:012d}-00000000.db")
    sync_all([alice, bob], share)
    assert alice.data() == bob.data()
    for laptop in (alice, bob):
        assert visit_id not in laptop.data()["visit"]
        assert not [c for c in laptop.sync.conflicts() if c.record_id == visit_id]


@pytest.mark.parametrize(("record_id", "field", "value", "why"), [
    ("not-a-uuid", "title", "A visit with a bad id", "is not a UUID"),
    (None, "visited_on", "next tuesday", "not an ISO 8601 date"),
    (None, "account_id", "acct-7", "not a record id"),
])
def test_a_planted_segment_with_values_an_import_would_refuse_is_refused_and_never_shown(
    alice, share, visit_id, tmp_path, record_id, field, value, why
) -> None:
    site = uuid.uuid4().hex
    record_id = record_id or str(uuid.uuid4())
    common = {"kind": "visit", "record_id": record_id, "hlc": 1 << 40, "author": "mallory",
              "written_at": "2026-11-30T08:00:00.000Z"}
    versions = [Version(site, 1, field=EXISTS_FIELD, value=1, **common),
                Version(site, 2, field="title", value="Planted", **common),
                Version(site, 3, field="visited_on", value="2026-11-30", **common),
                Version(site, 4, field="kind", value="customer_visit", **common)]
    versions = [v for v in versions if v.field != field] + [Version(site, 5, field=field, value=value, **common)]
    # Each change as a record version of its one field, as an older laptop's file is read.
    _plant_segment(share, site, [RecordVersion.of(v) for v in versions], "000000000001-000000000005-00000000.db")

    report = alice.sync_with(share)
    assert len(report.rejected) == 1 and why in report.rejected[0]
    assert record_id not in alice.data()["visit"]
    exported = tmp_path / "export.json"
    alice.services.interchange.export_file(exported)
    fresh = Services.open(tmp_path / "fresh" / "notebook.db", author="fresh")
    try:
        fresh.interchange.import_file(exported)  # the laptop's own export still imports
        assert fresh.notebook.visit(visit_id).title == "Line 3 retrofit"
    finally:
        fresh.close()


def test_a_conflict_cannot_be_settled_with_a_value_an_import_would_refuse(alice, bob, share, visit_id) -> None:
    alice.notebook.update_visit(visit_id, visited_on="2026-03-01")
    bob.notebook.update_visit(visit_id, visited_on="2026-03-02")
    sync_all([alice, bob], share)
    conflict = next(c for c in alice.sync.conflicts() if c.field == "visited_on")
    with pytest.raises(ValidationError, match="not an ISO 8601 date"):
        alice.sync.resolve(conflict.id, "next tuesday")
    alice.sync.resolve(conflict.id, "2026-03-03")
    sync_all([alice, bob], share)
    assert bob.notebook.visit(visit_id).visited_on == "2026-03-03"
