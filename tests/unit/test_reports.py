"""PDF reports: what a reader finds in them, in every script, however long the content."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldnotes.cli import EXIT_OK, EXIT_USER_ERROR, main
from fieldnotes.domain.errors import NotFoundError, OperationCancelled, ValidationError
from fieldnotes.domain.model import Finding, Visit, VisitKind
from fieldnotes.services.reports import write_summary_report, write_visit_report
from fieldnotes.services.reports.summary_report import summarise
from tests.unit.report_support import (
    ARABIC,
    CHINESE,
    CYRILLIC,
    EMOJI,
    FULL_VISIT_TEXTS,
    GREEK,
    HEBREW,
    JAPANESE,
    KOREAN,
    LATIN,
    MARKUP,
    arabic_letters_survive,
    assert_valid_pdf,
    contains,
    fonts_in,
    full_visit,
    pdf_text,
)


def test_visit_report_shows_every_field_a_user_typed(services, tmp_path: Path) -> None:
    visit_id = full_visit(services)
    target = write_visit_report(services, visit_id, tmp_path / "visit.pdf")
    text = pdf_text(target)
    missing = [piece for piece in FULL_VISIT_TEXTS if not contains(text, piece)]
    assert not missing
    for heading in ("Needs and pain points", "Information sources", "Value perceived", "Competitor moves",
                    "Objections", "Buying centre", "Awareness of our offering", "Follow-up actions",
                    "Agreed next step", "Objective"):
        assert heading.casefold() in text.casefold()


def test_each_themed_finding_shows_its_themes_as_the_list_names_them(services, tmp_path: Path) -> None:
    from fieldnotes.domain.terms import TermList

    account, _ = services.notebook.create_account("AT&T Werke")
    visit, _ = services.notebook.create_visit(account.id, title="Line 3 audit")
    need, _ = services.notebook.add_finding(visit.id, "need", "Energy bills doubled", {"severity": 4})
    objection, _ = services.notebook.add_finding(visit.id, "objection", "Too expensive")
    services.notebook.add_finding(visit.id, "follow_up", "Send the case study")
    services.terms.set_finding_themes(need.id, ["Energy audit", "Stillstand", "AT&T <pilot>"])
    services.terms.set_finding_themes(objection.id, ["Pricing", "Größe"])
    services.terms.rename(TermList.THEME, "Stillstand", "Downtime")
    text = pdf_text(write_visit_report(services, visit.id, tmp_path / "visit.pdf"))
    assert contains(text, "Themes: Energy audit, Downtime, AT&T <pilot>")
    assert contains(text, "Themes: Pricing, Größe")
    assert text.count("Themes:") == 2  # the follow-up carries none
    assert text.index("Energy bills doubled") < text.index("Energy audit") < text.index("Too expensive")


def test_visit_report_lists_needs_most_severe_first(services, tmp_path: Path) -> None:
    text = pdf_text(write_visit_report(services, full_visit(services), tmp_path / "visit.pdf"))
    assert text.index("Pallets get lost between depots") < text.index("Minor: label printer jams")
    assert "SEVERITY 5/5" in text


def test_visit_report_leaves_empty_sections_out(services, tmp_path: Path) -> None:
    visit, _ = services.notebook.create_visit(None, "debrief", title="Short debrief", visited_on="2026-02-01")
    services.notebook.add_finding(visit.id, "objection", "Too expensive")
    text = pdf_text(write_visit_report(services, visit.id, tmp_path / "short.pdf"))
    assert "Objections" in text and "Too expensive" in text
    lines = [line.strip().casefold() for line in text.splitlines()]
    for absent in ("Needs and pain points", "Competitor moves", "Follow-up actions", "Agreed next step",
                   "Objective", "Notes", "Summary"):
        assert not any(line.startswith(absent.casefold()) for line in lines), absent


def test_visit_report_has_page_numbers_running_header_and_metadata(services, tmp_path: Path) -> None:
    visit_id = full_visit(services)
    services.notebook.update_visit(visit_id, notes="\n\n".join(["A long note paragraph. " * 40] * 12))
    target = write_visit_report(services, visit_id, tmp_path / "visit.pdf")
    reader = PdfReader(str(target))
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert f"Page {number} of {pages}" in page_text
        assert "Brenner Logistik GmbH" in page_text and "4 March 2026" in page_text
    metadata = reader.metadata
    assert metadata.title == "Depot walk-through (4 March 2026)"
    assert metadata.author == "tester"
    assert "Brenner Logistik GmbH" in metadata.subject and "4 March 2026" in metadata.subject


def test_markup_characters_appear_exactly(services, tmp_path: Path) -> None:
    visit, _ = services.notebook.create_visit(None, "customer_visit", title=MARKUP, visited_on="2026-02-01")
    services.notebook.update_visit(visit.id, objective=MARKUP, notes=MARKUP + "\n\n" + MARKUP)
    services.notebook.add_finding(visit.id, "need", MARKUP, {"quote": MARKUP})
    services.notebook.add_finding(visit.id, "competitor_move", MARKUP, {"competitor": "<Acme & Sons>"})
    services.notebook.add_finding(visit.id, "follow_up", MARKUP, {"owner": "R&D <team>"})
    text = pdf_text(write_visit_report(services, visit.id, tmp_path / "markup.pdf"))
    assert text.count("AT&T said <unknown> & if a<b then") >= 5
    assert contains(text, MARKUP)
    assert "<Acme & Sons>" in text and "R&D <team>" in text
    assert "AT&T;" not in text


@pytest.mark.slow
def test_every_script_survives_and_fonts_are_embedded(services, tmp_path: Path) -> None:
    scripts = [LATIN, GREEK, CYRILLIC, CHINESE, JAPANESE, KOREAN, HEBREW, ARABIC, EMOJI]
    account, _ = services.notebook.create_account(f"{CHINESE} {CYRILLIC}", "customer")
    visit, _ = services.notebook.create_visit(account.id, "customer_visit", title=f"{GREEK} {KOREAN}",
                                              visited_on="2026-02-01")
    services.notebook.update_visit(visit.id, objective=f"{LATIN} {EMOJI}", next_step=JAPANESE,
                                   notes=f"{ARABIC}\n\n{HEBREW}")
    for script in scripts:
        services.notebook.add_finding(visit.id, "need", f"{script} (need)", {"quote": script})
    target = write_visit_report(services, visit.id, tmp_path / "scripts.pdf")
    text = pdf_text(target)
    for script in (LATIN, GREEK, CYRILLIC, CHINESE, JAPANESE, KOREAN, EMOJI):
        assert contains(text, script), script
    assert arabic_letters_survive(text, ARABIC)
    for word in HEBREW.split():
        assert word in text or word[::-1] in text, word
    embedded = fonts_in(target)
    assert embedded and all(embedded.values()), embedded
    assert any("NotoSansSC" in name or "NotoSansJP" in name for name in embedded)
    assert any("NotoSansArabic" in name for name in embedded)


def test_characters_without_a_glyph_show_a_visible_stand_in(services, tmp_path: Path) -> None:
    visit, _ = services.notebook.create_visit(None, "customer_visit", title="Private \ue000 use, bell \x07",
                                              visited_on="2026-02-01")
    text = pdf_text(write_visit_report(services, visit.id, tmp_path / "stand-in.pdf"))
    assert "[U+E000]" in text and "[U+0007]" in text


def test_hebrew_words_read_right_to_left(services, tmp_path: Path) -> None:
    visit, _ = services.notebook.create_visit(None, "customer_visit", title="Hebrew", visited_on="2026-02-01")
    services.notebook.update_visit(visit.id, notes="שלום עולם")
    target = write_visit_report(services, visit.id, tmp_path / "hebrew.pdf")
    words = subprocess.run(["pdftotext", "-bbox", str(target), "-"], capture_output=True, text=True,
                           check=True).stdout
    positions = {}
    for line in words.splitlines():
        for word in ("שלום", "עולם", "םולש", "םלוע"):
            if f">{word}</word>" in line:
                positions[word.replace("םולש", "שלום").replace("םלוע", "עולם")] = float(
                    line.split('xMin="')[1].split('"')[0])
    assert positions["שלום"] > positions["עולם"], "the first word typed must be the rightmost"


@pytest.mark.slow
def test_worst_cases_lay_out_across_pages(services, tmp_path: Path) -> None:
    words = ["pallet", "depot", "scanner", "качество", "ποιότητα", "price", "AT&T", "<x>"]
    note = " ".join(words[i % len(words)] for i in range(20_000)) + " END-OF-NOTE"
    giant_word = "W" * 300
    cell = " ".join(words[i % len(words)] for i in range(3_000)) + " END-OF-CELL"
    visit, _ = services.notebook.create_visit(None, "customer_visit", title=giant_word, visited_on="2026-02-01")
    for number in range(500):  # before the long texts, which every finding added would re-index
        services.notebook.add_finding(visit.id, "objection", f"finding {number}", {"answer": f"answer {number}"})
    services.notebook.add_finding(visit.id, "follow_up", cell, {"owner": giant_word})
    services.notebook.add_finding(visit.id, "need", "long quote", {"quote": cell.replace("CELL", "QUOTE")})
    services.notebook.update_visit(visit.id, notes=note, objective=giant_word)
    target = write_visit_report(services, visit.id, tmp_path / "worst.pdf")
    assert_valid_pdf(target)
    text = pdf_text(target)
    assert len(PdfReader(str(target)).pages) > 30
    for marker in ("END-OF-NOTE", "END-OF-CELL", "END-OF-QUOTE", "finding 499", "answer 499"):
        assert marker in text
    assert text.count("W") >= 3 * 300


def test_summary_adds_up_needs_competitors_channels_quotes_and_follow_ups(services, tmp_path: Path) -> None:
    first = full_visit(services, title="First visit", visited_on="2026-01-10")
    second = full_visit(services, title="Second visit", visited_on="2026-03-02")
    services.notebook.add_finding(second, "competitor_move", "Cut prices by 10%",
                                  {"competitor": "LogiSoft", "move_kind": "price", "threat": "medium"})
    services.notebook.add_finding(second, "information_source", "Would like webinars",
                                  {"channel": "webinar", "usage": "preferred"})
    target = write_summary_report(services, [second, first], tmp_path / "summary.pdf", title="Q1 & <more>")
    assert_valid_pdf(target)
    text = pdf_text(target)
    assert text.index("First visit") < text.index("Second visit")
    for expected in ("Q1 & <more>", "Needs that come up most", "Pallets get lost between depots", "Trackr",
                     "LogiSoft", "Channels buyers use and prefer", "Peers", "Webinar", "Strongest quotes",
                     "Every lost pallet is a penalty now", "Open follow-ups", "Send the Hamburg case study"):
        assert contains(text, expected), expected
    assert PdfReader(str(target)).metadata.title == "Q1 & <more>"


def test_summary_charts_are_vector_text_not_pictures(services, tmp_path: Path) -> None:
    visit_id = full_visit(services)
    target = write_summary_report(services, [visit_id], tmp_path / "summary.pdf")
    reader = PdfReader(str(target))
    for page in reader.pages:
        assert not list(page.images)
    # The chart's own labels are text: the month axis and the legend.
    assert "Mar 2026" in pdf_text(target)


def test_summary_needs_visits(services, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        write_summary_report(services, [], tmp_path / "empty.pdf")
    with pytest.raises(NotFoundError):
        write_summary_report(services, ["no-such-visit"], tmp_path / "missing.pdf")
    assert not (tmp_path / "missing.pdf").exists()


def test_progress_is_reported_up_to_the_total(services, tmp_path: Path) -> None:
    visit_id = full_visit(services)
    calls: list[tuple[int, int]] = []
    write_summary_report(services, [visit_id], tmp_path / "summary.pdf",
                         progress=lambda done, total: calls.append((done, total)))
    assert calls, "progress was never reported"
    assert all(0 < done <= total for done, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1][0] == calls[-1][1]


@pytest.mark.parametrize("cancel_after", [0, 3, 25])
def test_cancelling_leaves_the_previous_file_untouched(services, tmp_path: Path, cancel_after: int) -> None:
    visit_id = full_visit(services)
    target = tmp_path / "report.pdf"
    target.write_bytes(b"the previous report")
    polls = {"count": 0}

    def cancelled() -> bool:
        polls["count"] += 1
        return polls["count"] > cancel_after

    with pytest.raises(OperationCancelled):
        write_visit_report(services, visit_id, target, cancelled=cancelled)
    assert target.read_bytes() == b"the previous report"
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".report.pdf")) == []


def test_unknown_visit_is_a_user_error(services, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        write_visit_report(services, "no-such-visit", tmp_path / "x.pdf")


def test_report_into_a_missing_folder_is_a_user_error(services, tmp_path: Path) -> None:
    from fieldnotes.domain.errors import FieldnotesError

    with pytest.raises(FieldnotesError, match="does not exist"):
        write_visit_report(services, full_visit(services), tmp_path / "nowhere" / "x.pdf")


def test_command_line_loads_no_reportlab_until_a_report_is_asked_for() -> None:
    code = (
        "import sys\n"
        "from fieldnotes.cli import build_parser\n"
        "build_parser().parse_args(['report', 'x', '-o', 'x.pdf'])\n"
        "assert not [m for m in sys.modules if m.startswith('reportlab')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- counting across visits ------------------------------------------------------------


def _visit(visit_id: str, day: str, findings: list[tuple[str, str, dict]], account: str = "Acme") -> Visit:
    visit = Visit(visit_id, "account", f"Visit {visit_id}", VisitKind.CUSTOMER_VISIT, day, account_name=account)
    visit.findings = [Finding(f"{visit_id}-{index}", visit_id, kind, text, index, attributes)
                      for index, (kind, text, attributes) in enumerate(findings)]
    return visit


def test_summary_counts_the_same_need_however_it_is_spelled() -> None:
    visits = [
        _visit("a", "2026-01-05", [("need", "Lost pallets", {"severity": 5}),
                                   ("need", "Slow invoices", {"severity": 1})]),
        _visit("b", "2026-02-05", [("need", "lost  PALLETS.", {"severity": 3})], account="Brenner"),
    ]
    summary = summarise(visits)
    top = summary.needs[0]
    assert (top.mentions, len(top.visit_ids), top.highest_severity, top.average_severity) == (2, 2, 5, 4.0)
    assert top.accounts == {"Acme", "Brenner"}
    assert [tally.text for tally in summary.needs] == ["Lost pallets", "Slow invoices"]


def test_summary_tracks_competitors_over_months_and_keeps_the_highest_threat() -> None:
    visits = [
        _visit("a", "2026-01-05", [("competitor_move", "Pilot offer", {"competitor": "Trackr", "threat": "high",
                                                                      "move_kind": "promotion"})]),
        _visit("b", "2026-03-05", [("competitor_move", "Price cut", {"competitor": "trackr", "threat": "low",
                                                                    "move_kind": "price"})]),
    ]
    summary = summarise(visits)
    assert summary.months == ["2026-01", "2026-02", "2026-03"]
    (trackr,) = summary.competitors
    assert (trackr.mentions, trackr.highest_threat, trackr.latest) == (2, "high", ("2026-03-05", "Price cut"))
    assert dict(trackr.by_month) == {"2026-01": 1, "2026-03": 1}


def test_summary_counts_channels_keeps_open_follow_ups_and_ranks_quotes() -> None:
    visits = [_visit("a", "2026-01-05", [
        ("information_source", "", {"channel": "peers", "usage": "today"}),
        ("information_source", "", {"channel": "peers", "usage": "preferred"}),
        ("information_source", "", {"channel": "webinar", "usage": "preferred"}),
        ("follow_up", "Call back", {"due_on": "2026-02-01", "done": False}),
        ("follow_up", "Already sent", {"done": True}),
        ("need", "Mild", {"severity": 1, "quote": "It is a little annoying"}),
        ("need", "Acute", {"severity": 5, "quote": "We lose money every day"}),
        ("need", "Acute again", {"severity": 5, "quote": "we lose money every day."}),
    ])]
    summary = summarise(visits)
    assert summary.channels == {"peers": (1, 1), "webinar": (0, 1)}
    assert [finding.text for finding, _ in summary.open_follow_ups] == ["Call back"]
    assert [quote.text for quote in summary.quotes] == ["We lose money every day", "It is a little annoying"]
    assert summary.quotes[0].also_heard == 1


# --- the command line ------------------------------------------------------------------


def _report_command(database: Path, *arguments: str) -> int:
    return main(["--db", str(database), "--author", "tester", "report", *arguments])


def test_report_command_writes_a_visit_report_and_summaries(services, database_path: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    first = full_visit(services, title="January visit", visited_on="2026-01-10")
    second = full_visit(services, title="March visit", visited_on="2026-03-10")
    account_id = services.notebook.visit(second).account_id
    services.close()
    assert _report_command(database_path, first, "-o", str(tmp_path / "one.pdf")) == EXIT_OK
    assert "January visit" in pdf_text(tmp_path / "one.pdf")
    assert _report_command(database_path, first, second, "-o", str(tmp_path / "two.pdf")) == EXIT_OK
    assert _report_command(database_path, "--account", account_id, "-o", str(tmp_path / "account.pdf")) == EXIT_OK
    text = pdf_text(tmp_path / "account.pdf")
    assert "March visit" in text and "January visit" not in text
    assert _report_command(database_path, "--from", "2026-01-01", "--to", "2026-01-31", "--title", "January",
                           "-o", str(tmp_path / "period.pdf")) == EXIT_OK
    text = pdf_text(tmp_path / "period.pdf")
    assert "January visit" in text and "March visit" not in text
    assert "wrote a summary of 1 visit " in capsys.readouterr().out


@pytest.mark.parametrize("arguments, message", [
    (["-o", "x.pdf"], "name a visit"),
    (["no-such-visit", "-o", "x.pdf"], "no visit with id no-such-visit"),
    (["--account", "no-such-account", "-o", "x.pdf"], "no account has the id or name 'no-such-account'"),
    (["--from", "2030-01-01", "-o", "x.pdf"], "no visit matches"),
    (["--from", "2026-02-30", "-o", "x.pdf"], "--from"),
    (["--from", "2026-03-01", "--to", "2026-02-01", "-o", "x.pdf"], "is after --to"),
    (["some-id", "--account", "a", "-o", "x.pdf"], "not both"),
    (["some-id", "-o", "x.txt"], ".pdf"),
])
def test_report_command_explains_user_errors_in_one_line(database_path: Path, tmp_path: Path, arguments: list[str],
                                                         message: str, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _report_command(database_path, *arguments) == EXIT_USER_ERROR
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.slow
def test_chinese_in_a_fresh_process_is_embedded_small_and_measured_in_charts(tmp_path: Path) -> None:
    """The first report of a session may put Chinese in the header and in chart labels."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from fieldnotes.services.session import Services\n"
        "from fieldnotes.services.reports import write_summary_report\n"
        "folder = Path(sys.argv[1])\n"
        "services = Services.open(folder / 'n.db', author='t')\n"
        "account, _ = services.notebook.create_account('东京物流株式会社' * 12, 'customer')\n"
        "visit, _ = services.notebook.create_visit(account.id, 'customer_visit', title='訪問',\n"
        "                                          visited_on='2026-02-01')\n"
        "services.notebook.update_visit(visit.id, notes='我们需要更快的交货时间。' * 300)\n"
        "services.notebook.add_finding(visit.id, 'need', '交货时间太长', {'severity': 5})\n"
        "services.notebook.add_finding(visit.id, 'competitor_move', '新的促销', {'competitor': '竞争对手'})\n"
        "write_summary_report(services, [visit.id], folder / 'summary.pdf')\n"
        "services.close()\n"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True)
    target = tmp_path / "summary.pdf"
    assert_valid_pdf(target)
    text = pdf_text(target)
    assert "交货时间太长" in text and "竞争对手" in text and "东京物流株式会社" in text
    assert "[U+" not in text
    assert target.stat().st_size < 150_000, "the Chinese face must be embedded as a subset"
