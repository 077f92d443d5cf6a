"""Counts in messages and reports read as English: "1 visit", "16 visits", never "visit(s)"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fieldnotes.domain.wording import counted

SOURCES = Path(__file__).resolve().parents[2] / "fieldnotes"


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [(1, "visit", "1 visit"), (0, "visit", "0 visits"), (16, "visit", "16 visits"), (12400, "visit", "12,400 visits"),
     (2, "follow-up", "2 follow-ups"), (3, "match", "3 matches"), (2, "company", "2 companies"),
     (1, "conflict", "1 conflict"), (2, "person", "2 people")],
)
def test_a_count_agrees_with_its_noun(count: int, noun: str, expected: str) -> None:
    assert counted(count, noun) == expected


def test_no_message_the_user_reads_says_visit_s() -> None:
    offenders = []
    for path in SOURCES.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            # Log lines are for the developer; everything else can reach a user.
            if re.search(r"\w\(s\)", line) and not re.search(r"log(ger)?\.|%d", line):
                offenders.append(f"{path.relative_to(SOURCES)}:{number}: {line.strip()}")
    assert offenders == []
