"""Team sync: publishing and applying a day of changes between two laptops that share visits.

Two laptops hold the same synthetic notebook (10,000 visits with their findings), synced
once; then each edits the summary and notes of 1,000 visits of its own and syncs. Measured:
the time to publish one side's changes to the shared folder and the time to apply them on
the other side, as `Sync.sync` reports them (capture, segment file, checks, merge, index).

Floors: the same changed rows moved with plain SQL. Publishing: copy the changed visit rows
into a new SQLite file, flush it, copy it into the shared folder. Applying: copy that file
back, attach it, update the visit rows from it and rewrite their full-text rows, in one
transaction with the application's durability (WAL, synchronous=FULL).

A routine sync, everything the user waits for included (the journal of pre-images that
replaced the full backup too): the second laptop's whole `Sync.sync`, which publishes its
1,000 changes and merges the other's 1,000. Floor: `keepassxc-cli merge` of two password
databases of 10,000 entries with 1,000 changed on each side (KeePassXC merges two
single-file databases); the row is skipped with a note when `keepassxc-cli` is absent.

The same measures with 100 changes, and with 1,000 changes in a notebook of 2,000 visits,
show that the cost follows the number of changes, not the size of the notebook. The two
synced laptops are built once per notebook size and kept under `benchmarks/out/` (the first
sync of a whole notebook is reported too, as a one-time cost).
"""

from __future__ import annotations

import base64
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.synthetic import CACHE_FOLDER, cached_database
from fieldnotes.services.session import Services
from fieldnotes.services.sync import Sync
from fieldnotes.storage.schema import SCHEMA_HEAD

Row = tuple[str, float, float, str]
BIG = 10_000
SMALL = 2_000
CHANGES = 1_000
FEW_CHANGES = 100
#: Part of the cached pair's name: bump it when what sync stores changes.
PAIR_VERSION = 2
_KEEPASS_PASSWORD = "benchmark"


def _synced_pair(visits: int) -> tuple[Path, float]:
    """A folder with two synced laptops (alice.db, bob.db) and their share; built once.

    Returns:
        The folder, and how long the first sync of the whole notebook took (0 if cached).
    """
    folder = CACHE_FOLDER / f"sync-pair-{visits}v-s{SCHEMA_HEAD}-p{PAIR_VERSION}"
    if (folder / "complete").exists():
        return folder, float((folder / "complete").read_text() or 0)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copyfile(cached_database(visits), folder / "alice.db")
    connection = sqlite3.connect(folder / "alice.db")
    with connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = 'site_id'", (uuid.uuid4().hex,))
    connection.close()
    share = folder / "share"
    share.mkdir()
    started = time.perf_counter()
    for name in ("alice", "bob", "alice"):
        services = Services.open(folder / f"{name}.db", author=name)
        try:
            Sync(services).sync(share)
        finally:
            services.close()
    first_sync = time.perf_counter() - started
    for backups in folder.glob("backups"):
        shutil.rmtree(backups)
    (folder / "complete").write_text(f"{first_sync:.3f}")
    return folder, first_sync


def _edit(path: Path, visit_ids: list[str], author: str) -> None:
    """Change the summary and notes of these visits, as the visit form's autosave would."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        connection.executemany(
            "UPDATE visit SET summary = summary || ' (revised)', notes = ? || notes, updated_at = ?, updated_by = ?"
            " WHERE id = ?",
            [(f"{author} called back. ", stamp, author, visit_id) for visit_id in visit_ids],
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


def _floor(source: Path, target: Path, share: Path, visit_ids: list[str]) -> tuple[float, float]:
    """Publish and apply the same changed rows with plain SQL; return both durations."""
    columns = ("id", "summary", "notes", "updated_at", "updated_by")
    started = time.perf_counter()
    local = source.with_name("floor-outgoing.db")
    local.unlink(missing_ok=True)
    out = sqlite3.connect(local, isolation_level=None)
    out.execute("PRAGMA journal_mode = DELETE")
    out.execute("BEGIN")
    out.execute(f"CREATE TABLE changed ({', '.join(columns)})")
    out.execute("ATTACH DATABASE ? AS notebook", (str(source),))
    marks = ", ".join("?" * len(visit_ids))
    out.execute(f"INSERT INTO changed SELECT {', '.join(columns)} FROM notebook.visit WHERE id IN ({marks})", visit_ids)
    out.execute("COMMIT")
    out.execute("DETACH DATABASE notebook")
    out.close()
    with local.open("rb+") as stream:
        os.fsync(stream.fileno())
    shared = share / "floor-segment.db"
    shutil.copyfile(local, shared)
    with shared.open("rb+") as stream:
        os.fsync(stream.fileno())
    publish = time.perf_counter() - started

    started = time.perf_counter()
    incoming = target.with_name("floor-incoming.db")
    shutil.copyfile(shared, incoming)
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("ATTACH DATABASE ? AS incoming", (str(incoming),))
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE sync_state SET applying = 1")  # the application's triggers stay quiet
    connection.execute(
        "UPDATE visit SET (summary, notes, updated_at, updated_by) = (SELECT c.summary, c.notes, c.updated_at,"
        " c.updated_by FROM incoming.changed c WHERE c.id = visit.id) WHERE id IN (SELECT id FROM incoming.changed)"
    )
    connection.execute("DELETE FROM visit_search WHERE rowid IN (SELECT pk FROM visit WHERE id IN"
                       " (SELECT id FROM incoming.changed))")
    connection.execute(
        "INSERT INTO visit_search (rowid, title, account, body) SELECT v.pk, v.title, coalesce(a.name, ''),"
        " v.summary || ' ' || v.notes FROM visit v LEFT JOIN account a ON a.id = v.account_id"
        " WHERE v.id IN (SELECT id FROM incoming.changed)"
    )
    connection.execute("UPDATE sync_state SET applying = 0")
    connection.execute("COMMIT")
    connection.execute("DETACH DATABASE incoming")
    connection.close()
    return publish, time.perf_counter() - started


def _measure(visits: int, changes: int, seed: int) -> dict[str, float]:
    """One round on copies of the synced pair: each side changes `changes` visits and syncs."""
    pair, first_sync = _synced_pair(visits)
    with tempfile.TemporaryDirectory(dir=CACHE_FOLDER) as temporary:
        work = Path(temporary)
        for name in ("alice.db", "bob.db"):
            shutil.copyfile(pair / name, work / name)
        shutil.copytree(pair / "share", work / "share")
        connection = sqlite3.connect(work / "alice.db")
        ids = [row[0] for row in connection.execute("SELECT id FROM visit ORDER BY id")]
        connection.close()
        rng = random.Random(seed)
        chosen = rng.sample(ids, 2 * changes)
        alice_ids, bob_ids = chosen[:changes], chosen[changes:]
        _edit(work / "alice.db", alice_ids, "alice")
        _edit(work / "bob.db", bob_ids, "bob")

        figures: dict[str, float] = {"first_sync": first_sync}
        alice = Services.open(work / "alice.db", author="alice")
        try:
            started = time.perf_counter()
            report = Sync(alice).sync(work / "share")
            figures["alice_total"] = time.perf_counter() - started
            figures["publish"] = report.timings["publish"]
        finally:
            alice.close()
        bob = Services.open(work / "bob.db", author="bob")
        try:
            started = time.perf_counter()
            report = Sync(bob).sync(work / "share")
            figures["bob_total"] = time.perf_counter() - started
            figures["apply"] = report.timings["receive"]
            figures["backup"] = report.timings["backup"]
            # One record version per changed visit (its summary and notes together).
            assert report.received >= changes and report.sent >= changes, (report.received, report.sent)
            assert bob.notebook.visit(alice_ids[0]).notes.startswith("alice called back")
        finally:
            bob.close()
        started = time.perf_counter()
        shutil.copyfile(work / "bob.db", work / "plain-copy.db")
        figures["backup_floor"] = time.perf_counter() - started

        # The floor runs on fresh copies, with the same rows changed.
        for name in ("alice.db", "bob.db"):
            shutil.copyfile(pair / name, work / f"floor-{name}")
        _edit(work / "floor-alice.db", alice_ids, "alice")
        figures["publish_floor"], figures["apply_floor"] = _floor(
            work / "floor-alice.db", work / "floor-bob.db", work / "share", alice_ids
        )
    return figures


def _keepass_xml(path: Path, entries: int, changed: range, label: str, texts: list[tuple[str, str]]) -> None:
    """A KeePass XML export of `entries` entries, those in `changed` edited later by `label`."""
    parts = ['<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<KeePassFile><Meta>'
             "<Generator>fieldnotes benchmark</Generator></Meta><Root><Group><UUID>",
             base64.b64encode(uuid.UUID(int=1).bytes).decode(), "</UUID><Name>Visits</Name>"]
    for index in range(entries):
        title, notes = texts[index % len(texts)]
        modified = "2026-01-01T00:00:00Z"
        if index in changed:
            notes, modified = f"{label} called back. {notes}", "2026-06-01T00:00:00Z"
        parts.append(
            f"<Entry><UUID>{base64.b64encode(uuid.UUID(int=index + 16).bytes).decode()}</UUID><Times>"
            f"<CreationTime>2025-01-01T00:00:00Z</CreationTime><LastModificationTime>{modified}"
            f"</LastModificationTime><LastAccessTime>{modified}</LastAccessTime><LocationChanged>"
            "2025-01-01T00:00:00Z</LocationChanged><ExpiryTime>2025-01-01T00:00:00Z</ExpiryTime>"
            "<Expires>False</Expires><UsageCount>0</UsageCount></Times>"
            f"<String><Key>Title</Key><Value>{escape(title)}</Value></String>"
            f"<String><Key>Notes</Key><Value>{escape(notes)}</Value></String></Entry>"
        )
    parts.append("</Group></Root></KeePassFile>\n")
    path.write_text("".join(parts), encoding="utf-8")


def _keepassxc_merge(visits: int, changes: int) -> float | None:
    """Seconds `keepassxc-cli merge` takes for two databases of `visits` entries with
    `changes` changed on each side (the visits' own titles and texts), or None without it."""
    cli = shutil.which("keepassxc-cli")
    if cli is None:
        return None
    connection = sqlite3.connect(cached_database(visits))
    try:
        texts = connection.execute("SELECT title, summary || ' ' || notes FROM visit ORDER BY id").fetchall()
    finally:
        connection.close()
    with tempfile.TemporaryDirectory(dir=CACHE_FOLDER) as temporary:
        work = Path(temporary)
        secret = f"{_KEEPASS_PASSWORD}\n{_KEEPASS_PASSWORD}\n"
        for label, changed in (("alice", range(changes)), ("bob", range(changes, 2 * changes))):
            _keepass_xml(work / f"{label}.xml", visits, changed, label, texts)
            # The fastest key derivation the tool allows: the floor should not pay for it.
            subprocess.run([cli, "import", "-q", "-p", "-t", "100", str(work / f"{label}.xml"),
                            str(work / f"{label}.kdbx")], input=secret, text=True, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run([cli, "merge", "-q", "-s", str(work / "bob.kdbx"), str(work / "alice.kdbx")],
                       input=f"{_KEEPASS_PASSWORD}\n", text=True, check=True, capture_output=True)
        return time.perf_counter() - started


def run() -> list[Row]:
    big = _measure(BIG, CHANGES, seed=1)
    keepass = _keepassxc_merge(BIG, CHANGES)
    few = _measure(BIG, FEW_CHANGES, seed=2)
    small = _measure(SMALL, CHANGES, seed=3)
    total = big["publish"] + big["apply"]
    total_floor = big["publish_floor"] + big["apply_floor"]
    rows: list[Row] = [
        (f"sync: publish {CHANGES:,} changed visits (notebook of {BIG:,})", big["publish"], big["publish_floor"],
         "floor: the changed rows copied into a file on the share"),
        (f"sync: apply {CHANGES:,} changed visits (notebook of {BIG:,})", big["apply"], big["apply_floor"],
         "floor: the same rows updated from that file, with their index"),
        (f"sync: publish + apply {CHANGES:,} changes", total, total_floor, "target < 3 s and within 5x the floor"),
        (f"sync: publish {FEW_CHANGES} changed visits (notebook of {BIG:,})", few["publish"], few["publish_floor"],
         "grows with the changes"),
        (f"sync: apply {FEW_CHANGES} changed visits (notebook of {BIG:,})", few["apply"], few["apply_floor"],
         "grows with the changes"),
        (f"sync: publish {CHANGES:,} changed visits (notebook of {SMALL:,})", small["publish"],
         small["publish_floor"], "not with the size of the notebook"),
        (f"sync: apply {CHANGES:,} changed visits (notebook of {SMALL:,})", small["apply"], small["apply_floor"],
         "not with the size of the notebook"),
        (f"sync: pre-images saved before syncing (notebook of {BIG:,})", big["backup"], big["backup_floor"],
         "journal of the rows the sync changes; floor: copying the whole file"),
        (f"sync: routine sync, {CHANGES:,} changed on each side, all included (notebook of {BIG:,})",
         big["bob_total"], keepass,
         "target < 3 s and faster than the floor; floor: keepassxc-cli merge of 10,000 entries"
         if keepass is not None else "target < 3 s; keepassxc-cli is not installed: floor skipped"),
        (f"sync: the other laptop's sync, publishing its {CHANGES:,} changes (all included)", big["alice_total"],
         None, "target < 3 s"),
    ]
    if big["first_sync"]:
        rows.append((f"sync: first sync of a whole notebook of {BIG:,} (once)", big["first_sync"], 0.0,
                     "publish on one laptop, apply on a new one; built once, then cached"))
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import format_table

    print(format_table(run()))
