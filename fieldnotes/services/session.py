"""One open notebook: the database and every service over it, built in one place."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path

from fieldnotes.services.follow_ups import FollowUps
from fieldnotes.services.guides import Guides
from fieldnotes.services.insights import InsightsService
from fieldnotes.services.interchange import Interchange
from fieldnotes.services.library import Library
from fieldnotes.services.notebook import Notebook
from fieldnotes.services.prep import Prep
from fieldnotes.services.search import Search
from fieldnotes.services.signature import Signature
from fieldnotes.services.spreadsheets import Spreadsheets
from fieldnotes.services.team_settings import TeamSettings
from fieldnotes.services.terms import Terms
from fieldnotes.services.theme_work import ThemeWork
from fieldnotes.services.vcards import VCards
from fieldnotes.storage import sync_log
from fieldnotes.storage.database import Database, open_database


def default_author() -> str:
    """Who edits, as stamped on every change: the login name unless the user set another."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class Services:
    """The services of one open notebook, sharing one database and one signature.

    Attributes:
        database: the open database.
        signature: the name stamped on every change; every service reads it when it stamps,
            so setting `signature.name` renames the author everywhere at once.
    """

    database: Database
    signature: Signature
    notebook: Notebook = field(init=False)
    guides: Guides = field(init=False)
    search: Search = field(init=False)
    interchange: Interchange = field(init=False)
    spreadsheets: Spreadsheets = field(init=False)
    vcards: VCards = field(init=False)
    terms: Terms = field(init=False)
    theme_work: ThemeWork = field(init=False)
    follow_ups: FollowUps = field(init=False)
    library: Library = field(init=False)
    team: TeamSettings = field(init=False)
    insights: InsightsService = field(init=False)
    prep: Prep = field(init=False)

    def __post_init__(self) -> None:
        self.notebook = Notebook(self.database, self.signature)
        self.guides = Guides(self.database, self.signature)
        self.search = Search(self.database.path)
        self.interchange = Interchange(self.database, self.signature)
        self.spreadsheets = Spreadsheets(self.database)
        self.vcards = VCards(self.database, self.signature)
        self.terms = Terms(self.database, self.signature)
        self.theme_work = ThemeWork(self.database, self.signature)
        self.follow_ups = FollowUps(self.database.path)
        self.library = Library(self.database.path)
        self.team = TeamSettings(self.database)
        self.insights = InsightsService(self.database.path)
        self.prep = Prep(self.database.path)

    @property
    def author(self) -> str:
        """The name stamped on changes right now."""
        return self.signature.name

    @classmethod
    def open(cls, path: Path, author: str | None = None) -> Services:
        """Open (create, migrate) the database at `path` and make sure it has a guide."""
        services = cls(open_database(path), Signature(author or default_author()))
        if services.database.copied_from is not None:
            with services.database.writing() as session:
                sync_log.capture_held_edits(session, services.author)
        services.guides.ensure_default()
        return services

    def close(self) -> None:
        self.search.close()
        self.follow_ups.close()
        self.insights.close()
        self.library.close()
        self.prep.close()
        self.database.close()
