"""The `fieldnotes` command: opens the app, or runs one command on the same services without Qt.

Exit codes: 0 success; 1 a user error (one line on standard error, nothing changed);
2 a command line that does not parse; 3 an unexpected failure (a bug: see the log).
A command that finds nothing succeeds (0) and says so in one note on standard error.

Start-up stays light: a command's parser is configured only when that command runs, and
the reading commands (`list`, `search`, `accounts`, `contacts`, `themes`, `followups`, `insights`,
`conflicts`) read an up-to-date notebook through plain sqlite3 (`storage.read_only`);
SQLAlchemy, alembic and ReportLab load only for the commands that write or draw.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fieldnotes
from fieldnotes.domain.errors import DatabaseFileError, FieldnotesError, ValidationError
from fieldnotes.domain.wording import counted

if TYPE_CHECKING:
    from fieldnotes.services.session import Services
    from fieldnotes.storage.read_only import ReadOnlyNotebook
    from fieldnotes.storage.search_index import VisitQuery

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_BUG = 3

#: Commands added by other modules: name -> (configure parser, run). Keeps this file the one
#: place where the command line is assembled.
Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def _open_services(args: argparse.Namespace) -> Services:
    from fieldnotes.services.session import Services

    return Services.open(args.db, author=args.author)


def _open_reader(args: argparse.Namespace) -> ReadOnlyNotebook:
    """The notebook for a command that only reads, without loading the full storage layer.

    A notebook that does not exist yet or needs an upgrade is first created or upgraded
    the one way there is (`Services.open`), as every command always did.
    """
    from fieldnotes.storage.read_only import ReadOnlyNotebook

    reader = ReadOnlyNotebook.open(args.db)
    if reader is None:
        _open_services(args).close()
        reader = ReadOnlyNotebook.open(args.db)
        if reader is None:
            raise DatabaseFileError(f"{args.db}: the notebook could not be brought up to date")
    return reader


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")


def _note(line: str) -> None:
    """A remark for the person at the terminal (an empty result), on standard error."""
    sys.stderr.write(f"fieldnotes: {line}\n")


def _print_json(value: object) -> None:
    _print(json.dumps(value, ensure_ascii=False, indent=1))


# --- commands --------------------------------------------------------------------------


def _configure_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path,
                        help="a fieldnotes JSON file (see docs/json-format.md) or a vCard file of contacts (.vcf)")
    parser.add_argument("--account", metavar="ACCOUNT",
                        help="vCard only: put the contacts on this account (its id or its name); "
                             "without it, each card's company (ORG) names the account")


def _run_import(args: argparse.Namespace) -> int:
    from fieldnotes.services.vcards import looks_like_vcard

    if looks_like_vcard(args.file):
        return _import_vcards(args)
    if args.account:
        raise ValidationError("--account: only a vCard file (.vcf) is imported onto an account")
    from fieldnotes.services.interchange import read_document

    document = read_document(args.file)  # validate before the database is even opened
    services = _open_services(args)
    try:
        summary = services.interchange.import_document(document, str(args.file))
    finally:
        services.close()
    _print(f"imported {summary.describe()} from {args.file}")
    return EXIT_OK


def _import_vcards(args: argparse.Namespace) -> int:
    from fieldnotes.services.vcards import read_cards

    read_cards(args.file)  # a bad card is refused before the notebook is opened
    resolve_account_option(args)
    services = _open_services(args)
    try:
        done = services.vcards.import_file(args.file, args.account)
    finally:
        services.close()
    _print(f"imported {done.describe()}")
    return EXIT_OK


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, nargs="?", help="where to write the JSON file")
    parser.add_argument("--csv", type=Path, metavar="FOLDER",
                        help="write spreadsheet files (CSV) into this folder instead (see docs/csv-export.md)")
    parser.add_argument("--crm", choices=("hubspot", "salesforce"),
                        help="with --csv: write the files this CRM's import takes")


def _run_export(args: argparse.Namespace) -> int:
    if args.csv is not None:
        return _export_csv(args)
    if args.crm:
        raise ValidationError("--crm: goes with --csv FOLDER")
    if args.file is None:
        raise ValidationError("name the JSON file to write, or give --csv FOLDER")
    if not args.file.name or args.file.is_dir():
        raise ValidationError(f"{args.file}: is a folder; name the JSON file to write")
    services = _open_services(args)
    try:
        count = services.interchange.export_file(args.file)
    finally:
        services.close()
    _print(f"exported {counted(count, 'visit')} to {args.file}")
    return EXIT_OK


def _export_csv(args: argparse.Namespace) -> int:
    from fieldnotes.services.spreadsheets import Crm, check_folder

    if args.file is not None:
        raise ValidationError(f"{args.file}: give either a JSON file or --csv FOLDER, not both")
    check_folder(args.csv)  # a folder that cannot take the files is refused before the notebook opens
    services = _open_services(args)
    try:
        summary = services.spreadsheets.export(args.csv, Crm(args.crm) if args.crm else None)
    finally:
        services.close()
    _print(f"exported {summary.describe()}")
    return EXIT_OK


def _add_query_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", metavar="ACCOUNT",
                        help="only visits to this account: its id or its name (see fieldnotes accounts)")
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
    resolve_account_option(args)
    query = _query_from(args)
    with _open_reader(args) as reader:
        rows = reader.visit_rows(query, args.limit)
    _print_rows(rows)
    if not rows:
        _note("no visits match")
    return EXIT_OK


def _configure_search(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help="words to find (accents do not matter; the last may be a prefix)")
    _add_query_options(parser)


def _run_search(args: argparse.Namespace) -> int:
    resolve_account_option(args)
    query = _query_from(args, " ".join(args.text))
    with _open_reader(args) as reader:
        rows = reader.visit_rows(query, args.limit)
    _print_rows(rows)
    if not rows:
        _note(f"no visit matches {' '.join(args.text)!r}")
    return EXIT_OK


def _label(vocabulary: type, value: str) -> str:
    """A stored vocabulary value as people read it (as stored when this version does not know it)."""
    try:
        return str(vocabulary(value).label)
    except ValueError:
        return value


def _configure_accounts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the accounts as JSON, for scripts")


def _run_accounts(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from fieldnotes.domain.model import AccountKind

    with _open_reader(args) as reader:
        accounts = reader.accounts()
    if args.json:
        _print_json([asdict(account) for account in accounts])
    else:
        for account in accounts:
            _print("\t".join([account.id, account.name or "(unnamed)", _label(AccountKind, account.kind),
                              counted(account.visits, "visit"), account.last_visit or "-"]))
    if not accounts:
        _note("no accounts yet")
    return EXIT_OK


def _configure_contacts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", metavar="ACCOUNT", help="only the people of this account: its id or its name")
    parser.add_argument("--json", action="store_true", help="print the people as JSON, for scripts")


def _run_contacts(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from fieldnotes.domain.model import BuyingRole

    resolve_account_option(args)
    with _open_reader(args) as reader:
        contacts = reader.contacts(args.account)
    if args.json:
        _print_json([asdict(contact) for contact in contacts])
    else:
        for contact in contacts:
            _print("\t".join([contact.id, contact.name or "(unnamed)", contact.role or "-",
                              _label(BuyingRole, contact.buying_role), contact.email or "-", contact.phone or "-",
                              contact.account_name or "(unnamed)"]))
    if not contacts:
        _note("no contacts" + (" for this account" if args.account else " yet"))
    return EXIT_OK


COMMANDS: dict[str, tuple[str, Command]] = {
    "import": ("import a fieldnotes JSON file (all or nothing; ids are kept) or contacts from a vCard file",
               (_configure_import, _run_import)),
    "export": ("export everything to a fieldnotes JSON file, or to spreadsheet (CSV) files with --csv",
               (_configure_export, _run_export)),
    "list": ("list visits, newest first, one a line", (_add_query_options, _run_list)),
    "search": ("full-text search over every visit", (_configure_search, _run_search)),
    "accounts": ("list accounts with their ids, kind, visits and last visit", (_configure_accounts, _run_accounts)),
    "contacts": ("list people, with the account each works for", (_configure_contacts, _run_contacts)),
}

#: Commands that live with their own feature, and the module that declares each. Only the
#: module of the command being run is imported; help imports them all.
FEATURE_COMMANDS: dict[str, str] = {
    "report": "fieldnotes.services.reports.cli",
    "sync": "fieldnotes.services.sync.cli",
    "conflicts": "fieldnotes.services.sync.cli",
    "resolve": "fieldnotes.services.sync.cli",
    "themes": "fieldnotes.services.themes_cli",
    "followups": "fieldnotes.services.follow_up_command",
    "settings": "fieldnotes.services.settings_cli",
    "competitors": "fieldnotes.services.lists_cli",
    "offerings": "fieldnotes.services.lists_cli",
    "insights": "fieldnotes.services.insights_cli",
}


def _register_optional_commands(modules: Sequence[str] | None = None) -> None:
    """Commands that live with their own feature (reports, sync) add themselves here.

    Args:
        modules: the feature modules to load; every one when None.
    """
    for module_name in dict.fromkeys(FEATURE_COMMANDS.values() if modules is None else modules):
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


def _add_global_options(parser: argparse.ArgumentParser, for_help: bool = False) -> None:
    """The options before the command; `for_help` spells out the default notebook's path.

    Only the help shows that path: finding the user's data folder loads platformdirs, which
    a command given --db does not need.
    """
    where = "the notebook in your data folder"
    if for_help:
        from fieldnotes.locations import default_database_path

        where = str(default_database_path())
    parser.add_argument("--version", action=_PrintVersion, nargs=0, help="show the version and exit")
    parser.add_argument("--db", type=Path, default=None, metavar="FILE",
                        help=f"database file to use (default: {where})")
    parser.add_argument("--author", default=None, type=_author_name,
                        help="name stamped on changes (default: your login name)")
    parser.add_argument("--create-folder", action="store_true",
                        help="create the folder of --db when it does not exist (otherwise that is an error)")


def _author_name(text: str) -> str:
    """`--author` checked against the same limit as Edit › Your name, before anything opens."""
    from fieldnotes.domain.limits import author_name_problem

    problem = author_name_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `command`, configured for that command alone (quicker)."""
    parser = argparse.ArgumentParser(
        prog="fieldnotes",
        description="Offline notebook for field visits. Without a command, opens the app.",
    )
    _add_global_options(parser, for_help=command not in COMMANDS and command not in FEATURE_COMMANDS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if command in COMMANDS:
        chosen = [command]
    elif command in FEATURE_COMMANDS:
        _register_optional_commands([FEATURE_COMMANDS[command]])
        chosen = [command]
    else:
        _register_optional_commands()
        chosen = list(COMMANDS)
    for name in chosen:
        summary, (configure, run) = COMMANDS[name]
        command_parser = sub.add_parser(name, help=summary, description=summary)
        configure(command_parser)
        command_parser.set_defaults(run=run)
    return parser


def _check_database_option(args: argparse.Namespace, given: bool) -> None:
    """Refuse a --db whose folder is missing unless --create-folder asks for it.

    Raises:
        ValidationError: the path cannot name a notebook, or its folder is missing.
    """
    if "\x00" in str(args.db):
        raise ValidationError("--db: a file name cannot hold a NUL character")
    folder = Path(args.db).parent
    if given and not folder.exists():
        if not args.create_folder:
            raise ValidationError(
                f"--db: the folder {folder} does not exist; check the path, or add --create-folder to create it"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ValidationError(f"--db: cannot create the folder {folder} ({error.strerror})") from None


def resolve_account_option(args: argparse.Namespace) -> None:
    """Turn an --account given as a name into the account's id (an id is kept as it is).

    Every command with an --account option calls this before using it.

    Raises:
        ValidationError: no account has that id or name, or several have that name.
    """
    from fieldnotes.storage.read_only import name_key

    wanted = args.account
    if not wanted:
        return
    with _open_reader(args) as reader:
        accounts = reader.account_names()
    if any(account_id == wanted for account_id, _ in accounts):
        return
    key = name_key(wanted)
    found = [(account_id, name) for account_id, name in accounts if name_key(name) == key]
    if not found and key:
        found = [(account_id, name) for account_id, name in accounts if key in name_key(name)]
    if len(found) == 1:
        args.account = found[0][0]
        return
    if not found:
        raise ValidationError(f"--account: no account has the id or name {wanted!r}; see fieldnotes accounts")
    shown = "; ".join(f"{name} ({account_id})" for account_id, name in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    raise ValidationError(f"--account: {wanted!r} names {len(found)} accounts: {shown}{more}; give the id")


def _tolerate_undecodable_text() -> None:
    """Let names that are not valid UTF-8 (file names, arguments) be printed, not crash.

    Python hands such bytes over as lone surrogates; they are written escaped (`\\udcff`),
    as Python writes them in its own error messages.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Refuse text arguments holding bytes that are not UTF-8 (file names may hold them).

    Raises:
        ValidationError: naming the argument.
    """
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str):
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    shown = f"--{name.replace('_', '-')}" if name not in ("text", "visit_ids", "conflict_id") else name
                    raise ValidationError(f"{shown}: holds bytes that are not UTF-8 text") from None


def _one_line(message: str) -> str:
    """A message as one line: line breaks and other control characters a name brought in, escaped."""
    return "".join(
        character if character.isprintable() or character == " " else repr(character)[1:-1] for character in message
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerate_undecodable_text()
    # Opening the app needs only the global options: read those alone, so that start-up does
    # not import what the commands need (the storage layer, report and sync engines).
    launcher = argparse.ArgumentParser(prog="fieldnotes", add_help=False)
    _add_global_options(launcher)
    global_options, rest = launcher.parse_known_args(argv)
    if not rest:
        from fieldnotes.app import main as run_app

        return run_app(database=global_options.db, author=global_options.author)
    parser = build_parser(rest[0])
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("unknown arguments; see fieldnotes --help")
    db_given = args.db is not None
    if args.db is None:
        from fieldnotes.locations import default_database_path

        args.db = default_database_path()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        _check_text_arguments(args)
        _check_database_option(args, db_given)
        return args.run(args)
    except FieldnotesError as error:
        sys.stderr.write(f"fieldnotes: error: {_one_line(str(error))}\n")
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
