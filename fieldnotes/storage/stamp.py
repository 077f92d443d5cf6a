"""Who wrote a record and when: the stamps every user action puts on what it writes."""

from __future__ import annotations

from dataclasses import dataclass

from fieldnotes.domain.clock import utc_now_text


@dataclass(frozen=True)
class Stamp:
    """Who writes, and when: stamped on every record a user action creates or changes."""

    author: str
    at: str

    @classmethod
    def now(cls, author: str) -> Stamp:
        return cls(author, utc_now_text())

    def created(self) -> dict[str, str]:
        return {"created_at": self.at, "updated_at": self.at, "updated_by": self.author}

    def touched(self) -> dict[str, str]:
        return {"updated_at": self.at, "updated_by": self.author}
