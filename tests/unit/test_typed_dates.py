"""Dates as a user types them into a date field."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldnotes.domain.typed_dates import parse_date_text, shown_date

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("typed", "with_time", "meant"),
    [
        ("2026-09-01", False, "2026-09-01"),
        ("20260901", False, "2026-09-01"),
        ("2026-9-1", False, "2026-09-01"),
        ("  2026-09-01 ", False, "2026-09-01"),
        ("2026-09-01 14:30", True, "2026-09-01T14:30"),
        ("2026-09-01T14:30", True, "2026-09-01T14:30"),
        ("20260901 1430", True, "2026-09-01T14:30"),
        ("2026-09-01", True, "2026-09-01"),
        ("today", False, "2026-11-30"),
        ("Tomorrow", False, "2026-12-01"),
        ("+7", False, "2026-12-07"),
        ("+2w", False, "2026-12-14"),
        ("", False, None),
    ],
)
def test_a_typed_date_means_the_day_a_reader_would_take_it_for(typed: str, with_time: bool, meant: str | None) -> None:
    assert parse_date_text(typed, with_time, today=TODAY) == meant


@pytest.mark.parametrize("typed", ["2026-12", "2026-13-01", "2026-02-30", "0261210", "2026-09-01 14:30", "soon"])
def test_a_half_typed_or_impossible_date_is_no_date(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_date_text(typed, with_time=False, today=TODAY)


def test_a_stored_date_time_is_shown_to_the_minute() -> None:
    assert shown_date("2026-09-01T14:30:15+02:00") == "2026-09-01 14:30"
    assert shown_date("2026-09-01") == "2026-09-01"
    assert shown_date(None) == ""
