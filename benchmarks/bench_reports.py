"""How long PDF reports take, beside the same text laid out as bare ReportLab paragraphs.

Rows:
- a typical visit report (about three pages), warm, against its floor: the same user text as
  one plain paragraph each, in the same embedded text face, with no tables, badges, quotes,
  font switching or page furniture. Target: within 2x the floor and under 300 ms.
- the same report against every line it prints (headings, labels, badges and column titles
  included) as bare paragraphs: what the design costs beyond the words themselves.
- the first report in a fresh process (font registration and imports included), against
  the floor's first run in a fresh process.
- the same visit written in Chinese, the first time in a process (the Chinese face is cut
  to the characters used and instanced at regular weight), against the typical report.
- a summary of 100 visits against bare paragraphs of the text it shows.
- summaries of 25, 50 and 100 visits against the straight line through the 25- and 50-visit
  times: a ratio near 1.0x at 100 visits means time grows linearly with the number of visits.
- the typical report again, loaded from the database as the app does it.

Times are CPU seconds of the process doing the work, the best of several runs (the machine
is shared with test runs, which makes wall-clock times unsteady).

Run alone with `python -m benchmarks.bench_reports`.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fieldnotes.domain.model import FINDING_KINDS

Row = tuple[str, float, float, str]

_NEEDS = (
    "Pallets get lost between depots", "Scanners fail in the cold store", "Too many carriers to coordinate",
    "Invoices do not match deliveries", "Drivers lack training on the handhelds", "No view of stock in transit",
    "Returns take weeks to credit", "Spare parts arrive late", "Reports are built by hand every Monday",
    "Customs paperwork delays exports", "Night shift has no support line", "Penalties from the new SLA",
)
_COMPETITORS = ("Trackr", "LogiSoft", "PalletPro", "Kessler & Brandt", "Nordline")
_CHANNELS = ("sales_rep", "peers", "trade_press", "web_search", "supplier_website", "events", "newsletter",
             "webinar")
_WORDS = (
    "pallet depot scanner carrier invoice delivery driver handheld stock transit return credit spare part "
    "report customs export shift support penalty board budget pilot rollout price discount contract quarter "
    "warehouse forklift route schedule dock label barcode integration training onboarding dashboard"
).split()
_FIRST = ("Jana", "Lukas", "Tomás", "Maria", "Elif", "Sven", "Chiara", "Pieter", "Olga", "Farid")
_LAST = ("Brenner", "Hofmann", "Ruiz", "Keller", "Yilmaz", "Olsen", "Rossi", "Jansen", "Ivanova", "Haddad")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _finding(kind: str, number: int, rng: random.Random, day: str) -> dict:
    item: dict[str, object] = {"id": f"00000000-0000-4000-8000-{number:012x}", "text": _sentence(rng, 6, 16)}
    if kind == "need":
        item.update(text=rng.choice(_NEEDS), severity=rng.randint(1, 5), is_new=rng.random() < 0.3,
                    quote=_sentence(rng, 8, 20) if rng.random() < 0.5 else "")
    elif kind == "information_source":
        item.update(channel=rng.choice(_CHANNELS), usage=rng.choice(("today", "preferred")),
                    material=_sentence(rng, 2, 5))
    elif kind == "value_perceived":
        item.update(value_kind=rng.choice(("revenue", "cost", "risk", "time", "emotional")),
                    quote=_sentence(rng, 8, 16) if rng.random() < 0.4 else "")
    elif kind == "competitor_move":
        item.update(competitor=rng.choice(_COMPETITORS), move_kind=rng.choice(("campaign", "price", "promotion")),
                    threat=rng.choice(("low", "medium", "high")))
    elif kind == "objection":
        item.update(answer=_sentence(rng, 8, 18))
    elif kind == "buying_centre":
        item.update(person=_person(rng), buying_role=rng.choice(("decision_maker", "influencer", "user")),
                    criteria=_sentence(rng, 3, 7))
    elif kind == "awareness":
        item.update(aware=rng.random() < 0.4)
    elif kind == "follow_up":
        item.update(owner=_person(rng), due_on=day, done=rng.random() < 0.5)
    return item


def notebook_document(visit_count: int, findings_per_visit: int = 20, seed: int = 7,
                      text_scale: int = 1) -> dict:
    """An interchange document of realistic visits: a typical one is about three report pages."""
    rng = random.Random(seed)
    accounts = [{"id": f"00000000-0000-4000-a000-{number:012x}", "name": f"{name} GmbH", "kind": "customer",
                 "notes": "", "contacts": [{"id": f"00000000-0000-4000-b000-{number:012x}", "name": _person(rng),
                                            "role": "Head of operations", "buying_role": "decision_maker",
                                            "follow_up": "email", "email": "", "phone": ""}]}
                for number, name in enumerate(("Brenner Logistik", "Nordic Pallet", "Hafen Spedition",
                                               "Alpen Frost", "Rhein Cargo"))]
    visits = []
    number = 0
    for index in range(visit_count):
        day = f"2026-{1 + index * 11 // max(visit_count, 1):02d}-{1 + index % 27:02d}"
        visit: dict[str, object] = {
            "id": f"00000000-0000-4000-c000-{index:012x}",
            "account_id": accounts[index % len(accounts)]["id"],
            "title": _sentence(rng, 3, 6).rstrip("."), "kind": "customer_visit", "visited_on": f"{day}T10:30",
            "salesperson": _person(rng), "attendees": ", ".join(_person(rng) for _ in range(3)),
            "objective": _sentence(rng, 12, 24),
            "summary": " ".join(_sentence(rng, 12, 24) for _ in range(3 * text_scale)),
            "notes": "\n\n".join(_sentence(rng, 30, 60) for _ in range(3 * text_scale)),
            "next_step": _sentence(rng, 8, 16), "guide_id": None, "covered_prompts": [],
        }
        for kind in FINDING_KINDS:
            visit[kind.json_key] = []
        for position in range(findings_per_visit):
            kind = FINDING_KINDS[position % len(FINDING_KINDS)]
            number += 1
            visit[kind.json_key].append(_finding(kind.key, number, rng, day))
        visits.append(visit)
    return {"format": "fieldnotes", "version": 1, "accounts": accounts, "visits": visits}


def _open_notebook(folder: Path, document: dict, name: str):
    from fieldnotes.services.session import Services

    services = Services.open(folder / f"{name}.db", author="benchmark")
    services.interchange.import_document(document, "benchmark")
    return services


def _paired_best(work: Callable[[], object], floor: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Best times of the work and its floor, run in turns so that both meet the same load.

    Times are this process's CPU time: on a machine shared with test runs, wall-clock times
    of the same work vary by a factor of two, CPU times by a few percent.
    """
    work()
    floor()
    work_times, floor_times = [], []
    for _ in range(repeats):
        for action, times in ((work, work_times), (floor, floor_times)):
            start = time.process_time()
            action()
            times.append(time.process_time() - start)
    return min(work_times), min(floor_times)


def _best_seconds(work: Callable[[], object], repeats: int) -> float:
    """The fastest of several warm runs, in CPU time (see `_paired_best`)."""
    work()  # warm: imports, fonts, caches
    timings = []
    for _ in range(repeats):
        start = time.process_time()
        work()
        timings.append(time.process_time() - start)
    return min(timings)


def _bare_paragraphs(texts: list[str]) -> bytes:
    """The floor: each text as one plain paragraph in the embedded text face, nothing else."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from fieldnotes.services.reports.fonts import REGULAR, font_book
    from fieldnotes.services.reports.text import escape

    font_book().ensure_text_face()
    style = ParagraphStyle("bare", fontName=REGULAR, fontSize=9.5, leading=13.5)
    output = io.BytesIO()
    SimpleDocTemplate(output).build([Paragraph(escape(text), style) for text in texts if text.strip()])
    return output.getvalue()


def visit_texts(visit) -> list[str]:
    """Every piece of user text a visit report shows, in order."""
    texts = [visit.title, visit.account_name, visit.visited_on, visit.salesperson, visit.attendees,
             visit.objective, visit.summary, visit.next_step, *visit.notes.split("\n\n")]
    for finding in visit.findings:
        texts.append(finding.text)
        texts.extend(str(value) for value in finding.attributes.values() if isinstance(value, str) and value)
    return texts


def _summary_texts(services, visit_ids: list[str]) -> list[str]:
    from fieldnotes.services.reports.summary_report import summarise

    visits = [services.notebook.visit(visit_id) for visit_id in visit_ids]
    summary = summarise(visits)
    texts = []
    for visit in summary.visits:
        texts += [visit.visited_on, visit.account_name, visit.title, visit.salesperson, visit.next_step]
    texts += [f"{tally.text} {tally.mentions}" for tally in summary.needs]
    texts += [f"{tally.name} {tally.mentions} {tally.latest[1]}" for tally in summary.competitors]
    texts += [quote.text for quote in summary.quotes[:8]]
    texts += [
        f"{finding.text} {finding.get('owner')} {finding.get('due_on')}" for finding, _ in summary.open_follow_ups
    ]
    return texts


def _printed_lines(path: Path) -> list[str]:
    """Every line of text a PDF shows, in order."""
    from pypdf import PdfReader

    return [line for page in PdfReader(str(path)).pages for line in (page.extract_text() or "").splitlines()
            if line.strip()]


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


_COLD_SCRIPT = """
import sys, time, tempfile
from pathlib import Path
start = time.process_time()
from benchmarks.bench_reports import _bare_paragraphs, visit_texts, notebook_document, _open_notebook
folder = Path(tempfile.mkdtemp())
services = _open_notebook(folder, notebook_document(1), "cold")
visit = services.notebook.visit("00000000-0000-4000-c000-000000000000")
start = time.process_time()
if sys.argv[1] == "report":
    from fieldnotes.services.reports import write_visit_report
    write_visit_report(services, visit.id, folder / "cold.pdf")
else:
    _bare_paragraphs(visit_texts(visit))
print(time.process_time() - start)
"""


def _cold_seconds(which: str) -> float:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", _COLD_SCRIPT, which], cwd=root, check=True,
                            capture_output=True, text=True)
    return float(result.stdout.strip().splitlines()[-1])


def run() -> list[Row]:
    """Measure every report figure; each row is (name, measured s, floor s, note)."""
    from fieldnotes.services.reports import write_summary_report, write_visit_report
    from fieldnotes.services.reports.visit_report import write_visit_pdf

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        typical = _open_notebook(folder, notebook_document(1), "typical")
        visit_id = "00000000-0000-4000-c000-000000000000"
        target = folder / "typical.pdf"
        visit = typical.notebook.visit(visit_id)
        account = typical.notebook.account(visit.account_id)
        texts = visit_texts(visit)
        laid_out, floor = _paired_best(lambda: write_visit_pdf(visit, account, target, "benchmark"),
                                       lambda: _bare_paragraphs(texts), repeats=20)
        verdict = "met" if laid_out <= 2 * floor and laid_out < 0.3 else "missed"
        rows.append((f"visit report, typical ({_pages(target)} pages), warm", laid_out, floor,
                     f"loaded visit to PDF file; target <= 2x floor and < 300 ms: {verdict}"))
        printed = _printed_lines(target)
        laid_out_again, every_word_floor = _paired_best(
            lambda: write_visit_pdf(visit, account, target, "benchmark"), lambda: _bare_paragraphs(printed), repeats=20)
        rows.append(("visit report, typical, against every word it prints", laid_out_again, every_word_floor,
                     f"floor: all {len(printed)} printed lines (headings, labels, badges too) as bare paragraphs"))
        measured, floor = _paired_best(lambda: write_visit_report(typical, visit_id, target),
                                       lambda: _bare_paragraphs(texts), repeats=20)
        rows.append(("visit report, typical, with loading from the database", measured, floor,
                     f"what the user waits for; under 300 ms: {'met' if measured < 0.3 else 'missed'}"))
        rows.append(("visit report, first in a fresh process", _cold_seconds("report"), _cold_seconds("floor"),
                     "includes registering the fonts; floor: bare paragraphs, first in a fresh process"))

        chinese_document = notebook_document(1, seed=11)
        for visit in chinese_document["visits"]:
            for key in ("summary", "notes", "objective"):
                repeats = 1 if key == "objective" else 12
                visit[key] = "我们需要更快的交货时间，质量问题和价格是主要的担忧。" * repeats
        chinese = _open_notebook(folder, chinese_document, "chinese")
        start = time.process_time()
        write_visit_report(chinese, visit_id, folder / "chinese.pdf")
        chinese_seconds = time.process_time() - start
        size_kb = (folder / "chinese.pdf").stat().st_size / 1024
        rows.append(("visit report in Chinese, first CJK text in process", chinese_seconds, measured,
                     f"floor: the typical report; the CJK face is cut and instanced; PDF {size_kb:.0f} KB"))

        many = _open_notebook(folder, notebook_document(100, findings_per_visit=12, seed=3), "many")
        all_ids = [f"00000000-0000-4000-c000-{index:012x}" for index in range(100)]
        summary_target = folder / "summary.pdf"
        summary_seconds, summary_floor = _paired_best(
            lambda: write_summary_report(many, all_ids, summary_target),
            lambda: _bare_paragraphs(_summary_texts(many, all_ids)), repeats=3)
        rows.append((f"summary of 100 visits ({_pages(summary_target)} pages)", summary_seconds, summary_floor,
                     "floor: loading the visits and their text as bare paragraphs"))

        timings = {count: _best_seconds(
            lambda count=count: write_summary_report(many, all_ids[:count], summary_target), repeats=3)
            for count in (25, 50, 100)}
        per_visit = (timings[50] - timings[25]) / 25
        fixed = timings[25] - 25 * per_visit
        for count, seconds in timings.items():
            rows.append((f"summary of {count} visits, growth", seconds, fixed + per_visit * count,
                         f"floor: the line through 25 and 50 visits ({fixed * 1000:.0f} ms + "
                         f"{per_visit * 1000:.1f} ms a visit); ~1.0x at 100 means linear growth"))
        for services in (typical, chinese, many):
            services.close()
    return rows


def main() -> int:
    for name, measured, floor, note in run():
        ratio = f"{measured / floor:.1f}x" if floor else "-"
        print(f"{name:<55} {measured * 1000:9.1f} ms  floor {floor * 1000:9.1f} ms  {ratio:>6}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
