"""Dates as people type them: `2026-09-01`, `20260901`, `2026-09-01 14:30`, `today`, `+7`.

Qt-free, so that every date field and the command line can read a date the same way.
"""

from __future__ import annotations

import datetime as dt
import re

#: `2026-09-01`, `2026-9-1` or `20260901`: without dashes, month and day take two digits each.
_DAY = r"(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})(\d{2})(\d{2}))"
_DATE = re.compile(_DAY)
_DATE_AND_TIME = re.compile(_DAY + r"(?:(?:\s+|T)(\d{1,2}):?(\d{2}))?", re.IGNORECASE)
_IN_DAYS = re.compile(r"\+\s*(\d{1,4})\s*([dw]?)")
WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1}


def parse_date_text(text: str, with_time: bool = False, today: dt.date | None = None) -> str | None:
    """The ISO date (or date and time) a user typed, or None when nothing was typed.

    Args:
        text: `2026-09-01`, `20260901`, `2026-9-1`, with `with_time` also `2026-09-01 14:30`;
            `today`, `tomorrow`, `yesterday`; `+7` (in seven days) or `+2w` (in two weeks).
        with_time: whether a time of day may follow the date.
        today: the day words and `+N` count from; the local date when not given.

    Returns:
        `YYYY-MM-DD` or, when a time was typed, `YYYY-MM-DDTHH:MM`; None for empty text.

    Raises:
        ValueError: the text is not a date (or not yet a whole one).
    """
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    base = today or dt.date.today()
    if cleaned in WORDS:
        return (base + dt.timedelta(days=WORDS[cleaned])).isoformat()
    in_days = _IN_DAYS.fullmatch(cleaned)
    if in_days:
        count = int(in_days.group(1)) * (7 if in_days.group(2) == "w" else 1)
        return (base + dt.timedelta(days=count)).isoformat()
    match = (_DATE_AND_TIME if with_time else _DATE).fullmatch(cleaned)
    if match is None:
        raise ValueError(f"{text!r} is not a date")
    year, month, day_of_month = (part for part in match.groups()[:6] if part is not None)
    day = dt.date(int(year), int(month), int(day_of_month))
    if with_time and match.group(7) is not None:
        moment = dt.datetime.combine(day, dt.time(int(match.group(7)), int(match.group(8))))
        return moment.isoformat(timespec="minutes")
    return day.isoformat()


def shown_date(value: str | None) -> str:
    """How a stored date or date-time is shown in a date field: `2026-09-01` or `2026-09-01 14:30`."""
    if not value:
        return ""
    text = str(value)
    if len(text) <= 10:
        return text
    return f"{text[:10]} {text[11:16]}"
