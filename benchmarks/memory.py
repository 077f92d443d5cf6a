"""Peak resident memory of a benchmarked process, measured in that process itself.

`wait4`'s `ru_maxrss` is no good here: a child started by fork (or vfork) and exec inherits
the high-water mark of the parent's memory, so a benchmark run from a large parent reports
the parent. Instead the child runs under a small preamble that reads its own `VmHWM` from
`/proc/self/status` when it exits and writes it to standard error.
"""

from __future__ import annotations

import sys

PEAK_LINE = "peak-kib"

_PREAMBLE = f"""
import atexit, runpy, sys

def _report_peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write("{PEAK_LINE} " + line.split()[1] + "\\n")
                sys.stderr.flush()

atexit.register(_report_peak)
"""


def measured_module(module: str, *args: str) -> list[str]:
    """The command that runs `python -m module args...` and reports its own peak memory."""
    code = _PREAMBLE + f"sys.argv = [{module!r}, *sys.argv[1:]]\nrunpy.run_module({module!r}, run_name='__main__')\n"
    return [sys.executable, "-c", code, *args]


def measured_code(source: str) -> list[str]:
    """The command that runs Python `source` and reports its own peak memory."""
    return [sys.executable, "-c", _PREAMBLE + source]


def peak_kib(stderr_lines: list[str]) -> int:
    """The peak a measured process reported, in KiB."""
    for line in reversed(stderr_lines):
        if line.startswith(PEAK_LINE + " "):
            return int(line.split()[1])
    raise RuntimeError("the process did not report its peak memory")
