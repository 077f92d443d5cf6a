"""Segment files: one laptop's new record versions, as a small SQLite file written once.

Format 2 (written now) holds one row per record version, its fields as a JSON object;
format 1 (still read) held one row per field.

Writing builds the file on local disk. Reading treats a file from the share as hostile:
the caller copies it to local disk first; then its header is checked by hand (magic,
page size, length against the page count, application id, format), it is opened
read-only and immutable with `trusted_schema=OFF`, its schema must be exactly ours (no
view, trigger, index or extra table, so no code of its author can run), `quick_check` must
pass, and every row is read through explicit columns with its type and size checked.
A file that fails any check is rejected whole.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from fieldnotes import __version__
from fieldnotes.domain.limits import MAX_AUTHOR_CHARS, MAX_TEXT_CHARS
from fieldnotes.domain.versioning import RecordVersion
from fieldnotes.storage.sqlite_errors import known_failure
from fieldnotes.storage.versions import version_problem

#: `PRAGMA application_id` of a segment file ("FNSg").
SEGMENT_APPLICATION_ID = 0x464E5367
#: The segment format this version writes (the highest it reads); a file with a higher one
#: is kept aside until fieldnotes is updated. 1: one row per field; 2: one row per record
#: version, its fields as a JSON object.
SEGMENT_FORMAT = 2

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SEGMENT_TABLE = (
    "table",
    "segment",
    "CREATE TABLE segment (format INTEGER NOT NULL, team TEXT NOT NULL, site TEXT NOT NULL,"
    " first_counter INTEGER NOT NULL, last_counter INTEGER NOT NULL, version_count INTEGER NOT NULL,"
    " written_at TEXT NOT NULL, app_version TEXT NOT NULL)",
)
#: The exact schema of each readable format.
_SCHEMAS: dict[int, tuple[tuple[str, str, str], ...]] = {
    1: (
        _SEGMENT_TABLE,
        (
            "table",
            "version",
            "CREATE TABLE version (counter INTEGER PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT NOT NULL,"
            " field TEXT NOT NULL, value, hlc INTEGER NOT NULL, author TEXT NOT NULL, written_at TEXT NOT NULL,"
            " parents TEXT NOT NULL)",
        ),
    ),
    2: (
        _SEGMENT_TABLE,
        (
            "table",
            "version",
            "CREATE TABLE version (counter INTEGER PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT NOT NULL,"
            " fields TEXT NOT NULL, hlc INTEGER NOT NULL, author TEXT NOT NULL, written_at TEXT NOT NULL,"
            " parents TEXT NOT NULL)",
        ),
    ),
}
#: The format `write_segment` writes.
_WRITTEN_FORMAT = 2
MAX_SEGMENT_BYTES = 1 << 30
MAX_VALUE_CHARS = MAX_TEXT_CHARS
#: A record version's fields as JSON: every field at its largest, escaped, has room.
_MAX_FIELDS_CHARS = 64 * 6 * MAX_VALUE_CHARS
_MAX_FIELDS = 256
_SITE = re.compile(r"[0-9a-f]{32}\Z")
_KIND = re.compile(r"[a-z][a-z_]{0,31}\Z")
_FIELD = re.compile(r"_?[a-z][a-z0-9_]{0,63}\Z")
_PARENT = re.compile(r"[0-9a-f]{32}:[1-9][0-9]{0,17}\Z")
_MAX_PARENTS = 4096
_MAX_CLOCK = 1 << 62


class SegmentRejected(Exception):
    """The file is not a valid segment; the message says why, for the user."""


class SegmentFromNewerVersion(Exception):
    """The file is a segment in a format this version does not read yet."""

    def __init__(self, file_format: int) -> None:
        super().__init__(f"format {file_format}")
        self.file_format = file_format


@dataclass(frozen=True)
class SegmentInfo:
    """The metadata row every segment carries about itself."""

    team: str
    site: str
    first_counter: int
    last_counter: int
    version_count: int
    written_at: str
    app_version: str


def is_site_id(text: str) -> bool:
    return bool(_SITE.match(text))


def write_segment(path: Path, team: str, site: str, versions: list[RecordVersion], written_at: str) -> SegmentInfo:
    """Write these versions of `site` (all with that site, by counter) to a new segment file at `path`.

    Raises:
        DatabaseFileError: (a subclass) the local disk is full, failing or read-only.
        OSError: the file could not be replaced or flushed.
    """
    if not versions:
        raise ValueError("a segment holds at least one version")
    info = SegmentInfo(team, site, versions[0].counter, versions[-1].counter, len(versions), written_at,
                       __version__)
    path.unlink(missing_ok=True)
    try:
        _write(path, info, versions)
    except sqlite3.Error as error:
        failure = known_failure(error, path)
        if failure is None:
            raise
        raise failure from error
    with path.open("rb+") as stream:
        os.fsync(stream.fileno())
    return info


def _write(path: Path, info: SegmentInfo, versions: list[RecordVersion]) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("PRAGMA synchronous = OFF")  # the file is flushed once, below
        connection.execute(f"PRAGMA application_id = {SEGMENT_APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {_WRITTEN_FORMAT}")
        connection.execute("BEGIN")
        for _, _, sql in _SCHEMAS[_WRITTEN_FORMAT]:
            connection.execute(sql)
        connection.execute(
            "INSERT INTO segment VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_WRITTEN_FORMAT, info.team, info.site, info.first_counter, info.last_counter, info.version_count,
             info.written_at, info.app_version),
        )
        connection.executemany(
            "INSERT INTO version (counter, kind, record_id, fields, hlc, author, written_at, parents)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(v.counter, v.kind, v.record_id, json.dumps(v.fields, ensure_ascii=False, separators=(",", ":")),
              v.hlc, v.author, v.written_at, " ".join(v.parents))
             for v in versions],
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


def _check_header(path: Path) -> int:
    """Check the file's header by hand; return its segment format."""
    size = path.stat().st_size
    if size == 0:
        raise SegmentRejected("the file is empty (0 bytes)")
    if size > MAX_SEGMENT_BYTES:
        raise SegmentRejected("the file is too large to be a segment")
    with path.open("rb") as stream:
        header = stream.read(100)
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise SegmentRejected("not a fieldnotes sync file (it is not an SQLite file)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise SegmentRejected("the file is damaged (bad page size)")
    if header[18] != 1 or header[19] != 1:
        raise SegmentRejected("not a fieldnotes sync file (unexpected journal mode)")
    if size % page_size:
        raise SegmentRejected("the file is truncated or damaged")
    change_counter = int.from_bytes(header[24:28], "big")
    page_count = int.from_bytes(header[28:32], "big")
    if change_counter == int.from_bytes(header[92:96], "big") and page_count * page_size != size:
        raise SegmentRejected("the file is truncated or damaged (its length does not match its header)")
    if int.from_bytes(header[68:72], "big") != SEGMENT_APPLICATION_ID:
        raise SegmentRejected("not a fieldnotes sync file (it belongs to another program)")
    file_format = int.from_bytes(header[60:64], "big", signed=True)
    if file_format > SEGMENT_FORMAT:
        raise SegmentFromNewerVersion(file_format)
    if file_format < 1:
        raise SegmentRejected("not a fieldnotes sync file (no format version)")
    return file_format


def _text(value: object, what: str, limit: int, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or len(value) > limit or (pattern is not None and not pattern.match(value)):
        raise SegmentRejected(f"the file holds an invalid {what}")
    return value


def _integer(value: object, what: str, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise SegmentRejected(f"the file holds an invalid {what}")
    return value


def read_segment(path: Path, expected_site: str, expected_team: str) -> tuple[SegmentInfo, list[RecordVersion]]:
    """Validate a local copy of a segment and return its metadata and record versions.

    Raises:
        SegmentRejected: the file is damaged, foreign, tampered with, or not this site's.
        SegmentFromNewerVersion: the file is in a newer format; keep it for later.
    """
    header_format = _check_header(path)
    expected_schema = _SCHEMAS.get(header_format)
    if expected_schema is None:
        raise SegmentRejected(f"not a fieldnotes sync file (unknown format {header_format})")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise SegmentRejected(f"the file cannot be opened ({error})") from None
    try:
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, min(_MAX_FIELDS_CHARS, 2**31 - 1))
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA cell_size_check = ON")
        connection.execute("PRAGMA query_only = ON")
        try:
            schema = sorted(connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
        except sqlite3.DatabaseError as error:
            raise SegmentRejected(f"the file is damaged ({error})") from None
        if schema != sorted(expected_schema):
            extra = sorted({f"{kind} {name}" for kind, name, _ in schema}
                           - {f"{k} {n}" for k, n, _ in expected_schema})
            detail = f" (it also has {', '.join(extra)})" if extra else ""
            raise SegmentRejected(f"not a fieldnotes sync file: unexpected schema{detail}")
        try:
            if connection.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise SegmentRejected("the file is damaged (integrity check failed)")
            meta_rows = connection.execute(
                "SELECT format, team, site, first_counter, last_counter, version_count, written_at, app_version"
                " FROM segment LIMIT 2"
            ).fetchall()
            if len(meta_rows) != 1:
                raise SegmentRejected("the file has no segment description (it is empty or not a segment)")
            file_format, team, site, first, last, count, written_at, app_version = meta_rows[0]
            if file_format != header_format:
                raise SegmentRejected("the file's format does not match its header")
            info = SegmentInfo(
                _text(team, "team id", 64), _text(site, "site id", 32, _SITE),
                _integer(first, "counter", 1, _MAX_CLOCK), _integer(last, "counter", 1, _MAX_CLOCK),
                _integer(count, "count", 1, _MAX_CLOCK), _text(written_at, "date", 40),
                _text(app_version, "version", 40),
            )
            if info.site != expected_site:
                raise SegmentRejected("the file belongs to another laptop's folder")
            if info.team != expected_team:
                raise SegmentRejected("the file belongs to another team's sync folder")
            if header_format == 1:
                versions = _per_field_versions(connection, info)
            else:
                versions = _record_versions(connection, info)
            known_ids: set[str] = set()
            for version in versions:
                problem = version_problem(version, known_ids)
                if problem:  # what an import would refuse is refused from the share too
                    raise SegmentRejected(
                        f"the file holds a value no notebook may hold: change #{version.counter}: {problem}")
        except sqlite3.DatabaseError as error:
            raise SegmentRejected(f"the file is damaged ({error})") from None
        return info, versions
    finally:
        connection.close()


#: Checks, in SQL over the whole table, of the columns every format shares.
_COMMON_CHECKS = (
    "typeof(kind) != 'text' OR length(kind) > 32"
    " OR typeof(record_id) != 'text' OR length(record_id) NOT BETWEEN 1 AND 64"
    f" OR typeof(hlc) != 'integer' OR hlc < 0 OR hlc > {_MAX_CLOCK}"
    f" OR typeof(author) != 'text' OR length(author) > {MAX_AUTHOR_CHARS}"
    " OR typeof(written_at) != 'text' OR length(written_at) > 40"
    f" OR typeof(parents) != 'text' OR length(parents) > {60 * _MAX_PARENTS}"
    " OR parents GLOB '*[^0-9a-f: ]*'"
)


def _check_table(connection: sqlite3.Connection, info: SegmentInfo, format_checks: str) -> None:
    """Check types and sizes by SQL over the whole table (the schema is ours, so no code of
    the file's author runs), and that the rows are the ones the description announces."""
    count, lowest, highest, bad = connection.execute(
        f"SELECT count(*), min(counter), max(counter), total({_COMMON_CHECKS} OR {format_checks}) FROM version"
    ).fetchone()
    if bad:
        raise SegmentRejected("the file holds values of an unexpected type or size")
    if count != info.version_count or (count and (lowest != info.first_counter or highest != info.last_counter)):
        raise SegmentRejected("the file's versions do not match its description (truncated or altered)")


def _parents(text: str) -> tuple[str, ...]:
    parent_keys = tuple(text.split(" ")) if text else ()
    if not all(_PARENT.match(parent) for parent in parent_keys):
        raise SegmentRejected("the file holds an invalid parent list")
    return parent_keys


def _per_field_versions(connection: sqlite3.Connection, info: SegmentInfo) -> list[RecordVersion]:
    """The rows of a format 1 file (one per field), each as a record version of one field."""
    _check_table(connection, info, "typeof(field) != 'text' OR length(field) > 65"
                 " OR typeof(value) NOT IN ('null', 'integer', 'text')"
                 f" OR (typeof(value) = 'text' AND length(value) > {MAX_VALUE_CHARS})")
    for kind, name in connection.execute("SELECT DISTINCT kind, field FROM version"):
        _text(kind, "record kind", 32, _KIND)
        _text(name, "field name", 65, _FIELD)
    site = info.site
    return [
        RecordVersion(site, counter, kind, record_id, {name: value}, hlc, author, written_at, _parents(parents))
        for counter, kind, record_id, name, value, hlc, author, written_at, parents in connection.execute(
            "SELECT counter, kind, record_id, field, value, hlc, author, written_at, parents"
            " FROM version ORDER BY counter"
        )
    ]


@functools.lru_cache(maxsize=1024)
def _is_field_name(name: str) -> bool:
    """Whether `name` can name a field (remembered: a file repeats the same few names)."""
    return isinstance(name, str) and bool(_FIELD.match(name))


def _fields(text: str) -> dict[str, object]:
    """A record version's fields from their JSON text, each name and value checked."""
    try:
        fields = json.loads(text)
    except (ValueError, RecursionError):
        raise SegmentRejected("the file holds fields that are not valid JSON") from None
    if not isinstance(fields, dict) or not 1 <= len(fields) <= _MAX_FIELDS:
        raise SegmentRejected("the file holds an invalid set of fields")
    for name, value in fields.items():
        if not _is_field_name(name):
            raise SegmentRejected("the file holds an invalid field name")
        if value is None:
            continue
        if type(value) is int:
            if not -_MAX_CLOCK <= value <= _MAX_CLOCK:
                raise SegmentRejected("the file holds a number out of range")
        elif type(value) is str:
            if len(value) > MAX_VALUE_CHARS:
                raise SegmentRejected("the file holds values of an unexpected type or size")
        else:
            raise SegmentRejected("the file holds values of an unexpected type or size")
    return fields


def _record_versions(connection: sqlite3.Connection, info: SegmentInfo) -> list[RecordVersion]:
    """The rows of a format 2 file (one per record version)."""
    _check_table(connection, info, f"typeof(fields) != 'text' OR length(fields) > {_MAX_FIELDS_CHARS}")
    for (kind,) in connection.execute("SELECT DISTINCT kind FROM version"):
        _text(kind, "record kind", 32, _KIND)
    site = info.site
    return [
        RecordVersion(site, counter, kind, record_id, _fields(fields), hlc, author, written_at, _parents(parents))
        for counter, kind, record_id, fields, hlc, author, written_at, parents in connection.execute(
            "SELECT counter, kind, record_id, fields, hlc, author, written_at, parents FROM version ORDER BY counter"
        )
    ]
