"""Spreadsheet (CSV) exports: the notebook as plain tables, or as HubSpot's and Salesforce's import files.

`fieldnotes export --csv FOLDER [--crm hubspot|salesforce]` and File › Export write here.
The plain tables take their columns from the declared record shape (`synced_fields` and
the finding kinds), so a field added to a record appears in them without a change here.
Values are written as stored (the values scripts can rely on, not the labels), in UTF-8
with a byte-order mark so that Excel shows accents, and every cell that a spreadsheet
would take for a formula is written as text (see `guarded`). `docs/csv-export.md`
describes every file and column.
"""

from __future__ import annotations

import csv
import html
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.model import (
    FINDING_KINDS,
    FINDING_KINDS_BY_KEY,
    GUIDE_SECTIONS,
    VISIT_TEXT_FIELDS,
    AccountKind,
    VisitKind,
)
from fieldnotes.domain.terms import TermIndex
from fieldnotes.storage import bulk, term_store
from fieldnotes.storage.database import Database
from fieldnotes.storage.schema import synced_fields

#: Called with (done, total) as work advances.
Progress = Callable[[int, int], None]

#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula
#: (OWASP's advice on CSV injection): such a cell is written with a leading single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: The encoding of every file: UTF-8 with a byte-order mark, which Excel needs to read UTF-8.
ENCODING = "utf-8-sig"

#: HubSpot keeps at most this many characters in a note's body.
HUBSPOT_NOTE_LIMIT = 65_536

#: Mail providers whose domain says nothing about the company a contact works for.
FREE_MAIL_DOMAINS = frozenset(
    "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com yahoo.fr ymail.com "
    "icloud.com me.com mac.com aol.com gmx.de gmx.net gmx.com web.de t-online.de orange.fr free.fr "
    "laposte.net wanadoo.fr sfr.fr proton.me protonmail.com mail.com yandex.ru mail.ru qq.com 163.com "
    "naver.com wp.pl o2.pl interia.pl libero.it virgilio.it".split()
)


class Crm(StrEnum):
    """The CRMs whose import files `--crm` writes."""

    HUBSPOT = "hubspot"
    SALESFORCE = "salesforce"


def guarded(text: str) -> str:
    """A cell's text as a spreadsheet shows it: prefixed with `'` when it would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: object) -> str:
    """A stored value as the text of a cell: booleans `true`/`false`, nothing for no value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Table:
    """One CSV file: its name, its header and its rows (each a list of cell texts)."""

    name: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def add(self, values: dict[str, object]) -> None:
        self.rows.append([cell(values.get(column)) for column in self.columns])


@dataclass(frozen=True)
class ExportSummary:
    """What a spreadsheet export wrote: the folder and each file with its number of rows."""

    folder: Path
    files: tuple[tuple[str, int], ...]

    def describe(self) -> str:
        listed = ", ".join(f"{name} ({rows:,} {'row' if rows == 1 else 'rows'})" for name, rows in self.files)
        return f"{listed} in {self.folder}"


# --- the notebook as read for export -------------------------------------------------------


@dataclass
class _Notebook:
    """Every record, as stored rows (dicts of column -> value), in a stable order."""

    accounts: list[dict[str, object]]
    contacts: list[dict[str, object]]
    visits: list[dict[str, object]]
    findings: list[dict[str, object]]
    themes: TermIndex

    def account_names(self) -> dict[object, object]:
        return {account["id"]: account["name"] for account in self.accounts}

    def visits_by_id(self) -> dict[object, dict[str, object]]:
        return {visit["id"]: visit for visit in self.visits}

    def findings_of(self, kind: str) -> Iterator[dict[str, object]]:
        return (finding for finding in self.findings if finding["kind"] == kind)


def _kind_order() -> dict[str, int]:
    return {kind.key: index for index, kind in enumerate(FINDING_KINDS)}


def _read(database: Database) -> _Notebook:
    with database.reading() as session:
        accounts = list(bulk.rows(session, "account", ("name", "id")))
        contacts = list(bulk.rows(session, "contact", ("account_id", "name", "id")))
        visits = list(bulk.rows(session, "visit", ("visited_on", "id")))
        findings = list(bulk.rows(session, "finding", ("visit_id", "kind", "position")))
        themes = term_store.term_index(session)
    # Findings follow their visits, and within a visit the interview's order of sections.
    visit_order = {visit["id"]: index for index, visit in enumerate(visits)}
    kind_order = _kind_order()
    findings.sort(key=lambda f: (visit_order.get(f["visit_id"], 0), kind_order.get(str(f["kind"]), 99),
                                 int(str(f["position"] or 0))))
    return _Notebook(accounts, contacts, visits, findings, themes)


# --- plain tables ----------------------------------------------------------------------------

#: The stamps every table ends with: when a record was created, last changed and by whom.
_STAMPS = list(bulk.STAMPS)


def _with_account_name(fields: Sequence[str]) -> list[str]:
    """Fields with `account_name` right after `account_id` (a name reads better than an id)."""
    columns: list[str] = []
    for name in fields:
        columns.append(name)
        if name == "account_id":
            columns.append("account_name")
    return columns


def plain_tables(notebook: _Notebook) -> list[Table]:
    """accounts, contacts, visits, findings and follow_ups, with columns from the record shape."""
    names = notebook.account_names()
    accounts = Table("accounts.csv", ["id", *synced_fields("account"), *_STAMPS])
    for account in notebook.accounts:
        accounts.add(account)
    contacts = Table("contacts.csv", ["id", *_with_account_name(synced_fields("contact")), *_STAMPS])
    for contact in notebook.contacts:
        contacts.add(contact | {"account_name": names.get(contact["account_id"])})
    visits = Table("visits.csv", ["id", *_with_account_name(synced_fields("visit")), *_STAMPS])
    for visit in notebook.visits:
        visits.add(visit | {"account_name": names.get(visit["account_id"])})
    # Theme ids are exact but mean nothing in a spreadsheet: their names follow them.
    finding_columns = [name for field in synced_fields("finding")
                       for name in ((field, "themes") if field == "theme_ids" else (field,))]
    findings = Table("findings.csv", ["id", *finding_columns, *_STAMPS])
    for finding in notebook.findings:
        theme_ids = json.loads(str(finding.get("theme_ids") or "[]"))
        findings.add(finding | {"themes": "; ".join(notebook.themes.names(theme_ids))})
    follow_up = FINDING_KINDS_BY_KEY["follow_up"]
    follow_ups = Table("follow_ups.csv", [
        "id", "visit_id", "visit_title", "visited_on", "account_id", "account_name", "text",
        *(spec.name for spec in follow_up.fields), *_STAMPS,
    ])
    by_visit = notebook.visits_by_id()
    for finding in notebook.findings_of(follow_up.key):
        visit = by_visit.get(finding["visit_id"], {})
        follow_ups.add(finding | {
            "visit_title": visit.get("title"), "visited_on": visit.get("visited_on"),
            "account_id": visit.get("account_id"), "account_name": names.get(visit.get("account_id")),
        })
    return [accounts, contacts, visits, findings, follow_ups]


# --- HubSpot ---------------------------------------------------------------------------------

#: Column headers of HubSpot's import files, as its import tool names the properties
#: (docs/csv-export.md cites the pages they come from).
HUBSPOT_COMPANY_COLUMNS = ["Company name", "Company Domain Name", "Description", "fieldnotes account id"]
HUBSPOT_CONTACT_COLUMNS = ["First Name", "Last Name", "Email", "Job Title", "Phone Number", "Company name",
                           "Company Domain Name", "fieldnotes contact id"]
HUBSPOT_NOTE_COLUMNS = ["Activity date", "Note body", "Company name", "Company Domain Name", "fieldnotes visit id"]
HUBSPOT_TASK_COLUMNS = ["Task Title", "Due date", "Task Status", "Task notes", "Company name", "Company Domain Name",
                        "fieldnotes follow-up id"]


def split_name(full_name: str) -> tuple[str, str]:
    """First and last name of a person known by one name: the last word is the last name."""
    words = full_name.split()
    if len(words) < 2:
        return "", full_name.strip()
    return " ".join(words[:-1]), words[-1]


def company_domains(notebook: _Notebook) -> dict[object, str]:
    """Each account's web domain, told by its contacts' work email addresses.

    An account's field named `domain` or `website` wins when the record has one; otherwise
    the domain most of its contacts' addresses share, leaving out free mail providers.
    """
    declared = next((name for name in ("domain", "website") if name in synced_fields("account")), None)
    domains: dict[object, str] = {}
    if declared is not None:
        for account in notebook.accounts:
            text = str(account.get(declared) or "").strip().lower()
            text = text.removeprefix("https://").removeprefix("http://").removeprefix("www.").split("/")[0]
            if text:
                domains[account["id"]] = text
    seen: dict[object, Counter[str]] = {}
    for contact in notebook.contacts:
        _, at, domain = str(contact["email"] or "").strip().lower().rpartition("@")
        if at and "." in domain and domain not in FREE_MAIL_DOMAINS:
            seen.setdefault(contact["account_id"], Counter())[domain] += 1
    for account_id, counter in seen.items():
        domains.setdefault(account_id, counter.most_common(1)[0][0])
    return domains


def _paragraphs(pairs: Iterable[tuple[str, str]]) -> str:
    """Labelled texts as HTML paragraphs (HubSpot shows a note's body as HTML): user text escaped."""
    return "".join(
        f"<p><strong>{html.escape(label)}</strong><br>{html.escape(text).replace(chr(10), '<br>')}</p>"
        for label, text in pairs if text.strip()
    )


def _finding_line(finding: dict[str, object]) -> str:
    kind = FINDING_KINDS_BY_KEY[str(finding["kind"])]
    details = []
    for spec in kind.fields:
        value = finding.get(spec.name)
        if value in (None, ""):
            continue
        if spec.choices is not None and str(value) in {member.value for member in spec.choices}:
            value = spec.choices(str(value)).label
        details.append(f"{spec.label}: {cell(value)}")
    return str(finding["text"]) + (f" ({'; '.join(details)})" if details else "")


def visit_note(visit: dict[str, object], findings: list[dict[str, object]]) -> str:
    """A visit as a note's text: its fields, then its findings section by section."""
    try:
        kind_label = VisitKind(str(visit["kind"])).label
    except ValueError:
        kind_label = str(visit["kind"])
    pairs = [("Visit", f"{kind_label}, {visit['visited_on']}")]
    pairs += [(label, str(visit.get(name) or "")) for name, label in VISIT_TEXT_FIELDS.items()]
    for kind in FINDING_KINDS:
        lines = [_finding_line(f) for f in findings if f["kind"] == kind.key]
        pairs.append((GUIDE_SECTIONS.get(kind.key, kind.title), "\n".join(f"• {line}" for line in lines)))
    body = _paragraphs(pairs)
    if len(body) > HUBSPOT_NOTE_LIMIT:
        marker = "<p>(cut here: the full visit is in fieldnotes)</p>"
        body = body[: HUBSPOT_NOTE_LIMIT - len(marker)] + marker
    return body


def hubspot_tables(notebook: _Notebook) -> list[Table]:
    """Companies, contacts, notes (one a visit) and tasks (one a follow-up) for HubSpot's import."""
    names = notebook.account_names()
    domains = company_domains(notebook)
    companies = Table("companies.csv", HUBSPOT_COMPANY_COLUMNS)
    for account in notebook.accounts:
        companies.add({"Company name": account["name"], "Company Domain Name": domains.get(account["id"]),
                       "Description": account["notes"], "fieldnotes account id": account["id"]})
    contacts = Table("contacts.csv", HUBSPOT_CONTACT_COLUMNS)
    for contact in notebook.contacts:
        first, last = split_name(str(contact["name"] or ""))
        contacts.add({"First Name": first, "Last Name": last, "Email": contact["email"], "Job Title": contact["role"],
                      "Phone Number": contact["phone"], "Company name": names.get(contact["account_id"]),
                      "Company Domain Name": domains.get(contact["account_id"]),
                      "fieldnotes contact id": contact["id"]})
    findings_by_visit: dict[object, list[dict[str, object]]] = {}
    for finding in notebook.findings:
        findings_by_visit.setdefault(finding["visit_id"], []).append(finding)
    notes = Table("notes.csv", HUBSPOT_NOTE_COLUMNS)
    for visit in notebook.visits:
        notes.add({"Activity date": _spreadsheet_date(visit["visited_on"]),
                   "Note body": visit_note(visit, findings_by_visit.get(visit["id"], [])),
                   "Company name": names.get(visit["account_id"]),
                   "Company Domain Name": domains.get(visit["account_id"]), "fieldnotes visit id": visit["id"]})
    tasks = Table("tasks.csv", HUBSPOT_TASK_COLUMNS)
    by_visit = notebook.visits_by_id()
    for finding in notebook.findings_of("follow_up"):
        visit = by_visit.get(finding["visit_id"], {})
        due = finding["due_on"] or visit.get("visited_on")
        tasks.add({"Task Title": finding["text"], "Due date": _spreadsheet_date(due),
                   "Task Status": "COMPLETED" if finding["done"] else "NOT_STARTED",
                   "Task notes": _task_notes(finding, visit),
                   "Company name": names.get(visit.get("account_id")),
                   "Company Domain Name": domains.get(visit.get("account_id")),
                   "fieldnotes follow-up id": finding["id"]})
    return [companies, contacts, notes, tasks]


def _spreadsheet_date(value: object) -> str:
    """A stored date or date-time as import tools read it: `2026-03-04` or `2026-03-04 10:30`."""
    return cell(value).replace("T", " ")


def _task_notes(finding: dict[str, object], visit: dict[str, object]) -> str:
    owner = str(finding.get("owner") or "")
    origin = f"From the visit “{visit.get('title') or '(untitled)'}” of {visit.get('visited_on', '')}."
    return (f"Owner: {owner}. " if owner else "") + origin


# --- Salesforce ------------------------------------------------------------------------------

#: The Data Import Wizard's labels for accounts and contacts ("Field Mapping for Other Data
#: Sources and Organization Import"), and Data Loader's Task fields (the API names).
SALESFORCE_ACCOUNT_COLUMNS = ["Account Name", "Account Number", "Type", "Account Description"]
SALESFORCE_CONTACT_COLUMNS = ["First Name", "Last Name", "Title", "Email", "Business Phone", "Account Name",
                              "Account Number", "Contact Description"]
SALESFORCE_TASK_COLUMNS = ["Subject", "ActivityDate", "Status", "Priority", "Description", "WhatId",
                           "Account Name", "Account Number"]

#: Account kinds as the Type values of a new Salesforce org.
SALESFORCE_ACCOUNT_TYPES: dict[str, str] = {
    AccountKind.CUSTOMER: "Customer - Direct",
    AccountKind.PROSPECT: "Prospect",
    AccountKind.CHANNEL_PARTNER: "Channel Partner / Reseller",
    AccountKind.END_USER: "Customer - Channel",
}


def _plain_text(visit: dict[str, object], findings: list[dict[str, object]]) -> str:
    try:
        kind_label = VisitKind(str(visit["kind"])).label
    except ValueError:
        kind_label = str(visit["kind"])
    parts = [f"{kind_label}, {visit['visited_on']}"]
    parts += [f"{label}: {visit.get(name)}" for name, label in VISIT_TEXT_FIELDS.items()
              if name != "title" and str(visit.get(name) or "").strip()]
    for kind in FINDING_KINDS:
        lines = [_finding_line(f) for f in findings if f["kind"] == kind.key]
        if lines:
            parts.append(GUIDE_SECTIONS.get(kind.key, kind.title) + ":\n" + "\n".join(f"- {line}" for line in lines))
    return "\n\n".join(parts)


def salesforce_tables(notebook: _Notebook) -> list[Table]:
    """Accounts and contacts for the Data Import Wizard; visits and follow-ups as Tasks for Data Loader."""
    names = notebook.account_names()
    accounts = Table("accounts.csv", SALESFORCE_ACCOUNT_COLUMNS)
    for account in notebook.accounts:
        accounts.add({"Account Name": account["name"], "Account Number": account["id"],
                      "Type": SALESFORCE_ACCOUNT_TYPES.get(str(account["kind"]), str(account["kind"])),
                      "Account Description": account["notes"]})
    contacts = Table("contacts.csv", SALESFORCE_CONTACT_COLUMNS)
    for contact in notebook.contacts:
        first, last = split_name(str(contact["name"] or ""))
        contacts.add({"First Name": first, "Last Name": last, "Title": contact["role"], "Email": contact["email"],
                      "Business Phone": contact["phone"], "Account Name": names.get(contact["account_id"]),
                      "Account Number": contact["account_id"], "Contact Description": ""})
    findings_by_visit: dict[object, list[dict[str, object]]] = {}
    for finding in notebook.findings:
        findings_by_visit.setdefault(finding["visit_id"], []).append(finding)
    visit_tasks = Table("visit_tasks.csv", SALESFORCE_TASK_COLUMNS)
    for visit in notebook.visits:
        visit_tasks.add({"Subject": visit["title"] or "(untitled visit)", "ActivityDate": str(visit["visited_on"])[:10],
                         "Status": "Completed", "Priority": "Normal",
                         "Description": _plain_text(visit, findings_by_visit.get(visit["id"], [])),
                         "Account Name": names.get(visit["account_id"]), "Account Number": visit["account_id"]})
    follow_up_tasks = Table("follow_up_tasks.csv", SALESFORCE_TASK_COLUMNS)
    by_visit = notebook.visits_by_id()
    for finding in notebook.findings_of("follow_up"):
        visit = by_visit.get(finding["visit_id"], {})
        follow_up_tasks.add({"Subject": finding["text"], "ActivityDate": finding["due_on"],
                             "Status": "Completed" if finding["done"] else "Not Started", "Priority": "Normal",
                             "Description": _task_notes(finding, visit),
                             "Account Name": names.get(visit.get("account_id")),
                             "Account Number": visit.get("account_id")})
    return [accounts, contacts, visit_tasks, follow_up_tasks]


# --- writing ---------------------------------------------------------------------------------


def check_folder(folder: Path) -> None:
    """Refuse a folder the files cannot go to, without creating anything.

    Raises:
        ValidationError: the path is a file, or neither it nor its parent folder exists.
    """
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"{folder}: is a file; name a folder for the CSV files")
    if not folder.is_dir() and not folder.parent.is_dir():
        raise ValidationError(f"{folder}: the folder {folder.parent} does not exist; create it first")


def prepare_folder(folder: Path) -> None:
    """Make sure `folder` can take the files: create it when its parent exists.

    Raises:
        ValidationError: the path is a file, its parent folder is missing, or it cannot be made.
    """
    check_folder(folder)
    if folder.is_dir():
        return
    try:
        folder.mkdir()
    except OSError as error:
        raise ValidationError(f"{folder}: cannot be created ({error.strerror})") from None


def write_tables(folder: Path, tables: list[Table], progress: Progress | None = None) -> ExportSummary:
    """Write each table as a CSV file in `folder`, all or none replacing files already there.

    Every file is first written beside its final name, and they replace the old files only
    once all are written, so a full disk never leaves half of an export.
    """
    prepare_folder(folder)
    written: list[tuple[Path, Path]] = []
    total = sum(len(table.rows) for table in tables) or 1
    done = 0
    try:
        for table in tables:
            target = folder / table.name
            partial = folder / f".{table.name}.partial"
            written.append((partial, target))
            with partial.open("w", encoding=ENCODING, newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(table.columns)
                for row in table.rows:
                    writer.writerow([guarded(text) for text in row])
                    done += 1
                    if progress is not None and done % 2000 == 0:
                        progress(done, total)
        for partial, target in written:
            partial.replace(target)
    except OSError as error:
        for partial, _target in written:
            partial.unlink(missing_ok=True)
        raise ValidationError(f"{folder}: the CSV files cannot be written ({error.strerror})") from None
    if progress is not None:
        progress(total, total)
    return ExportSummary(folder, tuple((table.name, len(table.rows)) for table in tables))


class Spreadsheets:
    """Export the notebook as CSV files: plain tables, or a CRM's import files."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def tables(self, crm: Crm | None = None) -> list[Table]:
        """The files an export writes, with their rows."""
        notebook = _read(self.database)
        if crm is Crm.HUBSPOT:
            return hubspot_tables(notebook)
        if crm is Crm.SALESFORCE:
            return salesforce_tables(notebook)
        return plain_tables(notebook)

    def export(self, folder: Path, crm: Crm | None = None, progress: Progress | None = None) -> ExportSummary:
        """Write the export into `folder` (created when its parent exists)."""
        prepare_folder(folder)
        return write_tables(folder, self.tables(crm), progress)

