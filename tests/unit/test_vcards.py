"""Contacts from vCard files: what a person importing a scanner's or a phone's cards gets.

Each fixture in tests/fixtures/vcards is a real-world shape: a scanner's vCard 3.0 with
folded lines and an embedded photo, a vCard 4.0, and an iPhone export with grouped
properties (item1.EMAIL) and TYPE parameters.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fieldnotes.domain.errors import ValidationError
from fieldnotes.services.session import Services
from fieldnotes.services.vcards import looks_like_vcard, read_cards

REPO = Path(__file__).resolve().parents[2]
CARDS = REPO / "tests" / "fixtures" / "vcards"


def _contacts(services: Services) -> dict[str, tuple[str, object]]:
    """Every contact by name: (its account's name, the contact)."""
    return {contact.name: (account.name, contact)
            for account in services.notebook.accounts() for contact in account.contacts}


def test_a_scanners_vcard_3_with_folded_lines_and_a_photo_imports_right(services: Services) -> None:
    services.notebook.create_account("Brasserie Saint-Éloi")
    done = services.vcards.import_file(CARDS / "scanner-3.0-folded-photo.vcf")
    account_name, contact = _contacts(services)["Dr. Amélie Lefèvre"]
    assert account_name == "Brasserie Saint-Éloi"  # ORG's first part finds the account
    assert contact.role == ("Responsable des achats et de la logistique pour les trois sites de production "
                            "du groupe")  # the folded line is whole again
    assert contact.email == "amelie.lefevre@saint-eloi.example"
    assert contact.phone == "+33 1 42 68 53 00"
    assert not done.accounts_created


def test_a_vcard_4_imports_right_and_its_company_becomes_a_new_account(services: Services) -> None:
    done = services.vcards.import_file(CARDS / "vcard-4.0.vcf")
    account_name, contact = _contacts(services)["Kenji Watanabe"]
    assert account_name == "Hafenwerk GmbH"
    assert services.notebook.account(done.accounts_created[0]).kind.value == "prospect"
    assert (contact.role, contact.email, contact.phone) == (
        "Leiter Instandhaltung", "Kenji.Watanabe@Hafenwerk.example", "+49-40-555-0100")


def test_an_iphone_export_takes_the_preferred_email_and_phone_of_each_card(services: Services) -> None:
    services.vcards.import_file(CARDS / "iphone-export.vcf")
    contacts = _contacts(services)
    account_name, zofia = contacts["Zofia Nowak"]
    assert account_name == "Łódź Packaging Sp. z o.o."
    assert (zofia.role, zofia.email, zofia.phone) == (
        "Dyrektor zakupów", "zofia.nowak@lodz-packaging.example", "+48 600 123 456")
    assert contacts["Marek"][0] == "Łódź Packaging Sp. z o.o."  # one account for both cards
    assert len(services.notebook.accounts()) == 1


def test_the_chosen_account_takes_every_contact(services: Services) -> None:
    account, _ = services.notebook.create_account("Hydrotech Distribution Benelux")
    services.vcards.import_file(CARDS / "iphone-export.vcf", account.id)
    assert {contact.name for contact in services.notebook.account(account.id).contacts} == {"Zofia Nowak", "Marek"}
    assert len(services.notebook.accounts()) == 1


def test_a_contact_with_the_same_email_is_updated_not_duplicated(services: Services) -> None:
    account, _ = services.notebook.create_account("Hafenwerk")
    contact, _ = services.notebook.add_contact(account.id, "K. Watanabe", email="kenji.watanabe@hafenwerk.EXAMPLE",
                                               buying_role="champion")
    done = services.vcards.import_file(CARDS / "vcard-4.0.vcf")
    [kept] = services.notebook.account(account.id).contacts
    assert kept.id == contact.id and kept.name == "Kenji Watanabe" and kept.role == "Leiter Instandhaltung"
    assert kept.buying_role.value == "champion"  # what the card does not say is kept
    assert (done.added, len(done.updated), done.accounts_created) == ([], 1, [])
    again = services.vcards.import_file(CARDS / "vcard-4.0.vcf")
    assert again.unchanged == 1 and not again.added and not again.updated
    assert len(services.notebook.accounts()) == 1


def test_a_malformed_card_is_named_in_one_line_and_nothing_is_imported(services: Services) -> None:
    with pytest.raises(ValidationError) as refused:
        services.vcards.import_file(CARDS / "malformed-second-card.vcf")
    message = str(refused.value)
    assert "\n" not in message
    assert "card 2 (Piet Broken)" in message and "malformed-second-card.vcf" in message
    assert services.notebook.accounts() == []  # not even the first, good card


@pytest.mark.parametrize(("text", "expected"), [
    ("", "holds no vCard"),
    ("BEGIN:VCARD\nVERSION:3.0\nFN:Ada Unclosed\n", "card 1 (Ada Unclosed)"),
    ("hello\nBEGIN:VCARD\nFN:x\nEND:VCARD\n", "line 1: text outside a vCard"),
    ("BEGIN:VCARD\nVERSION:3.0\nEMAIL:a@b.example\nEND:VCARD\n", "card 1 (no name)"),
])
def test_files_that_are_not_cards_are_refused_with_a_reason(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        read_cards(path)


def test_a_card_without_company_needs_a_chosen_account(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "alone.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Solo Person\r\nEND:VCARD\r\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="has no ORG"):
        services.vcards.import_file(path)
    account, _ = services.notebook.create_account("Walk-ins")
    services.vcards.import_file(path, account.id)
    assert [c.name for c in services.notebook.account(account.id).contacts] == ["Solo Person"]


def test_undo_takes_an_import_back(services: Services) -> None:
    account, _ = services.notebook.create_account("Hafenwerk")
    services.notebook.add_contact(account.id, "K. Watanabe", email="kenji.watanabe@hafenwerk.example")
    services.vcards.import_file(CARDS / "vcard-4.0.vcf")
    done = services.vcards.import_file(CARDS / "iphone-export.vcf")
    services.vcards.undo(done)
    assert [a.name for a in services.notebook.accounts()] == ["Hafenwerk"]
    updated = services.vcards.import_file(CARDS / "vcard-4.0.vcf")
    assert updated.unchanged == 1


def test_a_file_is_told_a_vcard_by_its_suffix_or_its_content(tmp_path: Path) -> None:
    assert looks_like_vcard(CARDS / "vcard-4.0.vcf")
    unnamed = tmp_path / "contacts.txt"
    unnamed.write_bytes(b"\xef\xbb\xbfBEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n")
    assert looks_like_vcard(unnamed)
    json_file = tmp_path / "visits.json"
    json_file.write_text('{"format": "fieldnotes"}', encoding="utf-8")
    assert not looks_like_vcard(json_file)


# --- the command line, in its own process ---------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fieldnotes", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=120, check=False)


def test_command_line_imports_cards_and_exports_spreadsheets(database_path: Path, tmp_path: Path) -> None:
    db = str(database_path)
    created = _run("--db", db, "import", str(CARDS / "iphone-export.vcf"))
    assert created.returncode == 0, created.stderr
    assert "2 new contacts" in created.stdout and "Łódź Packaging" in created.stdout
    onto = _run("--db", db, "import", str(CARDS / "vcard-4.0.vcf"), "--account", "packaging sp")
    assert onto.returncode == 0, onto.stderr
    listed = _run("--db", db, "contacts", "--account", "Łódź Packaging Sp. z o.o.")
    assert "Kenji Watanabe" in listed.stdout

    refused = _run("--db", db, "import", str(CARDS / "malformed-second-card.vcf"))
    assert refused.returncode == 1
    assert len(refused.stderr.splitlines()) == 1 and "card 2 (Piet Broken)" in refused.stderr
    assert "Ingrid" not in _run("--db", db, "contacts").stdout

    for crm, first_file in ((None, "accounts.csv"), ("hubspot", "companies.csv"), ("salesforce", "accounts.csv")):
        folder = tmp_path / f"export-{crm}"
        extra = ["--crm", crm] if crm else []
        exported = _run("--db", db, "export", "--csv", str(folder), *extra)
        assert exported.returncode == 0, exported.stderr
        assert (folder / first_file).read_bytes().startswith(b"\xef\xbb\xbf")

    missing = _run("--db", db, "export", "--csv", str(tmp_path / "no" / "such"))
    assert missing.returncode == 1 and len(missing.stderr.splitlines()) == 1
    assert not (tmp_path / "no").exists()
    wrong = _run("--db", db, "export", "--crm", "hubspot", str(tmp_path / "x.json"))
    assert wrong.returncode == 1 and "--csv" in wrong.stderr
