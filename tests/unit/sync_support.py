"""Laptops for sync tests: each one its own database (own site id) and its own Sync."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

from fieldnotes.services.session import Services
from fieldnotes.services.sync import Sync, SyncReport
from fieldnotes.storage.versions import TRACKED


class Laptop:
    """One installation of fieldnotes: a database copied from the template, with a new identity."""

    def __init__(self, template: Path, folder: Path, name: str) -> None:
        self.name = name
        self.path = folder / name / "notebook.db"
        self.path.parent.mkdir(parents=True)
        shutil.copyfile(template, self.path)
        connection = sqlite3.connect(self.path)
        with connection:
            connection.execute("UPDATE meta SET value = ? WHERE key = 'site_id'", (uuid.uuid4().hex,))
        connection.close()
        self.services = Services.open(self.path, author=name)
        self.sync = Sync(self.services)

    @classmethod
    def copy_of(cls, original: Laptop, folder: Path, name: str, looks_like_the_original: bool = False) -> Laptop:
        """The original's notebook file copied to another laptop, as a user would copy it.

        With `looks_like_the_original`, the copy's file has the same device and file numbers
        as the original's (some file systems do that), so nothing at opening tells it is a copy.
        """
        from fieldnotes.storage.database import file_identity

        original.services.database.engine.dispose()  # everything written is in the file
        copy = cls.__new__(cls)
        copy.name = name
        copy.path = folder / name / "notebook.db"
        copy.path.parent.mkdir(parents=True)
        shutil.copyfile(original.path, copy.path)
        if looks_like_the_original:
            connection = sqlite3.connect(copy.path)
            with connection:
                connection.execute("UPDATE meta SET value = ? WHERE key = 'file_identity'", (file_identity(copy.path),))
            connection.close()
        copy.services = Services.open(copy.path, author=name)
        copy.sync = Sync(copy.services)
        return copy

    @property
    def notebook(self):
        return self.services.notebook

    def sync_with(self, share: Path) -> SyncReport:
        return self.sync.sync(share)

    def data(self) -> dict[str, dict[str, tuple]]:
        """Every synchronised row, by table and id, without local stamps: equal data compares equal."""
        connection = sqlite3.connect(self.path)
        try:
            found = {}
            for kind, columns in TRACKED.items():
                rows = connection.execute(f"SELECT id, {', '.join(columns)} FROM {kind}").fetchall()
                found[kind] = {row[0]: row[1:] for row in rows}
            return found
        finally:
            connection.close()

    def version_count(self) -> int:
        connection = sqlite3.connect(self.path)
        try:
            return connection.execute("SELECT count(*) FROM record_version").fetchone()[0]
        finally:
            connection.close()

    def close(self) -> None:
        self.services.close()


def sync_all(laptops: list[Laptop], share: Path, rounds: int = 2) -> None:
    """Sync every laptop in turn, twice: after that everyone has seen everything."""
    for _ in range(rounds):
        for laptop in laptops:
            laptop.sync_with(share)
