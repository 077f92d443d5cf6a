"""Who is editing: the one name that every change made in this notebook is stamped with."""

from __future__ import annotations

from fieldnotes.domain.limits import check_author_name
from fieldnotes.storage.stamp import Stamp


class Signature:
    """The user's name as stamped on changes, held once for every service of an open notebook.

    Services keep this object rather than a copy of the name and read `name` at the moment
    they stamp, so a rename (Edit › Your name) reaches edits, imports, guides and sync at once.
    """

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = ""
        self.name = name

    @property
    def name(self) -> str:
        """The name stamped on changes right now."""
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        # Every way of naming the author (command line, Edit › Your name, the saved
        # preference) passes here, so an overlong name never reaches a version.
        self._name = check_author_name(name, "author name") if name.strip() else name

    def stamp(self) -> Stamp:
        """Who writes and when, for what a user action writes now."""
        return Stamp.now(self._name)

    @classmethod
    def of(cls, author: Signature | str) -> Signature:
        """The shared signature itself, or a signature of its own for a plain name."""
        return author if isinstance(author, Signature) else cls(author)

    def __repr__(self) -> str:
        return f"Signature({self._name!r})"
