"""The team's settings, kept in the notebook: its name and logo, printed on every report.

They live in the notebook file itself (its `meta` table), not in one laptop's preferences:
the team's branding belongs to the notebook, the app and the command line read and write the
same values, and a notebook moved to another computer keeps them. Each setting is declared
once here with its check; Edit › Team branding… and `fieldnotes settings` both go through it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes.domain.errors import ValidationError

if TYPE_CHECKING:
    from fieldnotes.storage.database import Database

#: Characters in a team's name (it must fit the running header of a report).
MAX_TEAM_NAME_CHARS = 120
#: Bytes in a logo file: a header's logo is small; a larger file is almost surely a photo.
MAX_LOGO_BYTES = 10 * 1024 * 1024

#: The first bytes of the picture formats a report can print, by name.
_IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def check_team_name(value: str) -> str:
    """The team's name as stored: one line, without surrounding spaces (empty: no name).

    Raises:
        ValidationError: it holds a line break or control character, or is too long.
    """
    name = value.strip()
    if any(not character.isprintable() for character in name):
        raise ValidationError("team name: one line of text, without line breaks or control characters")
    if len(name) > MAX_TEAM_NAME_CHARS:
        raise ValidationError(f"team name: {len(name):,} characters is too long (at most {MAX_TEAM_NAME_CHARS})")
    return name


def read_logo(path: Path) -> bytes:
    """The bytes of a logo file, once they are known to be a PNG or JPEG picture a report can print.

    Raises:
        ValidationError: the file is missing, unreadable, too large, or not a PNG or JPEG picture.
    """
    where = f"team logo {path}"
    try:
        if not path.is_file():
            raise ValidationError(f"{where}: no such file" if not path.exists() else f"{where}: is not a file")
        if path.stat().st_size > MAX_LOGO_BYTES:
            raise ValidationError(f"{where}: larger than {MAX_LOGO_BYTES // (1024 * 1024)} MB; use a small PNG or JPEG")
        data = path.read_bytes()
    except OSError as error:
        raise ValidationError(f"{where}: cannot be read ({error.strerror or error})") from None
    if not any(data.startswith(signature) for signature in _IMAGE_SIGNATURES):
        raise ValidationError(f"{where}: is not a PNG or JPEG picture")
    from reportlab.lib.utils import ImageReader

    try:
        width, height = ImageReader(io.BytesIO(data)).getSize()
    except Exception:  # ReportLab and Pillow raise many types for a damaged picture
        raise ValidationError(f"{where}: the picture is damaged and cannot be read") from None
    if width < 1 or height < 1:
        raise ValidationError(f"{where}: the picture is empty")
    return data


def check_logo_path(value: str) -> str:
    """The logo's path as stored: absolute, naming a PNG or JPEG file that can be read (empty: no logo).

    Raises:
        ValidationError: see `read_logo`.
    """
    if not value.strip():
        return ""
    path = Path(value.strip()).expanduser().absolute()
    read_logo(path)
    return str(path)


@dataclass(frozen=True)
class NotebookSetting:
    """One setting kept in the notebook.

    Attributes:
        name: its name on the command line (`fieldnotes settings NAME VALUE`).
        label: its name in the app.
        description: what it does, for help texts.
        check: turns a value given by the user into the value stored, or raises ValidationError.
    """

    name: str
    label: str
    description: str
    check: Callable[[str], str]

    @property
    def meta_key(self) -> str:
        return f"setting.{self.name}"


TEAM_NAME = NotebookSetting("team-name", "Team name", "the team's name, in the header of every report",
                            check_team_name)
TEAM_LOGO = NotebookSetting("logo", "Team logo", "a PNG or JPEG file, drawn in the header of every report",
                            check_logo_path)

#: Every setting kept in the notebook, by its command-line name.
NOTEBOOK_SETTINGS: dict[str, NotebookSetting] = {setting.name: setting for setting in (TEAM_NAME, TEAM_LOGO)}


@dataclass(frozen=True)
class Branding:
    """What a report prints of the team: its name and logo.

    Attributes:
        team_name: empty when the team has not named itself.
        logo: the logo picture's bytes; None when there is none or it cannot be printed.
        problem: why a logo that was set cannot be printed (the report goes out without it).
    """

    team_name: str = ""
    logo: bytes | None = None
    problem: str | None = None


#: A team that has set neither a name nor a logo.
NO_BRANDING = Branding()


class TeamSettings:
    """Reads and writes the settings kept in one notebook."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def get(self, setting: NotebookSetting) -> str:
        """The value of `setting` (empty when it was never set)."""
        return self._database.meta(setting.meta_key) or ""

    def set(self, setting: NotebookSetting, value: str) -> str:
        """Check and store a new value of `setting` (empty clears it); return the value stored.

        Raises:
            ValidationError: the value is refused; the stored value is unchanged.
        """
        stored = setting.check(value)
        self._database.set_meta(setting.meta_key, stored)
        return stored

    def branding(self) -> Branding:
        """The team's name and logo as a report prints them, reading the logo file now."""
        team_name = self.get(TEAM_NAME)
        logo_path = self.get(TEAM_LOGO)
        if not logo_path:
            return Branding(team_name)
        try:
            logo = read_logo(Path(logo_path))
        except ValidationError as error:
            return Branding(team_name, problem=f"{error}; the report is printed without it")
        return Branding(team_name, logo)
