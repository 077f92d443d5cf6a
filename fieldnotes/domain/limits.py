"""How large a value may be: declared once, checked wherever a value enters.

Every way a value gets into a notebook (typing in the app, a JSON import, the command
line's `--author`, Edit › Your name) and every way one leaves it for the team (the check
of a segment before it is published, and of one read from the share) applies these same
numbers, so a value accepted here can always be published and read by every laptop.
"""

from __future__ import annotations

import re

from fieldnotes.domain.errors import ValidationError

#: Characters in one text value (a note, a summary, a finding's text, a name).
MAX_TEXT_CHARS = 1_000_000
#: Characters in the name stamped on changes.
MAX_AUTHOR_CHARS = 200
#: Items in one list value (the prompts a visit covered).
MAX_LIST_ITEMS = 10_000

#: A record id as the JSON format and every laptop write it: a UUID in its text form.
_RECORD_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def is_record_id(value: object) -> bool:
    """Whether `value` is a record id (a UUID in its text form, as the JSON format requires)."""
    return isinstance(value, str) and _RECORD_ID.match(value) is not None


def text_too_long(value: str) -> str | None:
    """Why a text value is too long to keep, or None when it fits."""
    if len(value) <= MAX_TEXT_CHARS:
        return None
    return f"{len(value):,} characters is too long (at most {MAX_TEXT_CHARS:,})"


def check_text_size(value: str, what: str) -> str:
    """Return `value` when it fits in a text field.

    Raises:
        ValidationError: it is longer than `MAX_TEXT_CHARS`; the message names `what`.
    """
    problem = text_too_long(value)
    if problem:
        raise ValidationError(f"{what}: {problem}")
    return value


def author_name_problem(name: str) -> str | None:
    """Why `name` cannot be stamped on changes, or None when it can."""
    if len(name) > MAX_AUTHOR_CHARS:
        return f"{len(name):,} characters is too long for a name (at most {MAX_AUTHOR_CHARS})"
    return None


def check_author_name(name: str, what: str = "your name") -> str:
    """Return the name stamped on changes, without surrounding spaces, when it fits.

    Raises:
        ValidationError: it is longer than `MAX_AUTHOR_CHARS`.
    """
    problem = author_name_problem(name.strip())
    if problem:
        raise ValidationError(f"{what}: {problem}")
    return name.strip()
