"""The `fieldnotes followups` command: follow-up actions across visits, or a calendar of the open ones.

    fieldnotes followups [--overdue] [--owner NAME] [--account ACCOUNT] [--json] [--ics FILE]

Every follow-up is listed, open ones first by due date (the one overdue longest on top,
undated ones after the dated), then the done ones, the latest due first
(`domain.follow_ups.in_listing_order`). It reads through the light path
(`storage.read_only`): no SQLAlchemy, and `icalendar` only when a calendar is written.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from fieldnotes.domain.follow_ups import FollowUpRow
from fieldnotes.domain.wording import counted

#: The widest a column of the table grows before its text is cut short (with "…").
_WIDTHS = {"due": 10, "status": 7, "owner": 22, "action": 48, "account": 26, "visit": 32}


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options on its sub-parser."""
    parser.add_argument("--overdue", action="store_true",
                        help="only open actions past their due date (today, on this computer)")
    parser.add_argument("--owner", metavar="NAME",
                        help="only this person's actions (case and accents do not matter; a unique part of a "
                             "name will do)")
    parser.add_argument("--account", metavar="ACCOUNT",
                        help="only actions from visits to this account: its id or its name")
    parser.add_argument("--json", action="store_true", help="print the actions as JSON, for scripts")
    parser.add_argument("--ics", type=Path, metavar="FILE",
                        help="write the open actions listed to this iCalendar file, one to-do each")


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())  # line breaks typed in an action would break the table
    return text if len(text) <= width else text[: width - 1] + "…"


def _status(row: FollowUpRow) -> str:
    return "done" if row.done else "overdue" if row.overdue else "open"


def _table(rows: list[FollowUpRow]) -> list[str]:
    """The rows as aligned columns under a heading, each cell cut to its column's width."""
    cells = [["DUE", "STATUS", "OWNER", "ACTION", "ACCOUNT", "VISIT"]]
    for row in rows:
        cells.append([row.due_on or "-", _status(row), row.owner or "-", row.text or "-",
                      row.account_name or "-", row.visit_title or "(untitled visit)"])
    limits = list(_WIDTHS.values())
    cut = [[_cut(cell, limit) for cell, limit in zip(line, limits, strict=True)] for line in cells]
    widths = [max(len(line[column]) for line in cut) for column in range(len(limits))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in cut]


def run(args: argparse.Namespace) -> int:
    """List the follow-ups the options ask for, or write their calendar; returns the exit code."""
    from fieldnotes.cli import EXIT_OK, _note, _open_reader, _print, _print_json, resolve_account_option

    resolve_account_option(args)
    with _open_reader(args) as reader:
        owners = None
        if args.owner is not None:
            from fieldnotes.services.follow_ups import owners_matching

            owners = owners_matching(args.owner, reader.follow_up_owners())
        rows = reader.follow_ups(owners, args.account, args.overdue)
    written = None
    if args.ics is not None:
        from fieldnotes.services.follow_ups import write_calendar

        written = write_calendar(rows, args.ics)
    if args.json:
        _print_json([asdict(row) for row in rows])
    elif written is None:
        for line in _table(rows) if rows else []:
            _print(line)
    if written is not None:
        message = f"wrote {counted(written, 'open follow-up')} to {args.ics}"
        if args.json:
            sys.stderr.write(f"fieldnotes: {message}\n")
        else:
            _print(message)
    if not rows:
        if args.owner is not None and not owners:
            _note(f"no follow-up has an owner named {args.owner!r}")
        elif args.overdue or args.owner is not None or args.account:
            _note("no follow-ups match")
        else:
            _note("no follow-ups yet")
    return EXIT_OK


COMMANDS = {
    "followups": ("list follow-up actions across visits (open first), or write a calendar of the open ones",
                  (configure_parser, run)),
}
