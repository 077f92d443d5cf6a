"""The `fieldnotes insights` command: what the visits say together, as text or JSON.

    fieldnotes insights [--account ACCOUNT] [--from DATE] [--to DATE] [--json]

It reads through the light path (`storage.read_only`, no SQLAlchemy) and counts with
`services.insights.compute_insights`, as the app's Insights view and the summary report do.
The JSON holds the figures without the ids of the findings behind them (the app clicks
through those); findings without a theme count under `"theme": null`.
"""

from __future__ import annotations

import argparse
import sys

from fieldnotes.domain.insights import Insights, InsightScope
from fieldnotes.domain.wording import counted

#: How many lines of each list the text summary shows (the JSON holds them all).
_SHOWN = 8


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options on its sub-parser."""
    parser.add_argument("--account", metavar="ACCOUNT", help="only visits to this account: its id or its name")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="only visits on or after this date")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="only visits on or before this date")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON, for scripts")


def as_json(insights: Insights) -> dict:
    """The figures as the command prints them with --json."""
    scope = insights.scope
    return {
        "scope": {"account_id": scope.account_id, "from": scope.date_from, "to": scope.date_to},
        "visits": insights.visits,
        "accounts": insights.accounts,
        "needs": [{"theme": f.theme, "theme_id": f.theme_id, "findings": f.findings, "visits": f.visits,
                   "accounts": f.accounts, "max_severity": f.max_severity, "by_month": dict(f.by_month)}
                  for f in insights.needs],
        "objections": [{"theme": f.theme, "theme_id": f.theme_id, "findings": f.findings, "visits": f.visits,
                        "accounts": f.accounts, "answers": list(f.answers), "answer_count": f.answer_count}
                       for f in insights.objections],
        "values": [{"theme": f.theme, "theme_id": f.theme_id, "value_kind": f.value_kind, "findings": f.findings,
                    "visits": f.visits, "accounts": f.accounts} for f in insights.values],
        "sources": [{"channel": f.channel, "today": f.today, "preferred": f.preferred,
                     "by_role": [{"buying_role": role, "today": today, "preferred": preferred}
                                 for role, today, preferred in f.by_role]} for f in insights.sources],
        "competitors": [{"name": f.name, "moves": f.moves, "visits": f.visits, "last_seen": f.last_seen,
                         "highest_threat": f.highest_threat, "new_this_period": f.new_this_period,
                         "by_month": dict(f.by_month)} for f in insights.competitors],
        "offerings": [{"name": f.name, "aware_accounts": f.aware_accounts, "unaware_accounts": f.unaware_accounts,
                       "unaware_account_names": list(f.unaware_account_names)} for f in insights.offerings],
        "follow_ups": {"open": insights.follow_ups.open, "overdue": insights.follow_ups.overdue,
                       "done": insights.follow_ups.done},
    }


def _theme(theme: str | None) -> str:
    return theme if theme is not None else "(no theme)"


def _more(total: int) -> list[str]:
    return [f"  … and {total - _SHOWN} more"] if total > _SHOWN else []


def as_text(insights: Insights) -> list[str]:
    """A summary a person reads at the terminal: each list's first lines, most heard first."""
    from fieldnotes.domain.model import InformationChannel

    lines = [f"{counted(insights.visits, 'visit')} to {counted(insights.accounts, 'account')}"]
    if insights.needs:
        lines += ["", "Needs, by theme (most visits first):"]
        width = max(len(_theme(f.theme)) for f in insights.needs[:_SHOWN])
        lines += [f"  {_theme(f.theme).ljust(width)}  {counted(f.visits, 'visit')}, {counted(f.accounts, 'account')}, "
                  f"severity up to {f.max_severity}" for f in insights.needs[:_SHOWN]]
        lines += _more(len(insights.needs))
    if insights.objections:
        lines += ["", "Objections, by theme, with the answer heard most:"]
        for objection in insights.objections[:_SHOWN]:
            lines.append(f"  {_theme(objection.theme)}: {counted(objection.findings, 'objection')}")
            if objection.answers:
                lines.append(f"    answer: {' '.join(objection.answers[0].split())}")
        lines += _more(len(insights.objections))
    if insights.competitors:
        lines += ["", "Competitors (most moves first):"]
        for competitor in insights.competitors[:_SHOWN]:
            new = ", new this period" if competitor.new_this_period else ""
            threat = f", threat up to {competitor.highest_threat}" if competitor.highest_threat else ""
            lines.append(f"  {competitor.name}: {counted(competitor.moves, 'move')} in "
                         f"{counted(competitor.visits, 'visit')}, last seen {competitor.last_seen or '-'}{threat}{new}")
        lines += _more(len(insights.competitors))
    if insights.offerings:
        lines += ["", "Offerings (accounts that did not know them first):"]
        for offering in insights.offerings[:_SHOWN]:
            names = ", ".join(offering.unaware_account_names[:3]) + (" …" if offering.unaware_accounts > 3 else "")
            lines.append(f"  {offering.name}: {offering.unaware_accounts} unaware, {offering.aware_accounts} aware"
                         + (f" (unaware: {names})" if names else ""))
        lines += _more(len(insights.offerings))
    if insights.sources:
        lines += ["", "Information channels (used today / preferred):"]
        for source in insights.sources[:_SHOWN]:
            try:
                label = InformationChannel(source.channel).label
            except ValueError:
                label = source.channel
            lines.append(f"  {label}: {source.today} / {source.preferred}")
    follow_ups = insights.follow_ups
    lines += ["", f"Follow-ups: {follow_ups.open} open ({follow_ups.overdue} overdue), {follow_ups.done} done"]
    return lines


def run(args: argparse.Namespace) -> int:
    """Print the figures the options ask for; returns the exit code."""
    from fieldnotes.cli import EXIT_OK, _note, _open_reader, _print, _print_json, resolve_account_option
    from fieldnotes.domain.errors import ValidationError
    from fieldnotes.domain.model import normalize_date
    from fieldnotes.services.insights import compute_insights

    date_from = normalize_date(args.date_from, "--from")
    date_to = normalize_date(args.date_to, "--to")
    if date_from and date_to and date_from > date_to:
        raise ValidationError(f"--from {date_from} is after --to {date_to}")
    resolve_account_option(args)
    scope = InsightScope(account_id=args.account or None, date_from=date_from, date_to=date_to)
    with _open_reader(args) as reader:
        insights = compute_insights(reader.connection(), scope)
    if args.json:
        _print_json(as_json(insights))
    else:
        for line in as_text(insights):
            _print(line)
    if not insights.visits:
        _note("no visits match" if (args.account or date_from or date_to) else "no visits yet")
    sys.stdout.flush()
    return EXIT_OK


COMMANDS = {
    "insights": ("what the visits say together: needs and objections by theme, competitors, offerings, follow-ups",
                 (configure_parser, run)),
}
