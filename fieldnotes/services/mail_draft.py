"""Starting a new message in the user's mail program with a report attached, where the platform allows.

Linux and other free desktops have `xdg-email`, which opens the user's mail program with
a subject and an attachment. On macOS, `open -a Mail FILE` starts a message in Apple Mail
with the file attached (without a subject). Windows offers no dependable way short of MAPI,
which many mail programs do not serve; there, and wherever the command is missing, the caller
shows the file in its folder and asks the user to attach it. Qt-free, so that which command
runs on which platform is tested without a window.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def mail_command(attachment: Path, subject: str, platform: str | None = None) -> list[str] | None:
    """The command that opens a new message with `attachment`, or None where there is none.

    Args:
        attachment: the file to attach.
        subject: the message's subject, where the platform's command can set one.
        platform: a `sys.platform` value; this computer's when None.
    """
    platform = sys.platform if platform is None else platform
    attached = str(Path(attachment).absolute())
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        program = shutil.which("xdg-email")
        return [program, "--subject", subject, "--attach", attached] if program else None
    if platform == "darwin":
        program = shutil.which("open")
        return [program, "-a", "Mail", attached] if program else None
    return None


def start_mail_draft(attachment: Path, subject: str, platform: str | None = None) -> subprocess.Popen | None:
    """Start the mail program on a new message with `attachment`; None when it could not be started.

    The mail program is left running on its own (a session of its own, so that it outlives
    fieldnotes). The caller may poll the returned process: `xdg-email` ends with a non-zero
    code when it finds no mail program.
    """
    command = mail_command(attachment, subject, platform)
    if command is None:
        return None
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return None
