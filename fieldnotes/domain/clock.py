"""Timestamps as stored: ISO 8601 in UTC with milliseconds, so that text order is time order."""

import datetime as dt


def utc_now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def local_now_minutes() -> str:
    """The local wall-clock time to the minute: the default date and time of a new visit."""
    return dt.datetime.now().replace(second=0, microsecond=0).isoformat(timespec="minutes")
