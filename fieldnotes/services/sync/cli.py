"""The sync commands: `fieldnotes sync FOLDER [--recreate-team]`, `fieldnotes conflicts`, `fieldnotes resolve`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes.domain.errors import FieldnotesError, ValidationError
from fieldnotes.domain.wording import counted

if TYPE_CHECKING:
    from fieldnotes.services.session import Services
    from fieldnotes.services.sync.engine import Sync


class SyncIncomplete(FieldnotesError):
    """The sync ran, but some files on the share were refused or need a newer fieldnotes."""


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")


def _open(args: argparse.Namespace) -> tuple[Services, Sync]:
    from fieldnotes.cli import _open_services
    from fieldnotes.services.sync.engine import Sync

    services = _open_services(args)
    return services, Sync(services)


def _configure_sync(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="the team's sync folder on a shared drive or synced cloud folder")
    parser.add_argument(
        "--recreate-team", action="store_true",
        help="the team folder was emptied (not merely unplugged): write its team.json again with this notebook's "
             "team and publish everything this laptop published; the other laptops publish theirs at their next sync",
    )


def _run_sync(args: argparse.Namespace) -> int:
    from fieldnotes.services.sync.engine import NEWER_FORMAT_MESSAGE

    services, sync = _open(args)
    try:
        report = sync.sync(args.folder, recreate_team=args.recreate_team)
    finally:
        services.close()
    from fieldnotes.services.sync.folder import stored_name

    shown = stored_name(str(args.folder))
    if args.recreate_team:
        _print(f"re-created the team folder {shown}; the other laptops publish their changes again at "
               "their next sync")
    _print(f"synced with {shown}: {report.describe()}")
    if report.conflicts:
        _print("see them with: fieldnotes conflicts")
    problems = list(report.rejected)
    if report.newer_format:
        problems.append(NEWER_FORMAT_MESSAGE)
    if problems:
        more = f" (and {counted(len(problems) - 1, 'more problem')})" if len(problems) > 1 else ""
        raise SyncIncomplete(f"{problems[0]}{more}")
    return 0


def _configure_conflicts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the conflicts as JSON, for scripts")


def _run_conflicts(args: argparse.Namespace) -> int:
    from fieldnotes.cli import _note, _open_reader
    from fieldnotes.services.sync.conflicts import describe_conflicts

    # Reading and describing conflicts needs plain sqlite3 alone, not the ORM.
    with _open_reader(args) as reader:
        conflicts = describe_conflicts(reader.open_conflicts(), reader.site_id(), reader.site_users)
    if args.json:
        _print(json.dumps([conflict.as_json() for conflict in conflicts], ensure_ascii=False, indent=1))
    if not conflicts:
        _note("no open conflicts")
        return 0
    if args.json:
        return 0
    for conflict in conflicts:
        _print(f"{conflict.id}  {conflict.label}")
        for number, candidate in enumerate(conflict.candidates, start=1):
            shown = candidate.description.replace("\n", " ")
            if len(shown) > 200:
                shown = shown[:199] + "…"
            _print(f"  {number}) {shown}")
            laptop = candidate.laptop or f"laptop {candidate.site_id[:8]}"
            _print(f"     by {candidate.author or 'unknown'} on {laptop} at {candidate.written_at}")
    _print("settle one with: fieldnotes resolve ID --pick N   (or --value TEXT to write a merged value)")
    return 0


def _configure_resolve(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("conflict_id", metavar="CONFLICT_ID", help="as listed by `fieldnotes conflicts`")
    choice = parser.add_mutually_exclusive_group(required=True)
    choice.add_argument("--pick", type=int, metavar="N", help="keep value number N of the listing")
    choice.add_argument("--value", metavar="TEXT",
                        help="write this value instead (a merge of both); for a deleted record: keep or delete")


def _run_resolve(args: argparse.Namespace) -> int:
    from fieldnotes.services.sync.engine import parse_value

    services, sync = _open(args)
    try:
        conflict = sync.conflict(args.conflict_id)
        if args.pick is not None:
            if not 1 <= args.pick <= len(conflict.candidates):
                raise ValidationError(f"--pick: choose a number from 1 to {len(conflict.candidates)}")
            value = conflict.candidates[args.pick - 1].value
        else:
            value = parse_value(conflict.record_kind, conflict.field, args.value)
        sync.resolve(conflict.id, value)
    finally:
        services.close()
    _print(f"resolved {conflict.id} ({conflict.label}); other laptops follow at their next sync")
    return 0


COMMANDS = {
    "sync": ("publish local changes to a team sync folder and merge everyone else's", (_configure_sync, _run_sync)),
    "conflicts": (
        "list open conflicts with every value, who wrote it and when", (_configure_conflicts, _run_conflicts)
    ),
    "resolve": ("settle a conflict by picking a value or writing a merged one", (_configure_resolve, _run_resolve)),
}
