"""Reading a text file a user names (an export, a vCard file) with errors a user understands."""

from __future__ import annotations

from pathlib import Path

from fieldnotes.domain.errors import ValidationError


def read_utf8_text(path: Path) -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped).

    Raises:
        ValidationError: in one line naming the file, when it is missing, cannot be read or
            holds bytes that are not UTF-8.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file") from None
    except OSError as error:
        raise ValidationError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{path}: not UTF-8 text (byte {error.start})") from None
