"""Who is editing: the one name that every change made in this notebook is stamped with."""

from __future__ import annotations


class Signature:
    """The user's name as stamped on changes, held once for every service of an open notebook.

    Services keep this object rather than a copy of the name and read `name` at the moment
    they stamp, so a rename (Edit › Your name) reaches edits, imports, guides and sync at once.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def of(cls, author: Signature | str) -> Signature:
        """The shared signature itself, or a signature of its own for a plain name."""
        return author if isinstance(author, Signature) else cls(author)

    def __repr__(self) -> str:
        return f"Signature({self.name!r})"
