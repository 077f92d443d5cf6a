"""The JSON interchange format: export everything, import all-or-nothing keeping ids.

The format is described by `resources/schema/fieldnotes-v1.schema.json` and documented in
`docs/json-format.md`. Import validates the whole file against that schema (with
jsonschema-rs: the pure-Python jsonschema took 1.6 ms a visit, twice the cost of writing
it), then checks what a schema cannot (dates, references between records, duplicate ids),
and only then writes, in one transaction with bulk statements. A record whose id exists
is updated as an edit; a visit's findings and an account's contacts become exactly the file's lists.
"""

from __future__ import annotations

import json
import logging
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import select, update

from fieldnotes.domain.clock import utc_now_text
from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.model import FINDING_KINDS, normalize_date, normalize_visited_on
from fieldnotes.resources import resource_path
from fieldnotes.services.changes import Change
from fieldnotes.storage import search_index
from fieldnotes.storage.database import Database
from fieldnotes.storage.records import FINDING_ATTRIBUTE_COLUMNS
from fieldnotes.storage.schema import (
    AccountRecord,
    ContactRecord,
    FindingRecord,
    GuidePromptRecord,
    GuideRecord,
    VisitRecord,
)

log = logging.getLogger(__name__)

FORMAT_NAME = "fieldnotes"
FORMAT_VERSION = 1
SCHEMA_FILE = "fieldnotes-v1.schema.json"
_STAMPS = ("created_at", "updated_at", "updated_by")
_VISIT_FIELDS = (
    "account_id", "title", "kind", "visited_on", "salesperson", "attendees", "objective",
    "summary", "notes", "next_step", "guide_id",
)

#: Called with (done, total) as work advances; raising OperationCancelled stops it.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportSummary:
    accounts: int
    contacts: int
    visits: int
    findings: int
    guides: int
    change: Change

    def describe(self) -> str:
        text = (
            f"{self.visits} visit(s) with {self.findings} finding(s), {self.accounts} account(s) "
            f"with {self.contacts} contact(s)"
        )
        return text + (f", {self.guides} guide(s)" if self.guides else "")


@cache
def _validator():
    import jsonschema_rs

    schema = json.loads(resource_path("schema", SCHEMA_FILE).read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _schema_message(error) -> str:
    """The validator's message, with every allowed value spelled out for a closed list."""
    options = getattr(error.kind, "options", None)
    if type(error.kind).__name__ == "Enum" and isinstance(options, list):
        return f"{json.dumps(error.instance, ensure_ascii=False)} is not one of {', '.join(map(str, options))}"
    return error.message


def _json_path(parts: Iterable[object]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def read_document(path: Path) -> dict:
    """Read and validate an interchange file; raise ValidationError naming what and where."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file") from None
    except OSError as error:
        raise ValidationError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ValidationError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise ValidationError(f"{path}: line {error.lineno} column {error.colno}: malformed JSON ({error.msg})") from None
    validate_document(document, str(path))
    return document


def validate_document(document: object, source: str) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ValidationError(f"{source}: not a fieldnotes export (\"format\": \"fieldnotes\" is missing)")
    version = document.get("version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise ValidationError(
            f"{source}: written by a newer fieldnotes (format version {version}); update fieldnotes to import it"
        )
    import jsonschema_rs

    try:
        _validator().validate(document)
    except jsonschema_rs.ValidationError as error:
        raise ValidationError(f"{source}: {_json_path(error.instance_path)}: {_schema_message(error)}") from None
    _check_values(document, source)


def _check_values(document: dict, source: str) -> None:
    """Rules a JSON Schema cannot state: real dates, unique ids, references that resolve."""
    seen: dict[str, str] = {}

    def unique(record_id: str, where: str) -> None:
        if record_id in seen:
            raise ValidationError(f"{source}: {where}.id: {record_id} is used twice (also at {seen[record_id]})")
        seen[record_id] = where

    for a_index, account in enumerate(document["accounts"]):
        unique(account["id"], f"accounts[{a_index}]")
        for c_index, contact in enumerate(account["contacts"]):
            unique(contact["id"], f"accounts[{a_index}].contacts[{c_index}]")
    for g_index, guide in enumerate(document.get("guides", [])):
        unique(guide["id"], f"guides[{g_index}]")
        for p_index, prompt in enumerate(guide["prompts"]):
            unique(prompt["id"], f"guides[{g_index}].prompts[{p_index}]")
    for v_index, visit in enumerate(document["visits"]):
        where = f"visits[{v_index}]"
        unique(visit["id"], where)
        visit["visited_on"] = normalize_visited_on(visit["visited_on"], f"{source}: {where}.visited_on")
        for kind in FINDING_KINDS:
            for f_index, finding in enumerate(visit.get(kind.json_key, [])):
                unique(finding["id"], f"{where}.{kind.json_key}[{f_index}]")
                if "due_on" in finding:
                    finding["due_on"] = normalize_date(
                        finding["due_on"], f"{source}: {where}.{kind.json_key}[{f_index}].due_on"
                    )


class Interchange:
    """Export to and import from the JSON interchange format."""

    def __init__(self, database: Database, author: str) -> None:
        self.database = database
        self.author = author

    # --- export --------------------------------------------------------------------

    def export_document(self, progress: Progress | None = None) -> dict:
        """Everything in the database as one interchange document."""
        with self.database.reading() as session:
            accounts = [
                self._row(record, ("id", "name", "kind", "notes")) | {"contacts": []}
                for record in session.scalars(select(AccountRecord).order_by(AccountRecord.name, AccountRecord.id))
            ]
            by_account = {a["id"]: a for a in accounts}
            for contact in session.scalars(select(ContactRecord).order_by(ContactRecord.name, ContactRecord.id)):
                by_account[contact.account_id]["contacts"].append(
                    self._row(contact, ("id", "name", "role", "buying_role", "follow_up", "email", "phone"))
                )
            guides = []
            for guide in session.scalars(select(GuideRecord).order_by(GuideRecord.name, GuideRecord.id)):
                guides.append(
                    self._row(guide, ("id", "name"))
                    | {"prompts": [self._row(p, ("id", "section", "text")) for p in guide.prompts]}
                )
            visit_rows = session.execute(
                select(VisitRecord.__table__).order_by(VisitRecord.visited_on, VisitRecord.id)
            ).mappings().all()
            visits: list[dict] = []
            by_visit: dict[str, dict] = {}
            for row in visit_rows:
                visit = {"id": row["id"], **{name: row[name] for name in _VISIT_FIELDS}}
                visit["covered_prompts"] = json.loads(row["covered_prompts"] or "[]")
                for kind in FINDING_KINDS:
                    visit[kind.json_key] = []
                visit.update({name: row[name] for name in _STAMPS})
                visits.append(visit)
                by_visit[row["id"]] = visit
            json_key = {kind.key: kind for kind in FINDING_KINDS}
            finding_rows = session.execute(
                select(FindingRecord.__table__).order_by(FindingRecord.visit_id, FindingRecord.kind, FindingRecord.position)
            ).mappings()
            for done, row in enumerate(finding_rows):
                kind = json_key[row["kind"]]
                item = {"id": row["id"], "text": row["text"]}
                for spec in kind.fields:
                    value = row[spec.name]
                    item[spec.name] = spec.default if value is None else value
                item.update({name: row[name] for name in _STAMPS})
                by_visit[row["visit_id"]][kind.json_key].append(item)
                if progress is not None and done % 5000 == 0:
                    progress(done, 0)
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "exported_at": utc_now_text(),
            "accounts": accounts,
            "guides": guides,
            "visits": visits,
        }

    @staticmethod
    def _row(record: object, names: tuple[str, ...]) -> dict:
        return {name: getattr(record, name) for name in (*names, *_STAMPS)}

    def export_file(self, path: Path, progress: Progress | None = None) -> int:
        """Write everything to `path` (atomically: a partial file never replaces a good one)."""
        document = self.export_document(progress)
        temporary = path.with_name(f".{path.name}.partial")
        try:
            with temporary.open("w", encoding="utf-8") as stream:
                json.dump(document, stream, ensure_ascii=False, indent=1)
                stream.write("\n")
            temporary.replace(path)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise ValidationError(f"{path}: cannot be written ({error.strerror})") from None
        return len(document["visits"])

    # --- import --------------------------------------------------------------------

    def import_file(self, path: Path, progress: Progress | None = None) -> ImportSummary:
        return self.import_document(read_document(path), str(path), progress)

    def import_document(self, document: dict, source: str = "import", progress: Progress | None = None,
                        validated: bool = True) -> ImportSummary:
        """Write a validated document in one transaction; nothing is written if anything fails."""
        if not validated:
            validate_document(document, source)
        now = utc_now_text()

        def stamps(item: dict) -> dict:
            return {
                "created_at": item.get("created_at") or now,
                "updated_at": item.get("updated_at") or now,
                "updated_by": item.get("updated_by") or self.author,
            }

        def report(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)

        accounts = document["accounts"]
        visits = document["visits"]
        guides = document.get("guides", [])
        total_steps = len(visits) + 3
        report(0, total_steps)
        with self.database.writing() as session:
            known_accounts = set(session.scalars(select(AccountRecord.id)))
            file_accounts = {a["id"] for a in accounts}
            for index, visit in enumerate(visits):
                account_id = visit["account_id"]
                if account_id is not None and account_id not in file_accounts and account_id not in known_accounts:
                    raise ValidationError(f"{source}: visits[{index}].account_id: no account with id {account_id}")

            account_rows = [
                {"id": a["id"], "name": a["name"], "kind": a["kind"], "notes": a.get("notes", ""), **stamps(a)}
                for a in accounts
            ]
            contact_rows = [
                {
                    "id": c["id"], "account_id": a["id"], "name": c["name"], "role": c["role"],
                    "buying_role": c.get("buying_role", "unknown"), "follow_up": c.get("follow_up", "unknown"),
                    "email": c.get("email", ""), "phone": c.get("phone", ""), **stamps(c),
                }
                for a in accounts for c in a["contacts"]
            ]
            self._upsert(session, AccountRecord, account_rows, known_accounts, now)
            self._replace_children(session, ContactRecord, ContactRecord.account_id, file_accounts, contact_rows)
            report(1, total_steps)

            guide_rows = [{"id": g["id"], "name": g["name"], **stamps(g)} for g in guides]
            prompt_rows = [
                {"id": p["id"], "guide_id": g["id"], "section": p["section"], "text": p["text"], "position": i, **stamps(p)}
                for g in guides for i, p in enumerate(g["prompts"])
            ]
            known_guides = set(session.scalars(select(GuideRecord.id)))
            self._upsert(session, GuideRecord, guide_rows, known_guides, now)
            self._replace_children(session, GuidePromptRecord, GuidePromptRecord.guide_id,
                                   {g["id"] for g in guides}, prompt_rows)
            all_guides = known_guides | {g["id"] for g in guides}
            report(2, total_steps)

            visit_ids = [v["id"] for v in visits]
            known_visits = self._existing(session, VisitRecord, visit_ids)
            visit_rows = []
            finding_rows = []
            for index, visit in enumerate(visits):
                row = {
                    "id": visit["id"],
                    **{name: visit.get(name, "") for name in _VISIT_FIELDS},
                    "covered_prompts": json.dumps(visit.get("covered_prompts", [])),
                    **stamps(visit),
                }
                row["guide_id"] = visit.get("guide_id") if visit.get("guide_id") in all_guides else None
                visit_rows.append(row)
                for kind in FINDING_KINDS:
                    for position, item in enumerate(visit.get(kind.json_key, [])):
                        finding = dict.fromkeys(FINDING_ATTRIBUTE_COLUMNS)
                        for spec in kind.fields:
                            finding[spec.name] = item.get(spec.name, spec.default)
                        finding.update(
                            id=item["id"], visit_id=visit["id"], kind=kind.key, position=position,
                            text=item["text"], **stamps(item),
                        )
                        finding_rows.append(finding)
                if index % 1000 == 999:
                    report(3 + index, total_steps)
            # A finding id may move between visits in a file; clear every id the file names first.
            self._delete_ids(session, FindingRecord, [f["id"] for f in finding_rows])
            self._upsert(session, VisitRecord, visit_rows, known_visits, now)
            self._replace_children(session, FindingRecord, FindingRecord.visit_id, set(visit_ids), finding_rows)
            search_index.reindex_visits(session, visit_ids)
            report(total_steps, total_steps)
        return ImportSummary(
            accounts=len(account_rows), contacts=len(contact_rows), visits=len(visit_rows),
            findings=len(finding_rows), guides=len(guide_rows), change=Change.everything(),
        )

    @staticmethod
    def _existing(session, record_type, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update(session.scalars(select(record_type.id).where(record_type.id.in_(chunk))))
        return found

    def _upsert(self, session, record_type, rows: list[dict], existing: set[str], now: str) -> None:
        table = record_type.__table__
        new_rows = [row for row in rows if row["id"] not in existing]
        changed_rows = [row for row in rows if row["id"] in existing]
        _insert_rows(session, table, new_rows)
        if changed_rows:
            key = table.c.id
            for row in changed_rows:
                values = {k: v for k, v in row.items() if k not in ("id", "created_at")}
                values.update(updated_at=now, updated_by=self.author)
                session.execute(update(table).where(key == row["id"]).values(**values))

    @staticmethod
    def _delete_ids(session, record_type, ids: list[str]) -> None:
        _delete_where_in(session, record_type.__table__.name, "id", ids)

    @staticmethod
    def _replace_children(session, record_type, parent_column, parent_ids: set[str], rows: list[dict]) -> None:
        table = record_type.__table__
        _delete_where_in(session, table.name, parent_column.key, list(parent_ids))
        _insert_rows(session, table, rows)


# SQLAlchemy's bulk insert() spends about as long building parameters as SQLite spends
# writing the rows; these statements go to the driver directly, in the same transaction.


def _insert_rows(session, table, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{column}"' for column in columns)
    statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    session.connection().exec_driver_sql(statement, list(map(operator.itemgetter(*columns), rows)))


def _delete_where_in(session, table_name: str, column: str, values: list[str]) -> None:
    connection = session.connection()
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        connection.exec_driver_sql(
            f'DELETE FROM "{table_name}" WHERE "{column}" IN ({", ".join("?" * len(chunk))})', tuple(chunk)
        )
