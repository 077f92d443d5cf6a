"""Team sync: edits made offline on several laptops merge per field, and nothing typed is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldnotes.cli import main
from fieldnotes.services.sync import DELETE, KEEP, ConflictNotFound, FolderUnreachable, SyncTeamMismatch
from fieldnotes.storage.search_index import VisitQuery
from tests.unit.sync_support import Laptop, sync_all

PROMPT_A, PROMPT_B, PROMPT_C = (f"{letter * 8}-0000-4000-8000-000000000000" for letter in "abc")


@pytest.fixture
def laptops(template_database: Path, tmp_path: Path):
    made = [Laptop(template_database, tmp_path, name) for name in ("alice", "bob", "carol")]
    yield made
    for laptop in made:
        laptop.close()


def _shared_visit(laptops: list[Laptop], share: Path, **fields: object) -> str:
    account, _ = laptops[0].notebook.create_account("ACME Tools")
    visit, _ = laptops[0].notebook.create_visit(account.id, title="Plant tour")
    if fields:
        laptops[0].notebook.update_visit(visit.id, **fields)
    sync_all(laptops, share)
    return visit.id


def test_a_visit_written_on_one_laptop_appears_on_the_others_and_is_searchable(laptops, share) -> None:
    account, _ = laptops[0].notebook.create_account("Nordwind Logistik")
    visit, _ = laptops[0].notebook.create_visit(account.id, title="Warehouse walk")
    laptops[0].notebook.add_finding(visit.id, "need", "Pallets are tracked on paper", {"severity": 5})
    sync_all(laptops, share)
    for laptop in laptops[1:]:
        copy = laptop.notebook.visit(visit.id)
        assert copy.title == "Warehouse walk"
        assert copy.account_name == "Nordwind Logistik"
        assert [f.text for f in copy.findings] == ["Pallets are tracked on paper"]
        assert copy.findings[0].get("severity") == 5
        assert [row.id for row in laptop.services.search.find_rows(VisitQuery(text="pallets"))] == [visit.id]
    assert laptops[0].data() == laptops[1].data() == laptops[2].data()


def test_different_fields_of_one_visit_edited_on_two_laptops_are_both_kept(laptops, share) -> None:
    visit_id = _shared_visit(laptops, share)
    laptops[0].notebook.update_visit(visit_id, summary="Budget approved for Q3")
    laptops[1].notebook.update_visit(visit_id, notes="Ask about the Lyon site")
    sync_all(laptops, share)
    for laptop in laptops:
        visit = laptop.notebook.visit(visit_id)
        assert (visit.summary, visit.notes) == ("Budget approved for Q3", "Ask about the Lyon site")
        assert laptop.sync.open_conflict_count() == 0


def test_same_field_edited_on_two_laptops_is_one_conflict_everywhere_and_resolving_once_clears_it(
    laptops, share
) -> None:
    visit_id = _shared_visit(laptops, share)
    laptops[0].notebook.update_visit(visit_id, next_step="Send the pricing sheet")
    laptops[1].notebook.update_visit(visit_id, next_step="Book a demo in March")
    sync_all(laptops, share)
    seen = [laptop.sync.conflicts() for laptop in laptops]
    assert [len(conflicts) for conflicts in seen] == [1, 1, 1]
    assert len({conflicts[0].id for conflicts in seen}) == 1
    shown = {laptop.notebook.visit(visit_id).next_step for laptop in laptops}
    assert len(shown) == 1  # the same default everywhere
    conflict = seen[2][0]
    assert conflict.visit_id == visit_id and conflict.field == "next_step"
    assert {(c.value, c.author) for c in conflict.candidates} == {
        ("Send the pricing sheet", "alice"), ("Book a demo in March", "bob")
    }
    assert all(c.written_at and c.site_id for c in conflict.candidates)

    laptops[2].sync.resolve(conflict.id, "Send the pricing sheet, then book a demo")
    sync_all(laptops, share)
    for laptop in laptops:
        assert laptop.sync.open_conflict_count() == 0
        assert laptop.notebook.visit(visit_id).next_step == "Send the pricing sheet, then book a demo"
    with pytest.raises(ConflictNotFound):
        laptops[0].sync.resolve(conflict.id, "too late")


def test_equal_concurrent_edits_resolve_themselves(laptops, share) -> None:
    visit_id = _shared_visit(laptops, share)
    laptops[0].notebook.update_visit(visit_id, summary="Same words")
    laptops[1].notebook.update_visit(visit_id, summary="Same words")
    sync_all(laptops, share)
    assert [laptop.sync.open_conflict_count() for laptop in laptops] == [0, 0, 0]


def test_an_edit_made_after_seeing_another_wins_whatever_the_clocks_say(laptops, share, monkeypatch) -> None:
    visit_id = _shared_visit(laptops, share)
    # Alice's clock runs a year fast: her edit carries a date a year ahead.
    monkeypatch.setattr("fieldnotes.storage.stamp.utc_now_text", lambda: "2027-11-23T10:00:00.000Z")
    laptops[0].notebook.update_visit(visit_id, objective="Fast clock objective")
    laptops[0].sync_with(share)
    # Bob's clock is a day behind; he sees Alice's edit, then changes it.
    monkeypatch.setattr("fieldnotes.storage.stamp.utc_now_text", lambda: "2026-11-22T10:00:00.000Z")
    laptops[1].sync_with(share)
    laptops[1].notebook.update_visit(visit_id, objective="Later objective from a slow clock")
    sync_all(laptops, share)
    for laptop in laptops:
        assert laptop.notebook.visit(visit_id).objective == "Later objective from a slow clock"
        assert laptop.sync.open_conflict_count() == 0


def test_concurrent_edits_with_skewed_clocks_are_flagged_not_silently_decided(laptops, share, monkeypatch) -> None:
    visit_id = _shared_visit(laptops, share)
    monkeypatch.setattr("fieldnotes.storage.stamp.utc_now_text", lambda: "2027-11-23T10:00:00.000Z")
    laptops[0].notebook.update_visit(visit_id, attendees="From the future")
    monkeypatch.setattr("fieldnotes.storage.stamp.utc_now_text", lambda: "2026-11-22T10:00:00.000Z")
    laptops[1].notebook.update_visit(visit_id, attendees="From yesterday")
    sync_all(laptops, share)
    for laptop in laptops:
        [conflict] = laptop.sync.conflicts()
        assert {c.value for c in conflict.candidates} == {"From the future", "From yesterday"}


def test_a_deletion_crossing_an_edit_keeps_the_visit_and_flags_it(laptops, share) -> None:
    visit_id = _shared_visit(laptops, share)
    laptops[0].notebook.delete_visit(visit_id)
    laptops[1].notebook.update_visit(visit_id, summary="Written while it was being deleted")
    sync_all(laptops, share)
    for laptop in laptops:
        assert laptop.notebook.visit(visit_id).summary == "Written while it was being deleted"
        [conflict] = laptop.sync.conflicts()
        assert conflict.is_deletion
        assert [c.value for c in conflict.candidates] == [KEEP, DELETE]
    laptops[2].sync.resolve(conflict.id, DELETE)
    sync_all(laptops, share)
    for laptop in laptops:
        assert laptop.notebook.visit_count() == 0
        assert laptop.sync.open_conflict_count() == 0


def test_deleting_a_finding_to_settle_a_conflict_closes_up_the_list_and_search_forgets_it(laptops, share) -> None:
    visit_id = _shared_visit(laptops, share)
    first, _ = laptops[0].notebook.add_finding(visit_id, "need", "Forklift batteries die by noon")
    laptops[0].notebook.add_finding(visit_id, "need", "Labels peel off in the cold store")
    sync_all(laptops, share)
    laptops[0].notebook.delete_finding(first.id)
    laptops[1].notebook.update_finding(first.id, text="Forklift batteries die by noon, twice a week")
    sync_all(laptops, share)
    [conflict] = laptops[2].sync.conflicts()
    assert conflict.is_deletion
    laptops[2].sync.resolve(conflict.id, DELETE)
    sync_all(laptops, share)
    for laptop in laptops:
        findings = laptop.notebook.visit(visit_id).findings
        assert [(f.text, f.position) for f in findings] == [("Labels peel off in the cold store", 0)]
        assert laptop.services.search.find_rows(VisitQuery(text="forklift")) == []
        assert laptop.sync.open_conflict_count() == 0
    assert laptops[0].data() == laptops[1].data() == laptops[2].data()


def test_keeping_a_visit_deleted_elsewhere_keeps_it_everywhere(laptops, share) -> None:
    visit_id = _shared_visit(laptops, share)
    laptops[0].notebook.delete_visit(visit_id)
    laptops[1].notebook.update_visit(visit_id, summary="Keep me")
    sync_all(laptops, share)
    laptops[0].sync.resolve(laptops[0].sync.conflicts()[0].id, KEEP)
    sync_all(laptops, share)
    for laptop in laptops:
        assert laptop.notebook.visit(visit_id).summary == "Keep me"
        assert laptop.sync.open_conflict_count() == 0


def test_a_finding_added_to_a_visit_deleted_elsewhere_keeps_the_visit(laptops, share) -> None:
    visit_id = _shared_visit(laptops, share)
    laptops[0].notebook.delete_visit(visit_id)
    laptops[1].notebook.add_finding(visit_id, "objection", "Too expensive for a pilot")
    sync_all(laptops, share)
    for laptop in laptops:
        visit = laptop.notebook.visit(visit_id)
        assert [f.text for f in visit.findings] == ["Too expensive for a pilot"]
        assert [c.field for c in laptop.sync.conflicts()] == ["_exists"]


def test_a_deletion_alone_deletes_everywhere(laptops, share) -> None:
    visit_id = _shared_visit(laptops, share)
    laptops[1].notebook.delete_visit(visit_id)
    sync_all(laptops, share)
    for laptop in laptops:
        assert laptop.notebook.visit_count() == 0
        assert laptop.services.search.find_rows(VisitQuery(text="plant")) == []


def test_prompts_ticked_on_two_laptops_merge_instead_of_conflicting(laptops, share) -> None:
    visit_id = _shared_visit(laptops, share)
    laptops[0].notebook.set_prompt_covered(visit_id, PROMPT_A, True)
    laptops[1].notebook.set_prompt_covered(visit_id, PROMPT_B, True)
    sync_all(laptops, share)
    for laptop in laptops:
        assert sorted(laptop.notebook.visit(visit_id).covered_prompts) == [PROMPT_A, PROMPT_B]
        assert laptop.sync.open_conflict_count() == 0
    laptops[0].notebook.set_prompt_covered(visit_id, PROMPT_A, False)
    laptops[1].notebook.set_prompt_covered(visit_id, PROMPT_C, True)
    sync_all(laptops, share)
    for laptop in laptops:
        assert sorted(laptop.notebook.visit(visit_id).covered_prompts) == [PROMPT_B, PROMPT_C]


def test_accounts_contacts_and_guides_sync_too(laptops, share) -> None:
    account, _ = laptops[0].notebook.create_account("Brightline", kind="prospect")
    contact, _ = laptops[0].notebook.add_contact(account.id, "Ines Duarte", role="Head of purchasing")
    guide, _ = laptops[1].services.guides.create_guide("Trade fair guide")
    sync_all(laptops, share)
    laptops[2].notebook.update_contact(contact.id, follow_up="email")
    laptops[0].services.guides.add_prompt(guide.id, "overview", "What brought you to our stand?")
    sync_all(laptops, share)
    for laptop in laptops:
        assert laptop.notebook.account(account.id).contacts[0].follow_up.value == "email"
        assert [p.text for p in laptop.services.guides.guide(guide.id).prompts] == ["What brought you to our stand?"]
    assert laptops[0].data() == laptops[1].data() == laptops[2].data()


def test_a_missing_folder_is_unreachable_and_changes_nothing(laptops, share, tmp_path) -> None:
    visit_id = _shared_visit(laptops, share)
    with pytest.raises(FolderUnreachable, match="unreachable"):
        laptops[0].sync_with(tmp_path / "not-mounted")
    assert laptops[0].notebook.visit(visit_id).title == "Plant tour"


def test_an_emptied_folder_is_unreachable_not_everything_deleted(laptops, share) -> None:
    visit_id = _shared_visit(laptops, share)
    for item in sorted(share.rglob("*"), reverse=True):
        item.rmdir() if item.is_dir() else item.unlink()
    before = laptops[1].data()
    with pytest.raises(FolderUnreachable):
        laptops[1].sync_with(share)
    assert laptops[1].data() == before
    assert laptops[1].notebook.visit(visit_id).title == "Plant tour"


def test_a_folder_with_other_files_is_not_taken_over(laptops, tmp_path) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "letter.txt").write_text("hello")
    with pytest.raises(SyncTeamMismatch):
        laptops[0].sync_with(documents)
    assert sorted(p.name for p in documents.iterdir()) == ["letter.txt"]


def test_the_command_line_syncs_lists_and_resolves_conflicts(laptops, share, capsys) -> None:
    visit_id = _shared_visit(laptops, share)
    laptops[0].notebook.update_visit(visit_id, summary="Alice's summary")
    laptops[1].notebook.update_visit(visit_id, summary="Bob's summary")
    paths = [laptop.path for laptop in laptops[:2]]
    for laptop in laptops:
        laptop.close()
    for path in paths + paths:
        assert main(["--db", str(path), "sync", str(share)]) == 0
    capsys.readouterr()
    assert main(["--db", str(paths[0]), "conflicts", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["field"] == "summary"
    assert {c["value"] for c in listed["candidates"]} == {"Alice's summary", "Bob's summary"}
    assert main(["--db", str(paths[0]), "conflicts"]) == 0
    text = capsys.readouterr().out
    assert listed["id"] in text and "Alice's summary" in text and "bob" in text
    bob_index = 1 + [c["value"] for c in listed["candidates"]].index("Bob's summary")
    assert main(["--db", str(paths[0]), "resolve", listed["id"], "--pick", str(bob_index)]) == 0
    assert main(["--db", str(paths[0]), "sync", str(share)]) == 0
    assert main(["--db", str(paths[1]), "sync", str(share)]) == 0
    capsys.readouterr()
    assert main(["--db", str(paths[1]), "conflicts"]) == 0
    assert "no open conflicts" in capsys.readouterr().err  # an empty result is a note
    assert main(["--db", str(paths[1]), "resolve", listed["id"], "--value", "x"]) == 1
    assert "resolved already" in capsys.readouterr().err
    assert main(["--db", str(paths[1]), "sync", str(share.parent / "gone")]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "unreachable" in error


def test_a_cancelled_sync_applies_nothing_and_the_next_one_does(laptops, share) -> None:
    from fieldnotes.domain.errors import OperationCancelled

    visit_id = _shared_visit(laptops, share)
    laptops[0].notebook.update_visit(visit_id, summary="Arrives after a cancel")
    laptops[0].sync_with(share)
    steps: list[tuple[int, int]] = []
    with pytest.raises(OperationCancelled):
        laptops[1].sync.sync(share, progress=lambda done, total: steps.append((done, total)), cancelled=lambda: True)
    assert laptops[1].notebook.visit(visit_id).summary == ""
    laptops[1].sync.sync(share, progress=lambda done, total: steps.append((done, total)))
    assert laptops[1].notebook.visit(visit_id).summary == "Arrives after a cancel"
    assert steps and all(0 <= done <= total for done, total in steps) and steps[-1][0] == steps[-1][1]
