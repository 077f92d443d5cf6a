"""The `fieldnotes report` command: one visit's report, or a summary across visits.

    fieldnotes report VISIT_ID -o visit.pdf
    fieldnotes report VISIT_ID --for-customer -o visit.pdf   (leaves out what is internal)
    fieldnotes report --account ACCOUNT -o account.pdf   (an account's id or name)
    fieldnotes report --from 2026-01-01 --to 2026-03-31 -o quarter.pdf
    fieldnotes report VISIT_ID VISIT_ID ... -o selection.pdf
    fieldnotes report --prep ACCOUNT -o prep.pdf   (one page to read before visiting an account)

ReportLab is loaded only when the command runs: the command line builds its parser on every
start and must stay quick.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.wording import counted

if TYPE_CHECKING:
    from fieldnotes.services.session import Services


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments on its sub-parser."""
    parser.add_argument("visit_ids", nargs="*", metavar="VISIT_ID",
                        help="one visit for its report; several for a summary of them")
    parser.add_argument("--account", metavar="ACCOUNT",
                        help="summarise every visit to this account: its id or its name")
    parser.add_argument("--prep", metavar="ACCOUNT",
                        help="the prep sheet of an account (its id or name): people, buying centre, next step, "
                             "open follow-ups, needs, objections, competitors and what they do not know we offer")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="summarise visits on or after this date")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="summarise visits on or before this date")
    parser.add_argument("--summary", action="store_true", help="make a summary even of a single visit")
    parser.add_argument("--title", help="title of a summary (default: made up from the visits)")
    parser.add_argument("--for-customer", action="store_true",
                        help="the visit report to give the customer: leaves out internal notes, competitors, "
                             "answers to objections, the buying centre, awareness and follow-ups, and says so")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf",
                        help="the PDF file to write (replaced only once the report is complete)")


def _filtered_visit_ids(services: Services, args: argparse.Namespace) -> list[str]:
    from fieldnotes.domain.model import normalize_date
    from fieldnotes.storage.search_index import VisitQuery

    date_from = normalize_date(args.date_from, "--from")
    date_to = normalize_date(args.date_to, "--to")
    if date_from and date_to and date_from > date_to:
        raise ValidationError(f"--from {date_from} is after --to {date_to}")
    if args.account:
        from fieldnotes.cli import resolve_account_option

        resolve_account_option(args)  # an id or a name; an unknown account is an error, not an empty report
    pks = services.search.find(VisitQuery(account_id=args.account, date_from=date_from, date_to=date_to))
    if not pks:
        raise ValidationError("no visit matches; nothing to report")
    return [row.id for row in services.search.rows(pks)]


def run(args: argparse.Namespace) -> int:
    """Write the report the arguments ask for; returns the exit code."""
    from fieldnotes.cli import _open_services
    from fieldnotes.services.reports import write_summary_report, write_visit_report

    if args.prep is not None:
        return _run_prep(args)
    filtered = bool(args.account or args.date_from or args.date_to)
    if filtered and args.visit_ids:
        raise ValidationError("give visit ids or --account/--from/--to, not both")
    if not filtered and not args.visit_ids:
        raise ValidationError("name a visit, or choose visits with --account, --from and --to")
    if args.output.suffix.lower() != ".pdf":
        raise ValidationError(f"{args.output}: the report is a PDF; name the file with .pdf")
    one_visit = len(args.visit_ids) == 1 and not args.summary and not filtered
    if args.for_customer and not one_visit:
        raise ValidationError("--for-customer makes the report of one visit; name that one visit (no summary)")
    services = _open_services(args)
    try:
        branding = services.team.branding()
        if branding.problem:
            sys.stderr.write(f"fieldnotes: {branding.problem}\n")
        if one_visit:
            written = write_visit_report(services, args.visit_ids[0], args.output, for_customer=args.for_customer,
                                         branding=branding)
            version = "customer version of the report" if args.for_customer else "report"
            message = f"wrote the {version} of visit {args.visit_ids[0]} to {written}"
        else:
            visit_ids = _filtered_visit_ids(services, args) if filtered else list(dict.fromkeys(args.visit_ids))
            written = write_summary_report(services, visit_ids, args.output, title=args.title, branding=branding)
            message = f"wrote a summary of {counted(len(visit_ids), 'visit')} to {written}"
    finally:
        services.close()
    sys.stdout.write(message + "\n")
    return 0


def _run_prep(args: argparse.Namespace) -> int:
    """Write the prep sheet of the account `--prep` names."""
    from fieldnotes.cli import _open_services, resolve_account_option
    from fieldnotes.services.reports import write_prep_sheet

    others = [option for option, given in (("VISIT_ID", args.visit_ids), ("--account", args.account),
                                           ("--from", args.date_from), ("--to", args.date_to),
                                           ("--summary", args.summary), ("--title", args.title),
                                           ("--for-customer", args.for_customer)) if given]
    if others:
        raise ValidationError(f"--prep makes the prep sheet of one account; leave out {', '.join(others)}")
    if not args.prep.strip():
        raise ValidationError("--prep: name the account (its id or a part of its name)")
    if args.output.suffix.lower() != ".pdf":
        raise ValidationError(f"{args.output}: the prep sheet is a PDF; name the file with .pdf")
    resolve_account_option(args, "prep", "--prep")
    services = _open_services(args)
    try:
        branding = services.team.branding()
        if branding.problem:
            sys.stderr.write(f"fieldnotes: {branding.problem}\n")
        account_name = services.notebook.account(args.prep).name
        written = write_prep_sheet(services, args.prep, args.output, branding=branding)
    finally:
        services.close()
    sys.stdout.write(f"wrote the prep sheet of {account_name} to {written}\n")
    return 0


COMMANDS = {
    "report": ("write a PDF report of a visit, or a summary across visits", (configure_parser, run)),
}
