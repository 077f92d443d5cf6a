"""The customer version of a visit report, the team's branding on every report, and the mail launcher."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldnotes.domain import audience
from fieldnotes.domain.audience import (
    ACCOUNT_FIELD_AUDIENCE,
    CONTACT_FIELD_AUDIENCE,
    VISIT_FIELD_AUDIENCE,
    customer_footer,
    undeclared,
)
from fieldnotes.domain.errors import ValidationError
from fieldnotes.domain.model import FINDING_KINDS, Audience, FieldType, FindingKind
from fieldnotes.services import mail_draft
from fieldnotes.services.reports import write_summary_report, write_visit_report
from fieldnotes.services.team_settings import TEAM_LOGO, TEAM_NAME
from tests.unit.report_support import assert_valid_pdf, contains, full_visit, pdf_text

PROJECT = Path(__file__).resolve().parents[2]

#: A tiny PNG (2×1 pixels, teal and orange), written out by the tests that need a logo file.
LOGO_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000020000000108020000007b40e8dd0000000f49444154"
    "789c63e48f2b3ec6be1d0007210266348614900000000049454e44ae426082"
)


def _write_logo(folder: Path, name: str = "logo.png") -> Path:
    path = folder / name
    path.write_bytes(LOGO_PNG)
    return path


# --- what the customer may read is declared for everything ---------------------------


def test_every_finding_kind_field_and_visit_field_says_who_may_read_it() -> None:
    assert undeclared() == []


def test_a_new_finding_kind_that_does_not_say_who_may_read_it_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    new_kind = FindingKind("testimonial", "testimonials", "Testimonials", "Testimonial", (), 9, hint="x")
    monkeypatch.setattr(audience, "FINDING_KINDS", (*FINDING_KINDS, new_kind))
    assert undeclared() == ["testimonial (the kind)"]
    shown = dataclasses.replace(new_kind, audience=Audience.CUSTOMER, fields=(
        dataclasses.replace(FINDING_KINDS[0].fields[0], name="rating", audience=None),))
    monkeypatch.setattr(audience, "FINDING_KINDS", (*FINDING_KINDS, shown))
    assert undeclared() == ["testimonial.rating"]


# --- the customer version leaves out what is internal --------------------------------


def _marker(audience_of: Audience, *where: str) -> str:
    """A distinctive string for one field, saying who may read it (so a leak names the field)."""
    return ("Secret" if audience_of is Audience.TEAM else "Shared") + "".join(part.title() for part in where)


def _filled_visit(services) -> tuple[str, list[str], list[str]]:
    """A visit with a distinctive string in every text field, derived from the declarations.

    Returns:
        the visit id, the strings the customer version must show, the strings it must not.
    """
    notebook = services.notebook
    account, _ = notebook.create_account("Brenner Logistik GmbH", "prospect", notes="SecretAccountNotes")
    jana, _ = notebook.add_contact(account.id, "Jana Brenner", role="Head of operations",
                                   buying_role="economic_buyer", follow_up="in_person")
    # Its title, like every text field, is given a marker below.
    visit, _ = notebook.create_visit(account.id, "customer_visit", title="Site visit", visited_on="2026-03-04")
    shown, hidden = ["Brenner Logistik GmbH", "Jana Brenner", "Head of operations"], ["SecretAccountNotes"]
    texts = {name: _marker(who, "visit", name) for name, who in VISIT_FIELD_AUDIENCE.items()}
    notebook.update_visit(visit.id, attendee_ids=[jana.id], **texts)
    for name, who in VISIT_FIELD_AUDIENCE.items():
        (shown if who is Audience.CUSTOMER else hidden).append(texts[name])
    for kind in FINDING_KINDS:
        kind_audience = kind.audience or Audience.TEAM
        text = _marker(kind_audience, kind.key)
        attributes: dict[str, object] = {}
        for spec in kind.fields:
            if spec.type in (FieldType.TEXT, FieldType.LONG_TEXT):
                field_audience = Audience.TEAM if kind_audience is Audience.TEAM else spec.audience or Audience.TEAM
                attributes[spec.name] = _marker(field_audience, kind.key, spec.name)
                (shown if field_audience is Audience.CUSTOMER else hidden).append(attributes[spec.name])
        notebook.add_finding(visit.id, kind.key, text, attributes)
        (shown if kind_audience is Audience.CUSTOMER else hidden).append(text)
    return visit.id, shown, hidden


def test_the_customer_version_shows_none_of_the_internal_fields(services, tmp_path: Path) -> None:
    visit_id, shown, hidden = _filled_visit(services)
    internal = write_visit_report(services, visit_id, tmp_path / "internal.pdf")
    customer = write_visit_report(services, visit_id, tmp_path / "customer.pdf", for_customer=True)
    assert_valid_pdf(customer)
    internal_text, customer_text = pdf_text(internal), pdf_text(customer)
    # The team's report shows every one of them, so their absence below is the customer version's doing.
    assert all(contains(internal_text, piece) for piece in shown + hidden if piece != "SecretAccountNotes")
    assert [piece for piece in hidden if contains(customer_text, piece)] == []
    assert [piece for piece in shown if not contains(customer_text, piece)] == []
    # Labels of what is left out: competitors' threat, contacts' buying role and follow-up preference,
    # the account's kind (a prospect), the sections for the team.
    for label in ("THREAT", "Economic buyer", "In person", "Buying role", "Prefers follow-up by", "Prospect",
                  "Answer that worked", "Decision criteria", "DID NOT KNOW", "OBJECTIVE"):
        assert label not in customer_text, label
        if label not in ("Prospect",):
            assert label in internal_text, label
    for kind in FINDING_KINDS:
        heading = kind.customer_title or kind.title
        assert (heading in customer_text) == (kind.audience is Audience.CUSTOMER), heading
    assert "Concerns raised" in customer_text and "Objections" not in customer_text


def test_every_page_of_the_customer_version_says_what_it_leaves_out(services, tmp_path: Path) -> None:
    visit_id = full_visit(services)
    for number in range(12):
        services.notebook.add_finding(visit_id, "need", f"Need number {number}. " + "A long need. " * 60)
    target = write_visit_report(services, visit_id, tmp_path / "customer.pdf", for_customer=True)
    reader = PdfReader(str(target))
    assert len(reader.pages) >= 2
    footer = customer_footer()
    assert footer.startswith("Customer version: internal objective, summary and notes, competitor moves")
    assert footer.endswith("testimonial and case-study candidates are left out.")
    for page in reader.pages:
        assert contains(page.extract_text(), footer)
    assert "customer version" in reader.metadata.subject
    internal = PdfReader(str(write_visit_report(services, visit_id, tmp_path / "internal.pdf")))
    assert "Customer version" not in internal.pages[0].extract_text()


def test_the_footer_names_every_section_left_out() -> None:
    footer = customer_footer()
    for kind in FINDING_KINDS:
        if kind.audience is Audience.TEAM:
            assert kind.title.lower() in footer
    assert "answers to objections" in footer and "contacts' buying roles" in footer
    assert all(CONTACT_FIELD_AUDIENCE[name] is Audience.CUSTOMER for name in ("name", "role"))
    assert ACCOUNT_FIELD_AUDIENCE["name"] is Audience.CUSTOMER


# --- the team's name and logo on every report ----------------------------------------


def _image_names(path: Path) -> list[set[str]]:
    """The image XObjects each page draws."""
    names = []
    for page in PdfReader(str(path)).pages:
        objects = page["/Resources"].get("/XObject") or {}
        names.append({name for name, item in objects.items() if item.get_object()["/Subtype"] == "/Image"})
    return names


def test_the_team_name_and_logo_head_every_page_of_every_report(services, tmp_path: Path) -> None:
    visit_id = full_visit(services)
    services.notebook.update_visit(visit_id, notes="\n\n".join(["A long note paragraph. " * 40] * 12))
    services.team.set(TEAM_NAME, "Northwind Field Marketing")
    services.team.set(TEAM_LOGO, str(_write_logo(tmp_path)))
    reports = [
        write_visit_report(services, visit_id, tmp_path / "visit.pdf"),
        write_visit_report(services, visit_id, tmp_path / "customer.pdf", for_customer=True),
        write_summary_report(services, [visit_id], tmp_path / "summary.pdf"),
    ]
    for report in reports:
        pages = PdfReader(str(report)).pages
        assert len(pages) >= 2 or report.name == "customer.pdf"
        for page in pages:
            assert "Northwind Field Marketing" in page.extract_text(), report.name
        images = _image_names(report)
        assert all(len(names) == 1 for names in images), report.name
        # One picture in the file, drawn on every page, not one copy per page.
        assert len(set().union(*images)) == 1


def test_without_branding_the_header_is_as_before(services, tmp_path: Path) -> None:
    target = write_visit_report(services, full_visit(services), tmp_path / "visit.pdf")
    assert _image_names(target) == [set() for _ in PdfReader(str(target)).pages]


def test_a_missing_logo_is_one_message_and_the_report_prints_without_it(services, tmp_path: Path) -> None:
    logo = _write_logo(tmp_path)
    services.team.set(TEAM_NAME, "Northwind")
    services.team.set(TEAM_LOGO, str(logo))
    logo.unlink()
    branding = services.team.branding()
    assert branding.logo is None and branding.team_name == "Northwind"
    assert branding.problem == f"team logo {logo}: no such file; the report is printed without it"
    target = write_visit_report(services, full_visit(services), tmp_path / "visit.pdf", branding=branding)
    assert "Northwind" in pdf_text(target)
    assert all(not names for names in _image_names(target))


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"GIF89a not printable", "is not a PNG or JPEG picture"),
    (LOGO_PNG[:40], "the picture is damaged"),
])
def test_a_logo_that_cannot_be_printed_is_refused_and_nothing_changes(services, tmp_path: Path, content,
                                                                      message) -> None:
    services.team.set(TEAM_LOGO, str(_write_logo(tmp_path, "good.png")))
    path = tmp_path / "bad.png"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        services.team.set(TEAM_LOGO, str(path))
    assert services.team.get(TEAM_LOGO) == str(tmp_path / "good.png")


def test_a_jpeg_logo_is_accepted_and_empty_values_clear(services, tmp_path: Path) -> None:
    from PIL import Image

    jpeg = tmp_path / "logo.jpg"
    Image.new("RGB", (60, 20), (15, 94, 115)).save(jpeg, "JPEG")
    assert services.team.set(TEAM_LOGO, str(jpeg)) == str(jpeg)
    assert services.team.branding().logo == jpeg.read_bytes()
    assert services.team.set(TEAM_LOGO, "") == ""
    assert services.team.branding().logo is None and services.team.branding().problem is None


@pytest.mark.parametrize("name", ["two\nlines", "x" * 121])
def test_a_team_name_must_be_one_short_line(services, name: str) -> None:
    with pytest.raises(ValidationError, match="team name"):
        services.team.set(TEAM_NAME, name)
    assert services.team.get(TEAM_NAME) == ""


# --- the command line, from a process of its own --------------------------------------


def _fieldnotes(database: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(PROJECT)}
    return subprocess.run([sys.executable, "-m", "fieldnotes", "--db", str(database), *arguments],
                          capture_output=True, text=True, env=environment, cwd=PROJECT, timeout=120)


def test_the_command_line_sets_the_branding_and_writes_the_customer_version(services, database_path: Path,
                                                                            tmp_path: Path) -> None:
    visit_id = full_visit(services)
    services.close()
    logo = _write_logo(tmp_path)
    assert _fieldnotes(database_path, "settings", "team-name", "Northwind Field Marketing").returncode == 0
    result = _fieldnotes(database_path, "settings", "logo", str(logo))
    assert result.returncode == 0 and result.stdout == f"logo set to {logo}\n"
    shown = _fieldnotes(database_path, "settings")
    assert shown.stdout == f"team-name\tNorthwind Field Marketing\nlogo\t{logo}\n"
    assert _fieldnotes(database_path, "settings", "team-name").stdout == "Northwind Field Marketing\n"

    result = _fieldnotes(database_path, "report", visit_id, "--for-customer", "-o", str(tmp_path / "customer.pdf"))
    assert result.returncode == 0, result.stderr
    written = tmp_path / "customer.pdf"
    assert result.stdout == f"wrote the customer version of the report of visit {visit_id} to {written}\n"
    text = pdf_text(tmp_path / "customer.pdf")
    assert "Northwind Field Marketing" in text and contains(text, "Customer version:")
    assert "Trackr" not in text and "We host it for them" not in text and "The board wants numbers" not in text
    assert "Pallets get lost between depots" in text and "IT cannot support another system" in text
    assert _image_names(tmp_path / "customer.pdf")[0]

    logo.unlink()
    result = _fieldnotes(database_path, "report", visit_id, "-o", str(tmp_path / "visit.pdf"))
    assert result.returncode == 0
    assert result.stderr == f"fieldnotes: team logo {logo}: no such file; the report is printed without it\n"
    assert "Trackr" in pdf_text(tmp_path / "visit.pdf")


@pytest.mark.parametrize("arguments, message", [
    (["settings", "logo", "missing.png"], "no such file"),
    (["settings", "team-name", "a\tb"], "one line of text"),
    (["report", "VISIT", "VISIT2", "--for-customer", "-o", "x.pdf"], "--for-customer makes the report of one visit"),
    (["report", "--from", "2026-01-01", "--for-customer", "-o", "x.pdf"], "--for-customer"),
])
def test_the_command_line_refuses_in_one_line_and_changes_nothing(database_path: Path, tmp_path: Path,
                                                                  arguments: list[str], message: str) -> None:
    result = _fieldnotes(database_path, *arguments)
    assert result.returncode == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert _fieldnotes(database_path, "settings").stdout == "team-name\t\nlogo\t\n"
    assert not (PROJECT / "x.pdf").exists()


# --- sending a report by email ---------------------------------------------------------


def test_linux_uses_xdg_email_with_subject_and_attachment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(mail_draft.shutil, "which", lambda name: f"/usr/bin/{name}")
    command = mail_draft.mail_command(tmp_path / "visit.pdf", "Depot walk-through", platform="linux")
    assert command == ["/usr/bin/xdg-email", "--subject", "Depot walk-through", "--attach", str(tmp_path / "visit.pdf")]


def test_macos_opens_mail_with_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(mail_draft.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert mail_draft.mail_command(tmp_path / "v.pdf", "s", platform="darwin") == [
        "/usr/bin/open", "-a", "Mail", str(tmp_path / "v.pdf")]


def test_without_xdg_email_or_on_windows_there_is_no_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(mail_draft.shutil, "which", lambda name: None)
    assert mail_draft.mail_command(tmp_path / "v.pdf", "s", platform="linux") is None
    assert mail_draft.start_mail_draft(tmp_path / "v.pdf", "s", platform="linux") is None
    monkeypatch.setattr(mail_draft.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert mail_draft.mail_command(tmp_path / "v.pdf", "s", platform="win32") is None


def test_a_mail_program_that_cannot_be_started_is_no_draft(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(mail_draft.shutil, "which", lambda name: str(tmp_path / "no-such-program"))
    assert mail_draft.start_mail_draft(tmp_path / "v.pdf", "s", platform="linux") is None


def test_the_draft_runs_the_platform_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script = tmp_path / "xdg-email"
    record = tmp_path / "arguments"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    script.chmod(0o755)
    monkeypatch.setattr(mail_draft.shutil, "which", lambda name: str(script))
    process = mail_draft.start_mail_draft(tmp_path / "v.pdf", "Visit report", platform="linux")
    assert process is not None and process.wait(timeout=30) == 0
    assert record.read_text().splitlines() == ["--subject", "Visit report", "--attach", str(tmp_path / "v.pdf")]


def test_the_customer_version_lists_only_the_people_at_the_meeting(services, tmp_path: Path) -> None:
    notebook = services.notebook
    account, _ = notebook.create_account("Brenner Logistik GmbH", "customer")
    jana, _ = notebook.add_contact(account.id, "Jana Brenner", role="Head of operations")
    notebook.add_contact(account.id, "Piet Absent", role="Controller")
    visit, _ = notebook.create_visit(account.id, "customer_visit", title="Pilot review", visited_on="2026-03-04")
    notebook.update_visit(visit.id, attendee_ids=[jana.id])
    customer = pdf_text(write_visit_report(services, visit.id, tmp_path / "customer.pdf", for_customer=True))
    internal = pdf_text(write_visit_report(services, visit.id, tmp_path / "internal.pdf"))
    assert "Jana Brenner" in customer and "Piet Absent" not in customer
    assert "Jana Brenner" in internal and "Piet Absent" in internal  # the team's version: every contact


def test_a_need_names_who_raised_it_even_without_a_quote(services, tmp_path: Path) -> None:
    notebook = services.notebook
    account, _ = notebook.create_account("Brenner Logistik GmbH", "customer")
    jana, _ = notebook.add_contact(account.id, "Jana Brenner", role="Head of operations")
    visit, _ = notebook.create_visit(account.id, "customer_visit", title="Pilot review", visited_on="2026-03-04")
    notebook.add_finding(visit.id, "need", "Pallets vanish between depots", {"speaker_id": jana.id})
    notebook.add_finding(visit.id, "value_perceived", "Same-day answers", {"speaker_id": jana.id})
    for name, for_customer in (("internal.pdf", False), ("customer.pdf", True)):
        text = pdf_text(write_visit_report(services, visit.id, tmp_path / name, for_customer=for_customer))
        # Once in the need, once in the value (the internal version also has the contacts table).
        lines = [line for line in text.splitlines() if line.strip().startswith("— Jana Brenner")]
        assert len(lines) == 2, (name, text)
