"""No JSON file and no command line ends in a traceback: each is done, or refused in one line.

Hypothesis makes JSON files from a valid export with one part replaced by odd JSON text
(numbers of thousands of digits, lone surrogates, deep nesting, wrong types), and command
lines from the real commands and options with odd values. Every outcome must be exit
status 0, 1 (one line on standard error) or 2 (a command line that does not parse), never
3, an unexpected error. The budget is fixed and the examples derandomised, so that the
default run stays quick and repeatable; the `slow` run tries thousands.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldnotes.cli import EXIT_BUG, EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, main
from fieldnotes.services.sample import sample_team_path

QUICK = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
THOROUGH = settings(QUICK, max_examples=2500)

_MARK = "\u2063fuzzed\u2063"


# --- JSON ---------------------------------------------------------------------------------


def _small_export() -> dict:
    """The sample notebook cut down to two accounts and their visits: quick to import."""
    document = json.loads(sample_team_path().read_text(encoding="utf-8"))
    accounts = document["accounts"][:2]
    kept = {account["id"] for account in accounts}
    visits = [visit for visit in document["visits"] if visit["account_id"] in kept][:3]
    return {**document, "accounts": accounts, "visits": visits}


_BASE = _small_export()


def _paths(value: object, where: tuple = ()) -> list[tuple]:
    """Every place in a JSON value: the keys and indexes leading to it."""
    found = [where]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*where, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*where, index))
    return found


_PLACES = _paths(_BASE)

_number_text = st.one_of(
    st.integers().map(str),
    st.integers(min_value=1, max_value=6000).map(lambda digits: "7" * digits),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1e999", "-1e999", "NaN", "Infinity", "-Infinity", "1E400", "0.000001e-999", "-0", "1.5"]),
)
_string_text = st.one_of(
    st.text().map(lambda text: json.dumps(text)),
    st.sampled_from(['"\\ud800"', '"\\udfff"', '"a\\ud83d"', '"\\u0000"', '"\\ud83d\\ude00"', '""', '"2026-02-30"',
                     '"customer_visit"', '"need"']),
)
_leaf_text = st.one_of(_number_text, _string_text, st.sampled_from(["true", "false", "null"]))
_json_text = st.recursive(
    _leaf_text,
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(st.text(max_size=8), children, max_size=4).map(
            lambda members: "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in members.items()) + "}"
        ),
        st.integers(min_value=50, max_value=100_000).map(lambda depth: "[" * depth + "]" * depth),
    ),
    max_leaves=12,
)


def _with_part_replaced(place: tuple, fragment: str) -> str:
    """The base document as JSON text, with the value at `place` replaced by `fragment`."""
    if not place:
        return fragment
    document = json.loads(json.dumps(_BASE))
    owner = document
    for step in place[:-1]:
        owner = owner[step]
    owner[place[-1]] = _MARK
    return json.dumps(document, ensure_ascii=False).replace(json.dumps(_MARK, ensure_ascii=False), fragment, 1)


_documents = st.one_of(
    st.builds(_with_part_replaced, st.sampled_from(_PLACES), _json_text),
    _json_text,
    st.text(max_size=200),
)


def _import_outcome(database: Path, folder: Path, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = folder / "fuzzed.json"
    source.write_text(text, encoding="utf-8", errors="surrogatepass")
    capsys.readouterr()
    status = main(["--db", str(database), "import", str(source)])
    captured = capsys.readouterr()
    assert status in (EXIT_OK, EXIT_USER_ERROR), captured.err
    if status == EXIT_USER_ERROR:
        assert captured.err.count("\n") == 1 and captured.err.startswith("fieldnotes: error: "), captured.err


@pytest.fixture
def fuzz_folder(database_path: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "fuzz"
    folder.mkdir()
    shutil.copyfile(database_path, folder / "notebook.db")
    return folder


@QUICK
@given(text=_documents)
def test_no_json_file_makes_import_fail_with_a_traceback(fuzz_folder, capsys, text) -> None:
    _import_outcome(fuzz_folder / "notebook.db", fuzz_folder, text, capsys)


@pytest.mark.slow
@THOROUGH
@given(text=_documents)
def test_no_json_file_makes_import_fail_with_a_traceback_thoroughly(fuzz_folder, capsys, text) -> None:
    _import_outcome(fuzz_folder / "notebook.db", fuzz_folder, text, capsys)


# --- command lines ------------------------------------------------------------------------

#: Every command but the two that write files far away or wait on a share for long.
_COMMANDS = ["list", "search", "accounts", "contacts", "conflicts", "export", "import", "report", "resolve"]
_OPTIONS = ["--account", "--kind", "--from", "--to", "--competitor", "--min-severity", "--limit", "--json",
            "--pick", "--value", "--summary", "--title", "-o", "--help"]
_odd_words = st.one_of(
    st.sampled_from(["", "-", "--", "0", "-1", "99999999999999999999", "2026-02-30", "2026-13-01", "pump", "saint",
                     "ab", "Brasserie Saint-Éloi", "nope", "ride_along", "\"", "*", "NEAR(", "a OR", "x.pdf",
                     "out.json", "missing.json", ".", "..", "é", "\udcff"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)
_command_lines = st.tuples(
    st.sampled_from(_COMMANDS),
    st.lists(st.one_of(st.sampled_from(_OPTIONS), _odd_words), max_size=6),
    st.booleans(),
)


def _command_outcome(folder: Path, command: str, arguments: list[str], elsewhere: bool,
                     capsys: pytest.CaptureFixture[str]) -> None:
    database = folder / ("missing-folder/notebook.db" if elsewhere else "notebook.db")
    if command == "report" and not any(argument in ("-o", "--help") for argument in arguments):
        arguments = [*arguments, "-o", "report.pdf"]
    capsys.readouterr()
    try:
        status = main(["--db", str(database), command, *arguments])
    except SystemExit as stop:  # argparse: --help (0) or a command line that does not parse (2)
        status = stop.code if isinstance(stop.code, int) else EXIT_USAGE
        assert status in (EXIT_OK, EXIT_USAGE)
        return
    captured = capsys.readouterr()
    assert status != EXIT_BUG, captured.err
    assert status in (EXIT_OK, EXIT_USER_ERROR)
    if status == EXIT_USER_ERROR:
        assert captured.err.count("\n") == 1, captured.err


@pytest.fixture
def command_folder(fuzz_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    assert main(["--db", str(fuzz_folder / "notebook.db"), "import", str(sample_team_path())]) == EXIT_OK
    monkeypatch.chdir(fuzz_folder)
    return fuzz_folder


@QUICK
@given(line=_command_lines)
def test_no_command_line_fails_with_a_traceback(command_folder, capsys, line) -> None:
    _command_outcome(command_folder, *line, capsys)


@pytest.mark.slow
@THOROUGH
@given(line=_command_lines)
def test_no_command_line_fails_with_a_traceback_thoroughly(command_folder, capsys, line) -> None:
    _command_outcome(command_folder, *line, capsys)
