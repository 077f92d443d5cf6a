"""The themes command: `fieldnotes themes [--json]`, `themes rename OLD NEW`, `themes merge FROM INTO`.

Listing reads through the light read-only path (`storage.term_reads`); renaming and
merging go through `services.terms`, as the Themes window does. Names are matched as the
lists match them everywhere: case, accents and spacing do not matter, and the name of a
theme merged into another stands for that other.
"""

from __future__ import annotations

import argparse
import json
import sys

from fieldnotes.domain.wording import counted


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")


def _configure_themes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the themes as JSON, for scripts")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    rename = actions.add_parser("rename", help="give a theme a new name", description="give a theme a new name")
    rename.add_argument("old", metavar="OLD", help="the theme's name now")
    rename.add_argument("new", metavar="NEW", help="its new name (not the name of another theme: merge them instead)")
    merge = actions.add_parser("merge", help="merge one theme into another: its findings carry the other, once",
                               description="merge one theme into another: its findings carry the other, once")
    merge.add_argument("source", metavar="FROM", help="the theme that goes")
    merge.add_argument("target", metavar="INTO", help="the theme that stays")


def _run_themes(args: argparse.Namespace) -> int:
    from fieldnotes.cli import EXIT_OK, _note, _open_reader

    if args.action is not None:
        return _change_themes(args)
    with _open_reader(args) as reader:
        counts = reader.theme_counts()
    if args.json:
        _print(json.dumps([{"id": c.id, "name": c.name, "findings": c.findings, "visits": c.visits,
                            "accounts": c.accounts} for c in counts], ensure_ascii=False, indent=1))
    else:
        width = max((len(count.name) for count in counts), default=0)
        for count in counts:
            _print("\t".join([count.name.ljust(width), counted(count.findings, "finding"),
                              counted(count.visits, "visit"), counted(count.accounts, "account"), count.id]))
    if not counts:
        _note("no themes yet")
    return EXIT_OK


def _change_themes(args: argparse.Namespace) -> int:
    from fieldnotes.cli import EXIT_OK, _open_services
    from fieldnotes.domain.terms import TermList

    services = _open_services(args)
    try:
        if args.action == "rename":
            renamed, _change = services.terms.rename(TermList.THEME, args.old, args.new)
            message = f"renamed the theme {args.old!r} to {renamed.name!r}"
        else:
            kept, _change = services.terms.merge(TermList.THEME, args.source, args.target)
            message = f"merged the theme {args.source!r} into {kept.name!r}"
    finally:
        services.close()
    _print(message)
    return EXIT_OK


COMMANDS = {
    "themes": ("list the themes with how many findings, visits and accounts carry each; rename or merge one",
               (_configure_themes, _run_themes)),
}
