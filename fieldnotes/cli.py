"""The `fieldnotes` command: opens the app, or runs one command on the same services without Qt.

Exit codes: 0 success; 1 a user error (one line on standard error, nothing changed);
2 a command line that does not parse; 3 an unexpected failure (a bug: see the log).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fieldnotes
from fieldnotes.domain.errors import FieldnotesError
from fieldnotes.domain.wording import counted

if TYPE_CHECKING:
    from fieldnotes.services.session import Services
    from fieldnotes.storage.search_index import VisitQuery

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_BUG = 3

log = logging.getLogger("fieldnotes.cli")

#: Commands added by other modules: name -> (configure parser, run). Keeps this file the one
#: place where the command line is assembled.
Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def _open_services(args: argparse.Namespace) -> Services:
    from fieldnotes.services.session import Services

    return Services.open(args.db, author=args.author)


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")


# --- commands --------------------------------------------------------------------------


def _configure_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a fieldnotes JSON file (see docs/json-format.md)")


def _run_import(args: argparse.Namespace) -> int:
    from fieldnotes.services.interchange import read_document

    document = read_document(args.file)  # validate before the database is even opened
    services = _open_services(args)
    try:
        summary = services.interchange.import_document(document, str(args.file))
    finally:
        services.close()
    _print(f"imported {summary.describe()} from {args.file}")
    return EXIT_OK


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="where to write the JSON file")


def _run_export(args: argparse.Namespace) -> int:
    services = _open_services(args)
    try:
        count = services.interchange.export_file(args.file)
    finally:
        services.close()
    _print(f"exported {counted(count, 'visit')} to {args.file}")
    return EXIT_OK


def _add_query_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", metavar="ID", help="only visits to this account")
    parser.add_argument("--kind", help="only visits of this kind (ride_along, customer_visit, ...)")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="visits on or after this date")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="visits on or before this date")
    parser.add_argument("--competitor", help="only visits where this competitor moved")
    parser.add_argument("--min-severity", type=int, choices=range(1, 6), metavar="1-5",
                        help="only visits with a need at least this severe")
    parser.add_argument("--limit", type=int, default=None, help="print at most this many visits")


def _query_from(args: argparse.Namespace, text: str = "") -> VisitQuery:
    from fieldnotes.domain.model import VisitKind, normalize_date
    from fieldnotes.storage.search_index import VisitQuery

    return VisitQuery(
        text=text,
        account_id=args.account,
        kind=VisitKind.parse(args.kind, "--kind") if args.kind else None,
        date_from=normalize_date(args.date_from, "--from"),
        date_to=normalize_date(args.date_to, "--to"),
        competitor=args.competitor,
        min_severity=args.min_severity,
    )


def _print_rows(rows: Sequence) -> None:
    for row in rows:
        _print("\t".join([row.visited_on, row.kind.label, row.account_name or "-", row.title or "(untitled)", row.id]))


def _run_list(args: argparse.Namespace) -> int:
    query = _query_from(args)
    services = _open_services(args)
    try:
        _print_rows(services.search.find_rows(query, args.limit))
    finally:
        services.close()
    return EXIT_OK


def _configure_search(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help="words to find (accents do not matter; the last may be a prefix)")
    _add_query_options(parser)


def _run_search(args: argparse.Namespace) -> int:
    query = _query_from(args, " ".join(args.text))
    services = _open_services(args)
    try:
        rows = services.search.find_rows(query, args.limit)
    finally:
        services.close()
    _print_rows(rows)
    return EXIT_OK if rows else EXIT_USER_ERROR


COMMANDS: dict[str, tuple[str, Command]] = {
    "import": ("import a fieldnotes JSON file (all or nothing; ids are kept)", (_configure_import, _run_import)),
    "export": ("export everything to a fieldnotes JSON file", (_configure_export, _run_export)),
    "list": ("list visits, newest first, one a line", (_add_query_options, _run_list)),
    "search": ("full-text search over every visit", (_configure_search, _run_search)),
}


def _register_optional_commands() -> None:
    """Commands that live with their own feature (reports, sync) add themselves here."""
    for module_name in ("fieldnotes.services.reports.cli", "fieldnotes.services.sync.cli"):
        try:
            module = __import__(module_name, fromlist=["COMMANDS"])
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                continue
            raise
        COMMANDS.update(module.COMMANDS)


class _PrintVersion(argparse.Action):
    """Like argparse's "version" action, but reads the version only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        _print(f"fieldnotes {fieldnotes.__version__}")
        parser.exit()


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    from fieldnotes.locations import default_database_path

    parser.add_argument("--version", action=_PrintVersion, nargs=0, help="show the version and exit")
    parser.add_argument("--db", type=Path, default=None, metavar="FILE",
                        help=f"database file to use (default: {default_database_path()})")
    parser.add_argument("--author", default=None, help="name stamped on changes (default: your login name)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldnotes",
        description="Offline notebook for field visits. Without a command, opens the app.",
    )
    _add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _register_optional_commands()
    for name, (summary, (configure, run)) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=summary, description=summary)
        configure(command_parser)
        command_parser.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Opening the app needs only the global options: read those alone, so that start-up does
    # not import what the commands need (the storage layer, report and sync engines).
    launcher = argparse.ArgumentParser(prog="fieldnotes", add_help=False)
    _add_global_options(launcher)
    global_options, rest = launcher.parse_known_args(argv)
    if not rest:
        from fieldnotes.app import main as run_app

        return run_app(database=global_options.db, author=global_options.author)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("unknown arguments; see fieldnotes --help")
    if args.db is None:
        from fieldnotes.locations import default_database_path

        args.db = default_database_path()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args)
    except FieldnotesError as error:
        sys.stderr.write(f"fieldnotes: error: {error}\n")
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader went away (`fieldnotes list | head`): not an error. Point stdout at
        # /dev/null so that the interpreter's final flush does not complain again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        sys.stderr.write("fieldnotes: interrupted; nothing was changed by the unfinished command\n")
        return EXIT_USER_ERROR
    except Exception:  # a bug: say so, with the traceback in the log rather than on screen
        from fieldnotes.crash import record_crash

        log_file = record_crash(*sys.exc_info())
        sys.stderr.write(f"fieldnotes: unexpected error; details were written to {log_file}\n")
        return EXIT_BUG
