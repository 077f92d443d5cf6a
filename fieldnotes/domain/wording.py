"""How counts are written for people: "1 visit", "16 visits", "1,204 follow-ups".

One function for the app, the command line and the reports, so that no message says
"visit" followed by "(s)".
"""

from __future__ import annotations

#: Nouns whose plural is not the singular plus "s".
IRREGULAR_PLURALS = {"match": "matches", "company": "companies", "person": "people", "is": "are", "was": "were"}


def plural_of(noun: str) -> str:
    """The plural of an English noun of this app's vocabulary ("visit" → "visits")."""
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """The count and the noun agreeing with it, thousands grouped.

    Args:
        count: how many.
        noun: the singular ("visit", "follow-up", "conflict").
        plural: the plural when it is not regular.

    Returns:
        "1 visit", "0 visits", "12,400 visits".
    """
    word = noun if count == 1 else (plural or plural_of(noun))
    return f"{count:,} {word}"
