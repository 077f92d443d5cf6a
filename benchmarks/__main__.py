"""Run the benchmarks and print each figure beside its floor.

Usage: `python -m benchmarks [MODULE ...]`, where MODULE is the name of a `bench_*.py`
file in this folder (`bench_core`); without one, every such module runs in name order.
Each module offers `run() -> list[tuple[name, measured_s, floor_s, note]]`: the floor is
the same work done the most direct way (plain sqlite3, a bare widget), so the ratio says
how much the application adds, and the note gives the target.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def available_modules() -> list[str]:
    """Names of every benchmark module in this folder, in name order."""
    return sorted(path.stem for path in FOLDER.glob("bench_*.py"))


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def _ratio(measured: float | None, floor: float | None) -> str:
    if measured is None or not floor:
        return "-"
    return f"{measured / floor:.1f}x"


def format_table(rows: list[tuple[str, float | None, float | None, str]]) -> str:
    """The rows as an aligned text table: name, measured, floor, ratio, target or note."""
    header = ("benchmark", "measured", "floor", "ratio", "target / note")
    lines = [header] + [(name, _seconds(measured), _seconds(floor), _ratio(measured, floor), note)
                        for name, measured, floor, note in rows]
    widths = [max(len(line[column]) for line in lines) for column in range(4)]
    out = []
    for index, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [line[c].rjust(widths[c]) for c in (1, 2, 3)] + [line[4]]
        out.append("  ".join(cells).rstrip())
        if index == 0:
            out.append("  ".join("-" * width for width in widths) + "  " + "-" * len(header[4]))
    return "\n".join(out)


def main(argv: list[str]) -> int:
    names = argv or available_modules()
    unknown = [name for name in names if name not in available_modules()]
    if unknown:
        sys.stderr.write(f"benchmarks: no module {unknown[0]!r}; available: {', '.join(available_modules())}\n")
        return 2
    failed = False
    rows: list[tuple[str, float | None, float | None, str]] = []
    for name in names:
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            module_rows = list(module.run())
        except Exception:  # one broken module must not hide the others' figures
            traceback.print_exc()
            rows.append((f"{name} (failed)", None, None, "see the traceback above"))
            failed = True
            continue
        rows.extend(module_rows)
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(format_table(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
