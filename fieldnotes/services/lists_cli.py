"""The `fieldnotes competitors` and `fieldnotes offerings` commands: the team's lists with what
uses each, and merging one entry into another.

    fieldnotes competitors [--json]            name, findings, visits, accounts
    fieldnotes offerings [--json]              the same, with aware and unaware findings
    fieldnotes competitors merge FROM INTO     every finding naming FROM (or a merged name of
    fieldnotes offerings merge FROM INTO       it) names INTO from now on

Every spelling that stands for an entry (a merged name, another case or accents) is counted
with it; names typed before the list had them are listed after the entries.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from fieldnotes.domain.terms import TermList
from fieldnotes.domain.wording import counted

#: The commands and the list each shows, with what its lines are called.
_LISTS: dict[str, tuple[TermList, str]] = {
    "competitors": (TermList.COMPETITOR, "competitor"),
    "offerings": (TermList.OFFERING, "offering"),
}


def _configure(command: str) -> Callable[[argparse.ArgumentParser], None]:
    def configure(parser: argparse.ArgumentParser) -> None:
        entry = _LISTS[command][1]
        parser.add_argument("--json", action="store_true", help=f"print the {command} as JSON, for scripts")
        actions = parser.add_subparsers(dest="list_action", metavar="ACTION")
        merge = actions.add_parser("merge", help=f"merge one {entry} into another",
                                   description=f"Merge one {entry} into another: every finding that names "
                                               "FROM names INTO from now on, and FROM stays a name of INTO.")
        merge.add_argument("source", metavar="FROM", help=f"the {entry} merged away (a name in use, or an entry)")
        merge.add_argument("target", metavar="INTO", help=f"the {entry} it becomes")

    return configure


def _run(command: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from fieldnotes.cli import _note, _open_services

        which = _LISTS[command][0]
        services = _open_services(args)
        try:
            if args.list_action == "merge":
                into, change = services.terms.merge(which, args.source, args.target)
                sys.stdout.write(f"merged {args.source!r} into {into.name!r}: "
                                 f"{counted(len(change.visit_ids), 'visit')} changed\n")
                return 0
            lines = services.terms.usage(which)
        finally:
            services.close()
        shown = []
        for line in lines:
            item: dict[str, object] = {"name": line.name, "findings": line.findings, "visits": line.visits,
                                       "accounts": line.accounts}
            if which is TermList.OFFERING:
                item.update(aware=line.aware, unaware=line.unaware)
            shown.append(item)
        if args.json:
            sys.stdout.write(json.dumps(shown, ensure_ascii=False, indent=1) + "\n")
        else:
            for line in lines:
                cells = [line.name, counted(line.findings, "finding"), counted(line.visits, "visit"),
                         counted(line.accounts, "account")]
                if which is TermList.OFFERING:
                    cells += [f"{line.aware:,} aware", f"{line.unaware:,} unaware"]
                sys.stdout.write("\t".join(cells) + "\n")
        if not lines:
            _note(f"no {command} yet")
        return 0

    return run


COMMANDS = {
    "competitors": ("list competitors with their findings, visits and accounts; merge one into another",
                    (_configure("competitors"), _run("competitors"))),
    "offerings": ("list offerings with their findings (aware and unaware), visits and accounts; merge one into "
                  "another", (_configure("offerings"), _run("offerings"))),
}
