"""A field declared on a table reaches everything that must carry it: JSON, sync, search.

When a column is added to a synchronised table, these tests fail until the column has a
value below (`FIELD_VALUES`), and then until it survives an export and import, a sync
between two laptops and, when it is searched, a search. A finding kind fails them until
it has a hint, a report writer and a summary tally.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from fieldnotes.domain.model import FINDING_ATTRIBUTES, FINDING_KINDS, FieldType, FindingField
from fieldnotes.domain.terms import TermList
from fieldnotes.resources import resource_path
from fieldnotes.services.interchange import SCHEMA_FILE, json_fields
from fieldnotes.services.reports.summary_report import TALLIES
from fieldnotes.services.reports.visit_report import SECTION_WRITERS
from fieldnotes.services.search import VisitQuery
from fieldnotes.services.session import Services
from fieldnotes.storage.schema import SYNCED_RECORDS, searched_fields, synced_fields
from fieldnotes.storage.versions import TRACKED
from tests.unit.sync_support import Laptop, sync_all

#: A value for every field of every synchronised table that differs from its default. A
#: word in a text value ("wordvisitsummary") is what the search test looks for.
FIELD_VALUES: dict[str, dict[str, object]] = {
    "account": {"name": "Acme wordaccountname", "kind": "prospect", "notes": "Notes wordaccountnotes"},
    "contact": {
        "name": "Dana wordcontactname", "role": "Plant manager", "buying_role": "champion",
        "follow_up": "email", "email": "dana@example.com", "phone": "+33 1 23 45 67 89",
        "reference": "case_study", "consent": "granted",
    },
    "guide": {"name": "Guide wordguidename", "visit_kind": "event"},
    "guide_prompt": {"section": "need", "text": "What hurts? wordprompttext"},
    "visit": {
        "title": "Plant tour wordvisittitle", "kind": "debrief", "visited_on": "2026-05-04T09:30",
        "salesperson": "Sam wordvisitsalesperson", "attendees": "Dana wordvisitattendees",
        "objective": "Retrofit wordvisitobjective", "summary": "Went well wordvisitsummary",
        "notes": "Parking wordvisitnotes", "next_step": "Quote wordvisitnextstep",
        "next_step_stage": "Proposal wordvisitnextstepstage", "next_step_due": "2026-06-01",
    },
    "term": {"list": "theme", "name": "Energy audit", "merged_into": None, "position": 0},
}
#: Fields whose value is another record or a list of them, filled by `_fill`.
REFERENCES = {
    "contact": {"account_id"}, "visit": {"account_id", "guide_id", "covered_prompts", "attendee_ids", "debrief_of"},
    "guide_prompt": {"guide_id", "position"}, "finding": {"visit_id", "kind", "position", "text", "theme_ids"},
    "term": {"merged_into", "position"},
}


def _finding_value(spec: FindingField, contact_id: str) -> object:
    if spec.type is FieldType.SEVERITY:
        return 5
    if spec.type is FieldType.BOOL:
        return not spec.default
    if spec.type is FieldType.DATE:
        return "2026-12-24"
    if spec.type is FieldType.CHOICE:
        assert spec.choices is not None
        return next(member.value for member in reversed(list(spec.choices)) if member != spec.default)
    if spec.type is FieldType.CONTACT:
        return contact_id
    return f"Value wordfinding{spec.name.replace('_', '')}"


def test_every_field_of_every_synchronised_table_has_a_value_here() -> None:
    for record in SYNCED_RECORDS:
        table = record.__tablename__
        covered = set(FIELD_VALUES.get(table, {})) | REFERENCES.get(table, set())
        if table == "finding":
            covered |= set(FINDING_ATTRIBUTES)
        missing = set(synced_fields(table)) - covered
        assert not missing, f"give {table}.{sorted(missing)} a value in FIELD_VALUES"


def _fill(services: Services) -> str:
    """Write one record of every kind, every field set; returns the visit's id."""
    notebook, guides, terms = services.notebook, services.guides, services.terms
    account, _ = notebook.create_account(**FIELD_VALUES["account"])
    contact, _ = notebook.add_contact(account.id, **FIELD_VALUES["contact"])
    guide, _ = guides.create_guide(str(FIELD_VALUES["guide"]["name"]))
    guides.set_visit_kind(guide.id, str(FIELD_VALUES["guide"]["visit_kind"]))
    prompt_values = FIELD_VALUES["guide_prompt"]
    prompt, _ = guides.add_prompt(guide.id, str(prompt_values["section"]), str(prompt_values["text"]))
    ride_along, _ = notebook.create_visit(None, kind="ride_along", title="The ride-along")
    visit, _ = notebook.create_visit(account.id, guide_id=guide.id)
    notebook.update_visit(visit.id, **FIELD_VALUES["visit"], covered_prompts=[prompt.id], attendee_ids=[contact.id],
                          debrief_of=ride_along.id)
    theme_name = str(FIELD_VALUES["term"]["name"])
    terms.add(TermList.THEME, "Old theme name")
    terms.add(TermList.STAGE, "Qualified")
    for kind in FINDING_KINDS:
        attributes = {spec.name: _finding_value(spec, contact.id) for spec in kind.fields}
        finding, _ = notebook.add_finding(visit.id, kind.key, f"Text wordfinding{kind.key.replace('_', '')}",
                                          attributes)
        if kind.themed:
            terms.set_finding_themes(finding.id, [theme_name, "Old theme name"])
    # A merge leaves an entry that stands for another: its `merged_into` is set.
    terms.merge(TermList.THEME, "Old theme name", theme_name)
    terms.move(TermList.STAGE, "Qualified", 3)
    return visit.id


def _rows(path: Path) -> dict[str, dict[str, tuple]]:
    connection = sqlite3.connect(path)
    try:
        return {
            table: {row[0]: row[1:] for row in connection.execute(f"SELECT id, {', '.join(columns)} FROM {table}")}
            for table, columns in TRACKED.items()
        }
    finally:
        connection.close()


def _assert_every_field_set(rows: dict[str, dict[str, tuple]]) -> None:
    for table, columns in TRACKED.items():
        for index, column in enumerate(columns):
            values = {row[index] for row in rows[table].values()}
            assert values - {None, "", "[]"}, f"no record has a value in {table}.{column}"


def test_every_declared_field_survives_export_and_import(services, template_database, tmp_path) -> None:
    _fill(services)
    source = _rows(services.database.path)
    _assert_every_field_set(source)
    document = services.interchange.export_document()
    target_path = tmp_path / "target.db"
    shutil.copyfile(template_database, target_path)
    target = Services.open(target_path, author="importer")
    try:
        target.interchange.import_document(json.loads(json.dumps(document)), "export")
    finally:
        target.close()
    assert _rows(target_path) == source


def test_every_declared_field_survives_a_sync_between_two_laptops(template_database, tmp_path) -> None:
    share = tmp_path / "Team.fieldnotes-sync"
    share.mkdir()
    alice, bob = Laptop(template_database, tmp_path, "alice"), Laptop(template_database, tmp_path, "bob")
    try:
        _fill(alice.services)
        sync_all([alice, bob], share)
        _assert_every_field_set(bob.data())
        assert bob.data() == alice.data()
    finally:
        alice.close()
        bob.close()


def test_every_searched_field_finds_its_visit(services) -> None:
    visit_id = _fill(services)
    words = [
        f"word{table}{column.replace('_', '')}"
        for table in ("account", "visit")
        for column in searched_fields(table)
    ]
    words += [f"wordfinding{kind.key.replace('_', '')}" for kind in FINDING_KINDS]
    words += [
        f"wordfinding{name.replace('_', '')}" for name in searched_fields("finding") if name in FINDING_ATTRIBUTES
    ]
    for word in words:
        found = [row.id for row in services.search.find_rows(VisitQuery(text=word + " "))]
        assert found == [visit_id], f"searching {word!r} did not find the visit"
    # The findings' themes are found by the name the list gives them now (one was merged
    # into it after tagging), then by a new name once renamed.
    theme_name = str(FIELD_VALUES["term"]["name"])
    assert [row.id for row in services.search.find_rows(VisitQuery(text=theme_name + " "))] == [visit_id]
    services.terms.rename(TermList.THEME, theme_name, "Kaizen workshop")
    assert [row.id for row in services.search.find_rows(VisitQuery(text="kaizen "))] == [visit_id]
    assert services.search.find_rows(VisitQuery(text=theme_name + " ")) == []


def test_the_json_schema_names_every_field_the_format_carries() -> None:
    schema = json.loads(resource_path("schema", SCHEMA_FILE).read_text(encoding="utf-8"))
    definitions = schema["$defs"]
    for table, definition in (("account", "account"), ("contact", "contact"), ("guide", "guide"), ("visit", "visit")):
        missing = set(json_fields(table)) - set(definitions[definition]["properties"])
        assert not missing, f"the JSON Schema's {definition} lacks {sorted(missing)}"
    for kind in FINDING_KINDS:
        missing = {spec.name for spec in kind.fields} - set(definitions[kind.key]["properties"])
        assert not missing, f"the JSON Schema's {kind.key} lacks {sorted(missing)}"


@pytest.mark.parametrize("kind", FINDING_KINDS, ids=lambda kind: kind.key)
def test_every_finding_kind_has_a_hint_a_report_writer_and_a_summary_tally(kind) -> None:
    assert kind.hint.strip()
    assert kind.key in SECTION_WRITERS
    assert kind.key in TALLIES
    for spec in kind.fields:
        assert spec.name in synced_fields("finding"), f"{kind.key}.{spec.name} has no column"


def test_the_triggers_that_note_edits_cover_every_declared_field(database_path) -> None:
    connection = sqlite3.connect(database_path)
    try:
        triggers = dict(connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    finally:
        connection.close()
    for table, columns in TRACKED.items():
        watched = triggers[f"sync_note_{table}_update"]
        for column in columns:
            assert f" {column}," in watched or f" {column} ON" in watched, f"sync misses edits of {table}.{column}"
    for table, trigger in (("visit", "search_note_visit_update"), ("finding", "search_note_finding_update"),
                           ("account", "search_note_account_update")):
        for column in searched_fields(table):
            watched = triggers[trigger]
            assert f" {column}," in watched or f" {column} ON" in watched, f"search misses edits of {table}.{column}"
