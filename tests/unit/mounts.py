"""A real second file system for sync tests: a small tmpfs, mounted for one test and always unmounted."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def mount_tmpfs(mount_point: Path, size: str) -> None:
    """Mount an empty tmpfs of `size` (e.g. "2m") at `mount_point`; skip the test where that is not allowed."""
    if not sys.platform.startswith("linux") or shutil.which("mount") is None:
        pytest.skip("a tmpfs needs Linux and mount(8)")
    mount_point.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(mount_point)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN): {result.stderr.strip()}")


def unmount(mount_point: Path) -> None:
    """Unmount `mount_point` if something is mounted there, even while files on it are open."""
    if os.path.ismount(mount_point):
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=True)


@contextlib.contextmanager
def tmpfs(mount_point: Path, size: str) -> Iterator[Path]:
    """A tmpfs mounted at `mount_point` for the duration of the block."""
    mount_point.mkdir(parents=True, exist_ok=True)
    mount_tmpfs(mount_point, size)
    try:
        yield mount_point
    finally:
        unmount(mount_point)


def fill(folder: Path) -> Path:
    """Fill the file system of `folder` until it is full; return the filler file to free it again."""
    filler = folder / "filler.bin"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        for size in (1 << 16, 512, 1):  # big blocks first, then whatever room is left
            block = os.urandom(size)
            with contextlib.suppress(OSError):
                while True:
                    os.write(descriptor, block)
    finally:
        os.close(descriptor)
    return filler
