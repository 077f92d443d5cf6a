"""Helpers for the report tests: a visit with every field filled, and reading PDFs back."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from pypdf import PdfReader

#: Text in every script the reports promise to show, and characters Paragraph would eat.
LATIN = "Café naïve façade Straße Øresund Łódź œuvre"
GREEK = "Καλημέρα, χρειαζόμαστε ταχύτερη παράδοση"
CYRILLIC = "Нам нужна более быстрая доставка"
CHINESE = "我们需要更快的交货时间"
JAPANESE = "納期をもっと早くしてほしいです"
KOREAN = "배송 시간을 단축해야 합니다"
HEBREW = "אנחנו צריכים משלוח מהיר"
ARABIC = "نحتاج إلى تسليم أسرع"
EMOJI = "👍🚀😀"
MARKUP = "AT&T said <unknown> & if a<b then \"quoted\" 'single' &amp; <b>not bold</b>"


def pdf_text(path: Path) -> str:
    """The text of a PDF as a reader's copy and paste would give it (pdftotext when installed)."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def squeezed(text: str) -> str:
    """Text without any white space, so that line breaks in the PDF do not matter."""
    return re.sub(r"\s+", "", text)


def contains(haystack: str, needle: str) -> bool:
    return squeezed(needle) in squeezed(haystack)


def arabic_letters_survive(extracted: str, phrase: str) -> bool:
    """Every letter of an Arabic phrase can be found in the extracted text.

    Shaped Arabic comes back in the glyphs' forms and visual order (ReportLab maps each joined
    form to one character of its own), so this compares the sets of base letters after
    compatibility decomposition, with the two look-alike forms of final yeh taken as one.
    """

    def letters(text: str) -> set[str]:
        decomposed = unicodedata.normalize("NFKD", text).replace("\u06cc", "\u0649")
        return {c for c in decomposed if "\u0620" <= c <= "\u064a"}

    return letters(phrase) <= letters(extracted)


def assert_valid_pdf(path: Path) -> None:
    """The file is a complete PDF by qpdf's structural check (or pypdf's reading of every page)."""
    if shutil.which("qpdf"):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    reader = PdfReader(str(path))
    assert len(reader.pages) >= 1


def fonts_in(path: Path) -> dict[str, bool]:
    """Every font the PDF uses, with whether its glyphs are embedded in the file."""
    reader = PdfReader(str(path))
    found: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont"))
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found[name] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def full_visit(services, title: str = "Depot walk-through", visited_on: str = "2026-03-04T10:30") -> str:
    """A visit with every field and every kind of finding filled in; returns its id."""
    notebook = services.notebook
    account, _ = notebook.create_account("Brenner Logistik GmbH", "customer")
    notebook.add_contact(account.id, "Jana Brenner", role="Head of operations", buying_role="decision_maker",
                         follow_up="in_person")
    visit, _ = notebook.create_visit(account.id, "ride_along", title=title, visited_on=visited_on)
    notebook.update_visit(
        visit.id,
        salesperson="Lukas Hofmann",
        attendees="Jana Brenner, Tomás Ruiz",
        objective="Learn how pallets are tracked between depots",
        summary="Operations is under pressure from the new SLA",
        notes="The board wants numbers, not features",
        next_step="Send a costed proposal by 15 May",
    )
    add = notebook.add_finding
    add(visit.id, "need", "Minor: label printer jams", {"severity": 2})
    add(visit.id, "need", "Pallets get lost between depots", {"severity": 5, "is_new": True,
                                                               "quote": "Every lost pallet is a penalty now"})
    add(visit.id, "information_source", "Asks peers at the association",
        {"channel": "peers", "usage": "today", "material": "Case studies with numbers"})
    add(visit.id, "value_perceived", "Fewer SLA penalties", {"value_kind": "cost",
                                                            "quote": "If it pays back in a quarter, we sign"})
    add(visit.id, "competitor_move", "Offered a free pilot for one depot",
        {"competitor": "Trackr", "move_kind": "promotion", "threat": "high"})
    add(visit.id, "objection", "IT cannot support another system", {"answer": "We host it for them"})
    add(visit.id, "buying_centre", "Signs off anything above 50k",
        {"person": "Dr. Weber", "buying_role": "economic_buyer", "criteria": "Payback period"})
    add(visit.id, "awareness", "Route planning module", {"aware": False})
    add(visit.id, "follow_up", "Send the Hamburg case study", {"owner": "Maria Keller", "due_on": "2026-05-10"})
    return visit.id


#: Every piece of user text `full_visit` puts in, which the visit report must show.
FULL_VISIT_TEXTS = (
    "Depot walk-through", "Brenner Logistik GmbH", "Lukas Hofmann", "Jana Brenner, Tomás Ruiz",
    "Learn how pallets are tracked between depots", "Operations is under pressure from the new SLA",
    "The board wants numbers, not features", "Send a costed proposal by 15 May", "Minor: label printer jams",
    "Pallets get lost between depots", "Every lost pallet is a penalty now", "Asks peers at the association",
    "Case studies with numbers", "Fewer SLA penalties", "If it pays back in a quarter, we sign",
    "Offered a free pilot for one depot", "Trackr", "IT cannot support another system", "We host it for them",
    "Signs off anything above 50k", "Dr. Weber", "Payback period", "Route planning module",
    "Send the Hamburg case study", "Maria Keller", "10 May 2026", "Head of operations",
)
