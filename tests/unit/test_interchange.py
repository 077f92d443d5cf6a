"""The JSON interchange format: a faithful round trip, idempotent and all-or-nothing imports."""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldnotes.domain.errors import OperationCancelled, ValidationError
from fieldnotes.domain.model import FINDING_KINDS, VISIT_TEXT_FIELDS
from fieldnotes.services.interchange import Interchange, read_document
from fieldnotes.services.notebook import Notebook
from fieldnotes.services.sample import sample_team_path
from fieldnotes.services.search import VisitQuery
from fieldnotes.storage.database import open_database


@pytest.fixture(scope="module")
def empty_database_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with nothing in it: not even the default guide."""
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    open_database(path).close()
    return path


def _open_empty(template: Path, folder: Path, name: str = "target.db"):
    path = folder / name
    shutil.copyfile(template, path)
    database = open_database(path)
    return database, Interchange(database, author="importer")


def _without_export_time(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def _sample() -> dict:
    return read_document(sample_team_path())


def _counts(services) -> tuple[int, int, int, int]:
    exported = services.interchange.export_document()
    return (
        len(exported["accounts"]),
        sum(len(a["contacts"]) for a in exported["accounts"]),
        len(exported["visits"]),
        sum(len(v[kind.json_key]) for v in exported["visits"] for kind in FINDING_KINDS),
    )


def test_export_then_import_into_an_empty_notebook_gives_back_the_same_document(
    services, empty_database_template, tmp_path
) -> None:
    services.interchange.import_document(_sample(), "sample")
    exported_file = tmp_path / "team.json"
    services.interchange.export_file(exported_file)

    database, target = _open_empty(empty_database_template, tmp_path)
    try:
        target.import_file(exported_file)
        again = target.export_document()
    finally:
        database.close()
    assert _without_export_time(again) == _without_export_time(json.loads(exported_file.read_text("utf-8")))


def test_export_keeps_who_changed_what_and_when(services) -> None:
    sample = _sample()
    services.interchange.import_document(copy.deepcopy(sample), "sample")
    exported = {v["id"]: v for v in services.interchange.export_document()["visits"]}
    first = sample["visits"][0]
    assert exported[first["id"]]["updated_by"] == first["updated_by"]
    assert exported[first["id"]]["created_at"] == first["created_at"]


def test_importing_the_same_file_twice_duplicates_nothing(services, tmp_path) -> None:
    path = tmp_path / "team.json"
    path.write_text(json.dumps(_sample(), ensure_ascii=False), encoding="utf-8")
    services.interchange.import_file(path)
    once = _counts(services)
    services.interchange.import_file(path)
    assert _counts(services) == once
    assert once[2] == len(_sample()["visits"])


def test_importing_a_changed_file_updates_the_existing_records(services) -> None:
    sample = _sample()
    services.interchange.import_document(copy.deepcopy(sample), "sample")
    changed = copy.deepcopy(sample)
    visit = changed["visits"][0]
    visit["title"] = "Seal failures, second look"
    dropped = visit["needs"].pop(0)
    visit["objections"].append({"id": "5d2f7c52-1f0e-4a53-9d1e-0f6f0c9a1b11", "text": "Too far from Lille",
                                "answer": "Service partner in Roubaix"})
    changed["accounts"][0]["contacts"].pop()
    services.interchange.import_document(changed, "changed")

    stored = services.notebook.visit(visit["id"])
    assert stored.title == "Seal failures, second look"
    assert dropped["id"] not in {f.id for f in stored.findings}
    assert [f.text for f in stored.findings_of("objection")][-1] == "Too far from Lille"
    assert stored.updated_by == "tester"  # an import that changes a record is an edit by the importer
    account = services.notebook.account(changed["accounts"][0]["id"])
    assert {c.id for c in account.contacts} == {c["id"] for c in changed["accounts"][0]["contacts"]}


def test_a_finding_moved_to_another_visit_in_the_file_moves_in_the_notebook(services) -> None:
    sample = _sample()
    services.interchange.import_document(copy.deepcopy(sample), "sample")
    moved = sample["visits"][0]["needs"].pop(0)
    sample["visits"][1]["needs"].append(moved)
    services.interchange.import_document(sample, "moved")
    assert moved["id"] in {f.id for f in services.notebook.visit(sample["visits"][1]["id"]).findings}
    assert moved["id"] not in {f.id for f in services.notebook.visit(sample["visits"][0]["id"]).findings}


def test_an_error_late_in_the_file_leaves_the_notebook_unchanged(services) -> None:
    services.interchange.import_document(_sample(), "sample")
    before = _without_export_time(services.interchange.export_document())
    broken = _sample()
    broken["visits"][0]["title"] = "Changed, but must not be saved"
    broken["visits"][-1]["account_id"] = "0badc0de-0000-4000-8000-000000000000"
    with pytest.raises(ValidationError, match=r"visits\[15\]\.account_id: no account with id 0badc0de"):
        services.interchange.import_document(broken, "broken.json")
    assert _without_export_time(services.interchange.export_document()) == before


def test_an_import_stopped_after_writing_leaves_the_notebook_unchanged(services) -> None:
    before = _counts(services)

    def cancel_at_the_end(done: int, total: int) -> None:
        if done == total:  # every row has been written by now, but not committed
            raise OperationCancelled("stopped by the user")

    with pytest.raises(OperationCancelled):
        services.interchange.import_document(_sample(), "sample", progress=cancel_at_the_end)
    assert _counts(services) == before
    assert services.search.count(VisitQuery(text="brasserie")) == 0


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d["visits"][3]["needs"][0].update(severity=7), r"visits\[3\]\.needs\[0\]\.severity: 7 is greater"),
        (lambda d: d["visits"][2].update(kind="party"), r"visits\[2\]\.kind: \"party\" is not one of ride_along"),
        (lambda d: d["visits"][4].update(visited_on="2026-02-30"), r"visits\[4\]\.visited_on: '2026-02-30'"),
        (
            lambda d: d["visits"][5]["follow_ups"][0].update(due_on="2026-13-01"),
            r"visits\[5\]\.follow_ups\[0\]\.due_on",
        ),
        (
            lambda d: d["visits"][6].update(id=d["visits"][1]["id"]),
            r"visits\[6\]\.id: .* is used twice \(also at visits\[1\]\)",
        ),
        (lambda d: d["accounts"][1].pop("name"), r"accounts\[1\]: \"name\" is a required property"),
        (lambda d: d.update(version=2), r"newer fieldnotes \(format version 2\)"),
        (lambda d: d.update(format="something else"), r"not a fieldnotes export"),
    ],
)
def test_a_damaged_file_is_refused_naming_what_and_where(services, tmp_path, damage, message) -> None:
    document = _sample()
    damage(document)
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        services.interchange.import_file(path)
    assert _counts(services)[2] == 0


def test_a_file_that_is_not_json_is_refused_with_line_and_column(tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "fieldnotes",\n  "version": 1,,\n}', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"broken\.json: line 3 column 16: malformed JSON"):
        read_document(path)


def test_a_file_with_a_byte_order_mark_is_read(tmp_path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(_sample(), ensure_ascii=False).encode("utf-8"))
    assert len(read_document(path)["visits"]) == len(_sample()["visits"])


# --- any text survives ---------------------------------------------------------------------

_ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=60)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    visit_texts=st.fixed_dictionaries(dict.fromkeys(VISIT_TEXT_FIELDS, _ANY_TEXT)),
    finding_text=_ANY_TEXT,
    quote=_ANY_TEXT,
    competitor=_ANY_TEXT,
)
def test_any_text_typed_into_a_visit_survives_export_and_import(
    services, empty_database_template, visit_texts, finding_text, quote, competitor
) -> None:
    notebook = services.notebook
    visit, _ = notebook.create_visit(None, "customer_visit", "", "2026-11-02T10:15")
    notebook.update_visit(visit.id, **visit_texts)
    notebook.add_finding(visit.id, "need", finding_text, {"quote": quote, "severity": 2})
    notebook.add_finding(visit.id, "competitor_move", finding_text, {"competitor": competitor})
    original = notebook.visit(visit.id)

    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        services.interchange.export_file(folder / "export.json")
        database, target = _open_empty(empty_database_template, folder)
        try:
            target.import_file(folder / "export.json")
            copied = Notebook(database, "importer").visit(visit.id)
        finally:
            database.close()
    notebook.delete_visit(visit.id)
    for name in VISIT_TEXT_FIELDS:
        assert getattr(copied, name) == getattr(original, name) == visit_texts[name]
    assert [(f.text, f.attributes) for f in copied.findings] == [(f.text, f.attributes) for f in original.findings]
    assert copied.findings_of("need")[0].get("quote") == quote
