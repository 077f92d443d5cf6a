"""Spreadsheet exports: what a person opening the CSV files, or a CRM importing them, gets.

The plain tables must read back (with Python's csv module) as exactly the notebook's data,
text in every script and awkward characters included, apart from the formula guard; no
cell may start a formula in any file; the CRM files carry the columns their documented
import templates name.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.model import FINDING_KINDS, FINDING_KINDS_BY_KEY
from fieldnotes.services.interchange import json_fields
from fieldnotes.services.sample import load_sample_team
from fieldnotes.services.session import Services
from fieldnotes.services.spreadsheets import FORMULA_STARTS, Crm, cell, guarded
from fieldnotes.storage.schema import synced_fields
from tests.unit.report_support import ARABIC, CHINESE, CYRILLIC, EMOJI, GREEK, HEBREW, JAPANESE, KOREAN, LATIN

#: Text that breaks naive CSV writers and readers, or that a spreadsheet runs as a formula.
AWKWARD = [
    "=HYPERLINK(\"http://example.invalid\",\"click\")", "+33 1 42 68 53 00", "-2 pumps", "@SUM(A1:A2)",
    "\tstarts with a tab", "\rstarts with a carriage return", "line one\nline two", "crlf\r\nnext",
    'quote " inside, and a comma', "trailing space ", " leading space", "NUL\x00inside", "'already quoted",
    "semi;colon", "",
]
SCRIPTS = [LATIN, GREEK, CYRILLIC, CHINESE, JAPANESE, KOREAN, HEBREW, ARABIC, EMOJI]

# --- the documented import templates (docs/csv-export.md cites each page) ----------------------

#: HubSpot, "Set up your import files": Companies need a name or Company Domain Name,
#: contacts First name, Last name and Email, notes Activity date and Note body; activities
#: such as notes are associated with records through a common column (Company Domain Name).
HUBSPOT_REQUIRED = {
    "companies.csv": {"Company name", "Company Domain Name"},
    "contacts.csv": {"First Name", "Last Name", "Email", "Company Domain Name"},
    "notes.csv": {"Activity date", "Note body", "Company Domain Name"},
    # Tasks API: hs_task_subject (title), hs_timestamp (due date, required), hs_task_status.
    "tasks.csv": {"Task Title", "Due date", "Task Status", "Company Domain Name"},
}
#: Salesforce, "Field Mapping for Other Data Sources and Organization Import" (Data Import
#: Wizard labels), and the Task object's fields that Data Loader maps by API name.
SALESFORCE_REQUIRED = {
    "accounts.csv": {"Account Name", "Account Description", "Type"},
    "contacts.csv": {"First Name", "Last Name", "Title", "Email", "Business Phone", "Account Name"},
    "visit_tasks.csv": {"Subject", "ActivityDate", "Status", "Priority", "Description", "WhatId"},
    "follow_up_tasks.csv": {"Subject", "ActivityDate", "Status", "Priority", "Description", "WhatId"},
}


def _unguarded(text: str) -> str:
    """A cell as it was before the formula guard."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _read(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), f"{path.name} lacks the byte-order mark Excel needs"
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [{key: _unguarded(value) for key, value in row.items()} for row in csv.DictReader(stream)]


def _every_cell(folder: Path) -> list[str]:
    cells: list[str] = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            for row in csv.reader(stream):
                cells.extend(row)
    return cells


@pytest.fixture
def awkward_services(services: Services) -> Services:
    """The sample team plus an account, contact, visit and a finding of every kind in awkward text."""
    load_sample_team(services)
    notebook = services.notebook
    texts = AWKWARD + SCRIPTS
    account, _ = notebook.create_account("=cmd|' /C calc'!A0 " + GREEK, kind="end_user", notes="\n".join(texts))
    for index, text in enumerate(texts):
        notebook.add_contact(account.id, f"{text or 'x'} {index}", role=text, email=f"p{index}@Naughty.example",
                             phone=text)
    visit, _ = notebook.create_visit(account.id, title="-title " + CHINESE, kind="debrief")
    notebook.update_visit(visit.id, **{name: " | ".join(texts) for name in
                                       ("salesperson", "attendees", "objective", "summary", "notes", "next_step")})
    for kind in FINDING_KINDS:
        for text in texts:
            attributes = {spec.name: text for spec in kind.fields if spec.type.value in ("text", "long_text")}
            notebook.add_finding(visit.id, kind.key, text or "(empty)", attributes)
    return services


def test_plain_tables_read_back_as_exactly_the_notebook(awkward_services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    summary = awkward_services.spreadsheets.export(folder)
    assert [name for name, _rows in summary.files] == [
        "accounts.csv", "contacts.csv", "visits.csv", "findings.csv", "follow_ups.csv"]
    document = awkward_services.interchange.export_document()

    accounts = {row["id"]: row for row in _read(folder / "accounts.csv")}
    contacts = {row["id"]: row for row in _read(folder / "contacts.csv")}
    assert len(accounts) == len(document["accounts"])
    for account in document["accounts"]:
        row = accounts[account["id"]]
        for name in json_fields("account"):
            assert row[name] == cell(account[name]), name
        for contact in account["contacts"]:
            contact_row = contacts[contact["id"]]
            assert contact_row["account_id"] == account["id"] and contact_row["account_name"] == account["name"]
            for name in json_fields("contact"):
                assert contact_row[name] == cell(contact[name]), name
    assert len(contacts) == sum(len(account["contacts"]) for account in document["accounts"])

    visits = {row["id"]: row for row in _read(folder / "visits.csv")}
    findings = {row["id"]: row for row in _read(folder / "findings.csv")}
    assert len(visits) == len(document["visits"])
    for visit in document["visits"]:
        row = visits[visit["id"]]
        for name in json_fields("visit"):
            expected = visit[name]
            if name == "covered_prompts":  # stored as the JSON list it is
                assert row[name].startswith("[") and all(prompt in row[name] for prompt in expected)
                continue
            assert row[name] == cell(expected), name
        for kind in FINDING_KINDS:
            for position, finding in enumerate(visit[kind.json_key]):
                finding_row = findings[finding["id"]]
                assert (finding_row["visit_id"], finding_row["kind"]) == (visit["id"], kind.key)
                assert finding_row["position"] == str(position)
                assert finding_row["text"] == finding["text"]
                for spec in kind.fields:
                    assert finding_row[spec.name] in (cell(finding[spec.name]), ""), spec.name
                    if finding[spec.name] not in (None, "", spec.default):
                        assert finding_row[spec.name] == cell(finding[spec.name])
    assert len(findings) == sum(len(v[k.json_key]) for v in document["visits"] for k in FINDING_KINDS)

    awkward_text = next(a for a in document["accounts"] if a["name"].startswith("=cmd"))["notes"]
    assert accounts[next(iter(a["id"] for a in document["accounts"] if a["name"].startswith("=cmd")))]["notes"] \
        == awkward_text
    assert all(text in awkward_text for text in SCRIPTS)


def test_columns_follow_the_declared_record_shape(awkward_services: Services, tmp_path: Path) -> None:
    awkward_services.spreadsheets.export(tmp_path)
    stamps = ["created_at", "updated_at", "updated_by"]

    def header(name: str) -> list[str]:
        with (tmp_path / name).open(encoding="utf-8-sig", newline="") as stream:
            return next(csv.reader(stream))

    assert header("accounts.csv") == ["id", *synced_fields("account"), *stamps]
    finding_fields = list(synced_fields("finding"))
    finding_fields.insert(finding_fields.index("theme_ids") + 1, "themes")
    assert header("findings.csv") == ["id", *finding_fields, *stamps]
    assert set(synced_fields("contact")) | {"account_name"} <= set(header("contacts.csv"))
    assert set(synced_fields("visit")) | {"account_name"} <= set(header("visits.csv"))
    follow_up_header = header("follow_ups.csv")
    for column in ("visit_id", "account_id", "account_name", "text",
                   *(spec.name for spec in FINDING_KINDS_BY_KEY["follow_up"].fields)):
        assert column in follow_up_header


def test_follow_ups_name_their_visit_account_owner_due_date_and_whether_done(services: Services,
                                                                            tmp_path: Path) -> None:
    account, _ = services.notebook.create_account("Hafenwerk")
    visit, _ = services.notebook.create_visit(account.id, title="Dock inspection")
    services.notebook.add_finding(visit.id, "follow_up", "Send the seal datasheet",
                                  {"owner": "Lena", "due_on": "2026-12-24", "done": True})
    services.notebook.add_finding(visit.id, "need", "Faster delivery", {"severity": 5})
    services.spreadsheets.export(tmp_path)
    [row] = _read(tmp_path / "follow_ups.csv")
    assert {key: row[key] for key in ("visit_id", "visit_title", "account_id", "account_name", "text", "owner",
                                      "due_on", "done")} == {
        "visit_id": visit.id, "visit_title": "Dock inspection", "account_id": account.id,
        "account_name": "Hafenwerk", "text": "Send the seal datasheet", "owner": "Lena", "due_on": "2026-12-24",
        "done": "true"}


@pytest.mark.parametrize("crm", [None, Crm.HUBSPOT, Crm.SALESFORCE])
def test_no_cell_of_any_file_starts_a_formula(awkward_services: Services, tmp_path: Path, crm: Crm | None) -> None:
    awkward_services.spreadsheets.export(tmp_path, crm)
    cells = _every_cell(tmp_path)
    assert cells
    offending = [text for text in cells if text.startswith(FORMULA_STARTS)]
    assert not offending
    assert any(text.startswith("'=") or text.startswith("'+") for text in cells)


def test_the_guard_prefixes_exactly_the_cells_a_spreadsheet_would_run() -> None:
    for start in FORMULA_STARTS:
        assert guarded(f"{start}1+1") == f"'{start}1+1"
    for harmless in ("Café", "1+1", "'=quoted already", "", " =spaced", "2026-12-24"):
        assert guarded(harmless) == harmless


def test_hubspot_files_carry_the_columns_of_its_import_templates(awkward_services: Services, tmp_path: Path) -> None:
    summary = awkward_services.spreadsheets.export(tmp_path, Crm.HUBSPOT)
    assert {name for name, _rows in summary.files} == set(HUBSPOT_REQUIRED)
    for name, required in HUBSPOT_REQUIRED.items():
        rows = _read(tmp_path / name)
        assert rows, name
        assert required <= set(rows[0]), f"{name} lacks {sorted(required - set(rows[0]))}"
    companies = {row["Company name"]: row for row in _read(tmp_path / "companies.csv")}
    # The sample's Saint-Éloi contacts write from the brewery's own domain.
    assert companies["Brasserie Saint-Éloi"]["Company Domain Name"] == "brasserie-saint-eloi.fr"
    notes = _read(tmp_path / "notes.csv")
    awkward = next(row for row in notes if CHINESE in row["Note body"])
    assert "quote &quot; inside, and a comma" in awkward["Note body"]  # user text is escaped in the HTML body
    assert all(row["Activity date"][:4].isdigit() for row in notes)
    tasks = _read(tmp_path / "tasks.csv")
    assert {row["Task Status"] for row in tasks} <= {"COMPLETED", "NOT_STARTED"}
    assert all(row["Due date"] for row in tasks)  # HubSpot requires one: the visit's date stands in


def test_salesforce_files_carry_the_columns_of_its_import_templates(awkward_services: Services,
                                                                   tmp_path: Path) -> None:
    summary = awkward_services.spreadsheets.export(tmp_path, Crm.SALESFORCE)
    assert {name for name, _rows in summary.files} == set(SALESFORCE_REQUIRED)
    for name, required in SALESFORCE_REQUIRED.items():
        rows = _read(tmp_path / name)
        assert rows, name
        assert required <= set(rows[0]), f"{name} lacks {sorted(required - set(rows[0]))}"
    contacts = _read(tmp_path / "contacts.csv")
    lena = next(row for row in contacts if row["Email"] == "h.dupre@brasserie-saint-eloi.fr")
    assert (lena["First Name"], lena["Last Name"], lena["Account Name"]) == ("Hélène", "Dupré", "Brasserie Saint-Éloi")
    statuses = {row["Status"] for row in _read(tmp_path / "follow_up_tasks.csv")}
    assert statuses <= {"Completed", "Not Started"} and statuses


def test_the_folder_is_created_when_its_parent_exists_and_refused_otherwise(services: Services,
                                                                          tmp_path: Path) -> None:
    services.spreadsheets.export(tmp_path / "new folder")
    assert (tmp_path / "new folder" / "accounts.csv").exists()
    with pytest.raises(ValidationError, match="does not exist"):
        services.spreadsheets.export(tmp_path / "missing" / "deeper")
    assert not (tmp_path / "missing").exists()
    (tmp_path / "a file").write_text("x")
    with pytest.raises(ValidationError, match="is a file"):
        services.spreadsheets.export(tmp_path / "a file")


def test_a_findings_themes_are_named_beside_their_ids(services: Services, tmp_path: Path) -> None:
    account, _ = services.notebook.create_account("Brauerei Nord")
    visit, _ = services.notebook.create_visit(account.id, title="Line audit")
    finding, _ = services.notebook.add_finding(visit.id, "need", "Seals fail after cleaning")
    services.terms.set_finding_themes(finding.id, ["Downtime", "Hygiene"])
    services.spreadsheets.export(tmp_path)
    (row,) = _read(tmp_path / "findings.csv")
    assert row["themes"] == "Downtime; Hygiene"
    assert len(json.loads(row["theme_ids"])) == 2
