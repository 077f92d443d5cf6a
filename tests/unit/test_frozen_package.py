"""The Linux package: built with PyInstaller, it runs every command and the app with no Python installed.

The package is built once for this module (about a minute) into a temporary folder, or taken
from `dist/` when `./dev package` built it after the last change to the code, resources or
packaging files. The executable runs with an environment that names no Python installation.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

from tests.unit.report_support import (
    ARABIC,
    CHINESE,
    CYRILLIC,
    EMOJI,
    GREEK,
    HEBREW,
    JAPANESE,
    KOREAN,
    LATIN,
    arabic_letters_survive,
    assert_valid_pdf,
    contains,
    fonts_in,
    pdf_text,
)

REPO = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
SAMPLE = REPO / "resources" / "sample" / "sample-team.json"

pytestmark = pytest.mark.slow


def _newest_source_change() -> float:
    sources = [REPO / "pyproject.toml"]
    for folder in ("fieldnotes", "resources", "packaging"):
        sources += [path for path in (REPO / folder).rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    return max(path.stat().st_mtime for path in sources)


@pytest.fixture(scope="module")
def package_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding the packaged `fieldnotes` folder and its tarball."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the package built and run here is the Linux one")
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[test]' installs it)")
    built = REPO / "dist"
    executable = built / "fieldnotes" / "fieldnotes"
    if executable.is_file() and executable.stat().st_mtime > _newest_source_change():
        return built
    folder = tmp_path_factory.mktemp("package")
    run = subprocess.run(
        [str(REPO / "packaging" / "build-linux"), sys.executable, str(folder / "dist"), str(folder / "work")],
        capture_output=True, text=True, timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return folder / "dist"


@pytest.fixture
def run_packaged(package_folder: Path, tmp_path: Path):
    """Runs the packaged executable with no Python on the paths and a data folder of its own."""
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        "FIELDNOTES_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }

    def run(*arguments: str, **extra_environment: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(package_folder / "fieldnotes" / "fieldnotes"), *arguments],
                              env={**environment, **extra_environment}, capture_output=True, text=True,
                              timeout=180, cwd=tmp_path)

    return run


def test_the_package_says_the_version_pyproject_declares(run_packaged) -> None:
    result = run_packaged("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"fieldnotes {VERSION}"


def test_the_tarball_holds_the_folder_with_its_executable(package_folder: Path) -> None:
    archive = package_folder / f"fieldnotes-{VERSION}-linux-{os.uname().machine}.tar.gz"
    with tarfile.open(archive) as contents:
        executable = contents.getmember("fieldnotes/fieldnotes")
        assert executable.mode & 0o111
        contents.getmember("fieldnotes/desktop/io.github.fieldnotes.Fieldnotes.desktop")


def test_the_packaged_commands_import_list_search_export_and_report(run_packaged, tmp_path: Path) -> None:
    notebook = str(tmp_path / "notebook.db")
    imported = run_packaged("--db", notebook, "import", str(SAMPLE))
    assert imported.returncode == 0, imported.stderr
    sample_titles = {visit["title"] for visit in json.loads(SAMPLE.read_text(encoding="utf-8"))["visits"]}

    listed = run_packaged("--db", notebook, "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert {line.split("\t")[3] for line in lines} == sample_titles

    found = run_packaged("--db", notebook, "search", "tender")
    assert found.returncode == 0 and found.stdout, found.stderr

    exported = run_packaged("--db", notebook, "export", str(tmp_path / "out.json"))
    assert exported.returncode == 0, exported.stderr
    assert {visit["title"] for visit in json.loads((tmp_path / "out.json").read_text("utf-8"))["visits"]} == \
        sample_titles

    summary = run_packaged("--db", notebook, "report", "--from", "2000-01-01", "--to", "2100-12-31",
                           "-o", str(tmp_path / "summary.pdf"))
    assert summary.returncode == 0, summary.stderr
    assert_valid_pdf(tmp_path / "summary.pdf")


def test_a_packaged_report_prints_every_script_with_the_fonts_it_carries(services, database_path: Path,
                                                                        run_packaged, tmp_path: Path) -> None:
    account, _ = services.notebook.create_account(f"{CHINESE} {CYRILLIC}", "customer")
    visit, _ = services.notebook.create_visit(account.id, "customer_visit", title=f"{GREEK} {KOREAN}",
                                              visited_on="2026-02-01")
    services.notebook.update_visit(visit.id, objective=f"{LATIN} {EMOJI}", next_step=JAPANESE,
                                   notes=f"{ARABIC}\n\n{HEBREW}")
    services.close()
    target = tmp_path / "scripts.pdf"
    result = run_packaged("--db", str(database_path), "report", visit.id, "-o", str(target))
    assert result.returncode == 0, result.stderr
    text = pdf_text(target)
    for script in (LATIN, GREEK, CYRILLIC, CHINESE, JAPANESE, KOREAN, EMOJI):
        assert contains(text, script), script
    assert arabic_letters_survive(text, ARABIC)
    for word in HEBREW.split():
        assert word in text or word[::-1] in text, word
    embedded = fonts_in(target)
    assert embedded and all(embedded.values()), embedded
    for face in ("FiraSans", "NotoSansSC", "NotoSansArabic", "NotoSansHebrew", "NotoEmoji"):
        assert any(face in name for name in embedded), (face, embedded)


def test_the_packaged_app_starts_on_a_new_notebook_and_quits(run_packaged, tmp_path: Path) -> None:
    result = run_packaged(QT_QPA_PLATFORM="offscreen", FIELDNOTES_QUIT_AFTER_START="1",
                          FIELDNOTES_TRACE_STARTUP="1")
    assert result.returncode == 0, result.stderr
    milestones = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("startup ")]
    assert milestones[-2:] == ["database-open", "ready"], result.stderr
    # The notebook was created through the migrations the package carries.
    listed = run_packaged("--db", str(tmp_path / "data" / "fieldnotes.db"), "list")
    assert listed.returncode == 0, listed.stderr
