"""Reading the findings of themed kinds with their themes: for suggestions, counts and the untagged backlog."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldnotes.domain.model import FINDING_KINDS


class FindingThemes(NamedTuple):
    """One finding of a themed kind, its theme ids as stored, and where it was heard."""

    id: str
    visit_id: str
    kind: str
    text: str
    theme_ids: tuple[str, ...]
    account_id: str | None
    visit_title: str
    visited_on: str


def themed_findings(session: Session, visit_ids: set[str] | None = None) -> list[FindingThemes]:
    """Every finding of a themed kind, newest visit first (of some visits only, when given)."""
    return list(_themed_findings(session, visit_ids, tagged_only=False))


def tagged_findings(session: Session) -> Iterator[FindingThemes]:
    """Every finding tagged with a theme, newest visit first, read from their own index as
    the caller consumes them (no list of them is held: a notebook may have 100,000)."""
    return _themed_findings(session, None, tagged_only=True)


def _themed_findings(session: Session, visit_ids: set[str] | None, tagged_only: bool) -> Iterator[FindingThemes]:
    kinds = [kind.key for kind in FINDING_KINDS if kind.themed]
    marks = ", ".join(f":k{i}" for i in range(len(kinds)))
    parameters: dict[str, object] = {f"k{i}": kind for i, kind in enumerate(kinds)}
    source = "finding f INDEXED BY ix_finding_themed" if tagged_only else "finding f"
    tagged_test = "AND f.theme_ids != '[]'" if tagged_only else ""
    visit_test = ""
    if visit_ids is not None:
        visit_test = "AND f.visit_id IN (SELECT value FROM json_each(:visits))"
        parameters["visits"] = json.dumps(sorted(visit_ids))
    rows = session.execute(
        text(
            "SELECT f.id, f.visit_id, f.kind, f.text, f.theme_ids, v.account_id, v.title, v.visited_on "
            f"FROM {source} JOIN visit v ON v.id = f.visit_id WHERE f.kind IN ({marks}) {tagged_test} {visit_test} "
            "ORDER BY v.visited_on DESC, v.id, f.kind, f.position"
        ),
        parameters,
    )
    for finding_id, visit_id, kind, finding_text, listed, account_id, title, visited_on in rows:
        yield FindingThemes(str(finding_id), str(visit_id), str(kind), str(finding_text or ""),
                            tuple(json.loads(listed or "[]")), account_id, str(title or ""), str(visited_on or ""))
