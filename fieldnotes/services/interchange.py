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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldnotes.domain.clock import utc_now_text
from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.limits import MAX_AUTHOR_CHARS, MAX_LIST_ITEMS, MAX_TEXT_CHARS
from fieldnotes.domain.model import (
    FINDING_KINDS,
    FINDING_KINDS_BY_KEY,
    FindingKind,
    new_id,
    normalize_date,
    normalize_visited_on,
)
from fieldnotes.domain.terms import Term, TermIndex, TermList, normalized_name
from fieldnotes.domain.wording import counted
from fieldnotes.resources import resource_path
from fieldnotes.services.changes import Change
from fieldnotes.services.guides import SHIPPED_GUIDE_STAMP
from fieldnotes.services.signature import Signature
from fieldnotes.services.text_files import read_utf8_text
from fieldnotes.storage import bulk, term_store
from fieldnotes.storage.database import Database, WriteSession
from fieldnotes.storage.records import FINDING_ATTRIBUTE_COLUMNS
from fieldnotes.storage.schema import field_defaults, json_list_fields, synced_fields
from fieldnotes.storage.stamp import Stamp

if TYPE_CHECKING:
    import jsonschema_rs

log = logging.getLogger(__name__)

FORMAT_NAME = "fieldnotes"
FORMAT_VERSION = 1
SCHEMA_FILE = "fieldnotes-v1.schema.json"

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
            f"{counted(self.visits, 'visit')} with {counted(self.findings, 'finding')}, "
            f"{counted(self.accounts, 'account')} "
            f"with {counted(self.contacts, 'contact')}"
        )
        return text + (f", {counted(self.guides, 'guide')}" if self.guides else "")


@cache
def _validator() -> jsonschema_rs.Validator:
    import jsonschema_rs

    schema = json.loads(resource_path("schema", SCHEMA_FILE).read_text(encoding="utf-8"))
    limited: dict = with_size_limits(schema)  # type: ignore[assignment]  # a dict stays a dict
    return jsonschema_rs.validator_for(limited, validate_formats=True)


def with_size_limits(node: object, name: str = "") -> object:
    """The schema with the domain's size limits (`fieldnotes.domain.limits`) on every text and list.

    The limits are declared once, in the domain; the schema file states shapes, and the
    sizes are added here so that they can never differ from what the app and sync accept.
    """
    if isinstance(node, list):
        return [with_size_limits(item) for item in node]
    if not isinstance(node, dict):
        return node
    limited = {key: with_size_limits(value, key) if key != "properties" else
               {prop: with_size_limits(sub, prop) for prop, sub in value.items()}
               for key, value in node.items()}
    if limited.get("type") == "string" and "maxLength" not in limited:
        limited["maxLength"] = MAX_AUTHOR_CHARS if name == "updated_by" else MAX_TEXT_CHARS
    if limited.get("type") == "array" and name in _LISTS_OF_NAMES_OR_IDS and "maxItems" not in limited:
        limited["maxItems"] = MAX_LIST_ITEMS
    return limited


#: Lists inside a record (as opposed to the file's lists of records), held to the domain's limit.
_LISTS_OF_NAMES_OR_IDS = frozenset({"covered_prompts", "attendee_ids", "themes"})


def _schema_message(error: jsonschema_rs.ValidationError) -> str:
    """The validator's message, with every allowed value spelled out for a closed list.

    A value over a size limit is described by its size, never quoted (it may be a
    million characters long).
    """
    options = getattr(error.kind, "options", None)
    kind = type(error.kind).__name__
    if kind == "Enum" and isinstance(options, list):
        return f"{json.dumps(error.instance, ensure_ascii=False)} is not one of {', '.join(map(str, options))}"
    limit = getattr(error.kind, "limit", None)
    if kind == "MaxLength" and isinstance(error.instance, str):
        return f"{len(error.instance):,} characters is too long (at most {limit:,})"
    if kind == "MaxItems" and isinstance(error.instance, list):
        return f"{len(error.instance):,} items is too many (at most {limit:,})"
    return error.message


def _json_path(parts: Iterable[object]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def read_document(path: Path) -> dict:
    """Read and validate an interchange file; raise ValidationError naming what and where."""
    document = parse_json_text(read_utf8_text(path), str(path))
    validate_document(document, str(path))
    return document


#: Longest run of digits accepted in a JSON number: no value fieldnotes stores comes near
#: it, and Python refuses to convert integers of more than 4,300 digits at all.
MAX_NUMBER_DIGITS = 40
#: Deepest nesting of arrays and objects accepted: a fieldnotes file nests about five
#: levels; the JSON parser itself gives up somewhere under a thousand.
MAX_NESTING = 64


class _RefusedNumber(ValueError):
    """A number in the JSON text that no field could hold; raised from the parser's hooks."""


def _parsed_integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _RefusedNumber(f"a number of {len(digits.lstrip('-'))} digits")
    return int(digits)


def _parsed_float(digits: str) -> float:
    value = float(digits)
    if len(digits) > MAX_NUMBER_DIGITS * 2 or value in (float("inf"), float("-inf")):
        raise _RefusedNumber(f"the number {digits[:20]}{'…' if len(digits) > 20 else ''}")
    return value


def _refused_constant(name: str) -> float:
    raise _RefusedNumber(f"{name}, which is not a JSON number")


#: A JSON escape of half a surrogate pair: the only way text that is not characters gets
#: into a file that decoded as UTF-8.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _children(item: object) -> list[tuple[str, object]]:
    """The members of a JSON container with their steps in a path (`.key`, `[index]`)."""
    if isinstance(item, dict):
        return [(f".{key}", child) for key, child in item.items()]
    if isinstance(item, list):
        return [(f"[{index}]", child) for index, child in enumerate(item)]
    return []


def _first_offence(value: object, offends: Callable[[object, int], bool]) -> tuple[str, object] | None:
    """The path and value of the first value (depth first) that `offends(value, depth)`, or None."""
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        item, where, depth = stack.pop()
        if offends(item, depth):
            return where.lstrip(".") or "(top level)", item
        stack.extend((child, where + step, depth + 1) for step, child in reversed(_children(item)))
    return None


def _lone_surrogate_in(item: object) -> str | None:
    """The first lone surrogate in a string (or in a dict's keys), or None."""
    texts = [item] if isinstance(item, str) else list(item) if isinstance(item, dict) else []
    for text in texts:
        if isinstance(text, str):
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as error:
                return text[error.start]
    return None


def _check_text_and_depth(value: object, source: str, may_hold_surrogates: bool) -> None:
    """Refuse text that cannot be stored (lone surrogates) and nesting no file needs.

    The common case costs one pass over the containers; paths are worked out only for a
    file that is refused. Strings are looked at only when the file escapes a surrogate.
    """
    level: list[object] = [value]
    for _depth in range(MAX_NESTING + 1):
        level = [child for item in level if isinstance(item, (dict, list))
                 for child in (item.values() if isinstance(item, dict) else item) if isinstance(child, (dict, list))]
        if not level:
            break
    else:
        too_deep = _first_offence(value, lambda item, depth: depth >= MAX_NESTING and isinstance(item, (dict, list)))
        raise ValidationError(f"{source}: {too_deep[0] if too_deep else '(top level)'}: "
                              f"nested deeper than {MAX_NESTING} levels")
    if may_hold_surrogates:
        found = _first_offence(value, lambda item, _depth: _lone_surrogate_in(item) is not None)
        if found is not None:
            where, item = found
            raise ValidationError(f"{source}: {where}: holds \\u{ord(_lone_surrogate_in(item) or '?'):04x}, "
                                  "half of a character pair without its other half")


def parse_json_text(text: str, source: str) -> Any:
    """Parse the JSON text of an interchange file, refusing what no fieldnotes file holds.

    Beyond malformed JSON: numbers longer than `MAX_NUMBER_DIGITS` digits, infinite or
    `NaN` numbers, text with a lone surrogate (an escape such as `\\ud800`, which is not a
    character and cannot be stored) and nesting deeper than `MAX_NESTING` levels.

    Raises:
        ValidationError: naming `source` and what is wrong in one line.
    """
    try:
        document = json.loads(
            text, parse_int=_parsed_integer, parse_float=_parsed_float, parse_constant=_refused_constant
        )
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"{source}: line {error.lineno} column {error.colno}: malformed JSON ({error.msg})"
        ) from None
    except _RefusedNumber as error:
        raise ValidationError(f"{source}: holds {error}, larger than any value a fieldnotes file holds") from None
    except RecursionError:
        raise ValidationError(f"{source}: nested deeper than {MAX_NESTING} levels") from None
    _check_text_and_depth(document, source, _SURROGATE_ESCAPE.search(text) is not None)
    return document


def _check_children_stay_with_their_parent(session: WriteSession, source: str, parents: list[dict], where: str,
                                           key: str, table_name: str, parent_column: str) -> None:
    """Refuse a contact (or prompt) whose id already belongs to another account (or guide).

    Ids are kept on import, and one record cannot sit under two parents.

    Args:
        where: the parents' place in the file (`accounts`); `key` their children's list.
    """
    place: dict[str, str] = {}
    owners: dict[str, str] = {}
    for parent_index, parent in enumerate(parents):
        for child_index, child in enumerate(parent.get(key, [])):
            place[child["id"]] = f"{where}[{parent_index}].{key}[{child_index}]"
            owners[child["id"]] = parent["id"]
    elsewhere = bulk.children_of_other_parents(session, table_name, parent_column, owners)
    if elsewhere:
        child_id, owner = next(iter(elsewhere.items()))
        raise ValidationError(
            f"{source}: {place[child_id]}.id: {child_id} already belongs to another {where[:-1]} "
            f"({owner}) in this notebook"
        )


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
    for _which, key in TERM_LIST_KEYS.items():
        for t_index, term in enumerate(document.get(key, [])):
            unique(term["id"], f"{key}[{t_index}]")
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

    def __init__(self, database: Database, author: Signature | str) -> None:
        self.database = database
        self._signature = Signature.of(author)


    # --- export --------------------------------------------------------------------

    def export_document(self, progress: Progress | None = None) -> dict:
        """Everything in the database as one interchange document."""
        with self.database.reading() as session:
            accounts = [
                _item("account", row) | {"contacts": []} for row in bulk.rows(session, "account", ("name", "id"))
            ]
            by_account = {a["id"]: a for a in accounts}
            for row in bulk.rows(session, "contact", ("name", "id")):
                by_account[row["account_id"]]["contacts"].append(_item("contact", row))
            guides = [_item("guide", row) | {"prompts": []} for row in bulk.rows(session, "guide", ("name", "id"))]
            by_guide = {g["id"]: g for g in guides}
            for row in bulk.rows(session, "guide_prompt", ("guide_id", "position")):
                by_guide[row["guide_id"]]["prompts"].append(_item("guide_prompt", row))
            terms = {which: [] for which in TermList}  # type: dict[TermList, list[dict]]
            for row in bulk.rows(session, "term", ("list", "position", "name", "id")):
                terms[TermList(str(row["list"]))].append(_item("term", row))
            index = term_store.term_index(session)
            visits: list[dict] = []
            by_visit: dict[str, dict] = {}
            for row in bulk.rows(session, "visit", ("visited_on", "id")):
                visit = _item("visit", row, stamped=False)
                for kind in FINDING_KINDS:
                    visit[kind.json_key] = []
                visit.update({name: row[name] for name in bulk.STAMPS})
                visits.append(visit)
                by_visit[visit["id"]] = visit
            for done, row in enumerate(bulk.rows(session, "finding", ("visit_id", "kind", "position"))):
                kind = FINDING_KINDS_BY_KEY[str(row["kind"])]
                by_visit[str(row["visit_id"])][kind.json_key].append(_finding_item(kind, row, index))
                if progress is not None and done % 5000 == 0:
                    progress(done, 0)
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "exported_at": utc_now_text(),
            "accounts": accounts,
            "guides": guides,
            **{TERM_LIST_KEYS[which]: items for which, items in terms.items() if items},
            "visits": visits,
        }

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
        stamp = self._signature.stamp()

        def row(table: str, item: dict, **structure: object) -> dict:
            return _row(table, item, stamp) | structure

        def report(done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)

        accounts = document["accounts"]
        visits = document["visits"]
        guides = document.get("guides", [])
        total_steps = len(visits) + 3
        report(0, total_steps)
        with self.database.writing() as session:
            known_accounts = bulk.ids(session, "account")
            file_accounts = {a["id"] for a in accounts}
            for index, visit in enumerate(visits):
                account_id = visit["account_id"]
                if account_id is not None and account_id not in file_accounts and account_id not in known_accounts:
                    raise ValidationError(f"{source}: visits[{index}].account_id: no account with id {account_id}")

            _check_children_stay_with_their_parent(session, source, accounts, "accounts", "contacts", "contact",
                                                   "account_id")
            _check_children_stay_with_their_parent(session, source, guides, "guides", "prompts", "guide_prompt",
                                                   "guide_id")

            account_rows = [row("account", a) for a in accounts]
            contact_rows = [row("contact", c, account_id=a["id"]) for a in accounts for c in a["contacts"]]
            bulk.upsert(session, "account", account_rows, known_accounts, stamp)
            bulk.replace_children(session, "contact", "account_id", file_accounts, contact_rows)
            report(1, total_steps)

            guide_rows = [row("guide", g) for g in guides]
            prompt_rows = [
                row("guide_prompt", p, guide_id=g["id"], position=i) for g in guides for i, p in enumerate(g["prompts"])
            ]
            known_guides = bulk.ids(session, "guide")
            # The shipped guide as nobody has edited it takes the file's stamps, so that an
            # export imported into a new notebook exports again unchanged.
            shipped = bulk.ids_stamped(session, "guide", SHIPPED_GUIDE_STAMP)
            bulk.upsert(session, "guide", guide_rows, known_guides, stamp, adopt_stamps=shipped)
            bulk.replace_children(session, "guide_prompt", "guide_id", {g["id"] for g in guides}, prompt_rows)
            all_guides = known_guides | {g["id"] for g in guides}
            report(2, total_steps)

            term_rows = [row("term", t, list=which.value, position=t.get("position", i))
                         for which, key in TERM_LIST_KEYS.items() for i, t in enumerate(document.get(key, []))]
            bulk.upsert(session, "term", term_rows, bulk.ids(session, "term"), stamp)
            themes = _ThemeNames(term_store.term_index(session), stamp)

            visit_ids = [v["id"] for v in visits]
            known_visits = bulk.existing_ids(session, "visit", visit_ids)
            visit_rows = []
            finding_rows = []
            for index, visit in enumerate(visits):
                visit_row = row("visit", visit)
                if visit_row["guide_id"] not in all_guides:
                    visit_row["guide_id"] = None
                visit_rows.append(visit_row)
                for kind in FINDING_KINDS:
                    for position, item in enumerate(visit.get(kind.json_key, [])):
                        finding = row("finding", _finding_fields(kind, item), visit_id=visit["id"], kind=kind.key,
                                      position=position, theme_ids=json.dumps(themes.ids(item.get("themes", []))))
                        finding_rows.append(finding)
                if index % 1000 == 999:
                    report(3 + index, total_steps)
            # A finding id may move between visits in a file; clear every id the file names first.
            bulk.delete_where_in(session, "finding", "id", [f["id"] for f in finding_rows])
            bulk.upsert(session, "visit", visit_rows, known_visits, stamp)
            bulk.replace_children(session, "finding", "visit_id", set(visit_ids), finding_rows)
            new_themes = [_row("term", {"id": t.id, "name": t.name}, stamp) | {"list": t.list.value}
                          for t in themes.added]
            bulk.insert_rows(session, "term", new_themes)
            report(total_steps, total_steps)
        return ImportSummary(
            accounts=len(account_rows), contacts=len(contact_rows), visits=len(visit_rows),
            findings=len(finding_rows), guides=len(guide_rows), change=Change.everything(),
        )


# --- records and their JSON objects ------------------------------------------------------

#: Fields the JSON format carries by nesting or by order rather than by name: a contact
#: sits in its account, a prompt in its guide, a finding in its visit's list for its kind.
_STRUCTURAL: dict[str, frozenset[str]] = {
    "contact": frozenset({"account_id"}),
    "guide_prompt": frozenset({"guide_id", "position"}),
    "finding": frozenset({"visit_id", "kind", "position", "theme_ids"}),
    "term": frozenset({"list"}),
}

#: The top-level list of the JSON format that holds each of the team's lists.
TERM_LIST_KEYS: dict[TermList, str] = {
    TermList.THEME: "themes", TermList.OFFERING: "offerings", TermList.COMPETITOR: "competitors",
    TermList.STAGE: "stages",
}


class _ThemeNames:
    """Theme names of an imported file turned into ids, adding the names the team does not have."""

    def __init__(self, index: TermIndex, stamp: Stamp) -> None:
        self.index = index
        self.added: list[Term] = []
        self._new: dict[str, Term] = {}

    def ids(self, names: list[str]) -> list[str]:
        result: list[str] = []
        for name in names:
            term = self.index.find(TermList.THEME, name) or self._new.get(normalized_name(name))
            if term is None:
                term = Term(new_id(), TermList.THEME, " ".join(name.split()))
                self._new[normalized_name(name)] = term
                self.added.append(term)
            if term.id not in result:
                result.append(term.id)
        return result


@cache
def json_fields(table: str) -> tuple[str, ...]:
    """The named fields of a record's JSON object: its declared fields less the structural ones."""
    return tuple(name for name in synced_fields(table) if name not in _STRUCTURAL.get(table, frozenset()))


def _item(table: str, row: dict, stamped: bool = True) -> dict:
    """A stored row as its JSON object: id, named fields, stamps (unless the caller adds them last)."""
    lists = json_list_fields(table)
    item: dict[str, object] = {"id": row["id"]}
    for name in json_fields(table):
        item[name] = json.loads(str(row[name] or "[]")) if name in lists else row[name]
    if stamped:
        item.update({name: row[name] for name in bulk.STAMPS})
    return item


def _finding_item(kind: FindingKind, row: dict, index: TermIndex) -> dict:
    """A finding's JSON object: its text and its kind's own fields, never another kind's; its
    themes by name (when it has any)."""
    item: dict[str, object] = {"id": row["id"], "text": row["text"]}
    for spec in kind.fields:
        value = row[spec.name]
        item[spec.name] = spec.default if value is None else value
    themes = index.names(json.loads(str(row["theme_ids"] or "[]"))) if kind.themed else []
    if themes:
        item["themes"] = themes
    item.update({name: row[name] for name in bulk.STAMPS})
    return item


def _finding_fields(kind: FindingKind, item: dict) -> dict:
    """A finding's JSON object with every attribute column: its kind's filled, others NULL."""
    fields = dict.fromkeys(FINDING_ATTRIBUTE_COLUMNS) | {"id": item["id"], "text": item["text"]}
    for spec in kind.fields:
        fields[spec.name] = item.get(spec.name, spec.default)
    return fields | {name: item[name] for name in bulk.STAMPS if name in item}


def _row(table: str, item: dict, stamp: Stamp) -> dict:
    """A JSON object as a row to store: absent fields take their declared defaults."""
    defaults = field_defaults(table)
    lists = json_list_fields(table)
    row: dict[str, object] = {"id": item["id"]}
    for name in json_fields(table):
        if name in lists:
            row[name] = json.dumps(item.get(name) or [])
        else:
            row[name] = item.get(name, defaults[name])
    row["created_at"] = item.get("created_at") or stamp.at
    row["updated_at"] = item.get("updated_at") or stamp.at
    row["updated_by"] = item.get("updated_by") or stamp.author
    return row
