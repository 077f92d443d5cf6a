"""Reports made one after another in one process, as the app makes them, and their files.

The app makes every report of a session in one process; each must print every character
it holds, whatever the reports before it printed, and the file must be readable by
whoever the user's umask lets read new files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.unit.report_support import CHINESE, CYRILLIC, GREEK, JAPANESE, KOREAN, contains, pdf_text

REPO = Path(__file__).resolve().parents[2]

#: One report each, in this order: later ones need characters of faces earlier ones cut.
TEXTS = (
    CHINESE,
    JAPANESE,
    "仓库管理系统升级计划，价格谈判",  # more Chinese, none of it in the first report
    KOREAN,
    "물류 창고 관리 시스템",  # more Korean
    f"{GREEK} {CYRILLIC} 东京物流株式会社の倉庫",  # Chinese and Japanese characters seen before and new ones
)

_MAKE_REPORTS = """
import json, os, sys
from pathlib import Path
from fieldnotes.services.session import Services
from fieldnotes.services.reports import write_summary_report, write_visit_report
folder = Path(sys.argv[1])
os.umask(int(sys.argv[2], 8))
services = Services.open(folder / "notebook.db", author="tester")
visit_ids = []
for index, text in enumerate(json.loads(sys.argv[3])):
    account, _ = services.notebook.create_account(f"Account {index}", "customer")
    visit, _ = services.notebook.create_visit(account.id, "customer_visit", title=f"Visit {index}",
                                              visited_on="2026-02-01")
    services.notebook.update_visit(visit.id, notes=text)
    visit_ids.append(visit.id)
    write_visit_report(services, visit.id, folder / f"visit-{index}.pdf")
write_summary_report(services, visit_ids, folder / "summary.pdf")
services.close()
"""


def _make_reports(folder: Path, umask: str, texts: tuple[str, ...] = TEXTS) -> None:
    subprocess.run([sys.executable, "-c", _MAKE_REPORTS, str(folder), umask, json.dumps(texts)],
                   check=True, cwd=REPO, timeout=300)


def test_every_report_in_one_process_prints_every_character_of_every_script(tmp_path: Path) -> None:
    _make_reports(tmp_path, "022")
    for index, text in enumerate(TEXTS):
        extracted = pdf_text(tmp_path / f"visit-{index}.pdf")
        assert contains(extracted, text), (index, text, extracted[-300:])
    assert contains(pdf_text(tmp_path / "summary.pdf"), "Visit 5")


def test_reports_are_written_with_the_permissions_the_umask_gives(tmp_path: Path) -> None:
    for umask, mode in (("022", 0o644), ("002", 0o664), ("077", 0o600)):
        folder = tmp_path / umask
        folder.mkdir()
        _make_reports(folder, umask, ("Shared drive",))
        written = sorted(folder.glob("*.pdf"))
        assert written and all(os.stat(path).st_mode & 0o777 == mode for path in written), umask
        assert not list(folder.glob(".*.part"))
