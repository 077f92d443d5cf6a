"""Versions stored by record: one row per change to a record, holding every field it set.

Until this revision the log held one row per field: a visit with its findings came to
about 72 rows, so a notebook's first sync tripled its size and took a minute at 10,000
visits. Now a change to a record is one row whose `fields` is a JSON object of the fields
it set (values kept as text, integer or null, as the visible columns hold them). The
identity is still (site, counter) and parents still name identities, so the merge rule
is unchanged: a row stands for one version per field it sets.

Records that arrived before their parent (a finding before its visit) are listed in
`sync_waiting` with the parent they wait for, so that they are found when it comes; an
index over every version's reference would cost more than the versions' own identity.
Rows name their site by a number (`sync_site`), which keeps each row and the identity
index small. Existing per-field rows become one-field rows with their identity.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Spelled out, not imported, so that this revision stays what it was.
_PARENT_COLUMNS = {"contact": "account_id", "visit": "account_id", "guide_prompt": "guide_id", "finding": "visit_id"}


def upgrade() -> None:
    op.execute("CREATE TABLE sync_site (number INTEGER PRIMARY KEY, site TEXT NOT NULL UNIQUE)")
    op.execute("INSERT INTO sync_site (site) SELECT DISTINCT site FROM field_version ORDER BY site")
    op.execute(
        "CREATE TABLE record_version ("
        " site_number INTEGER NOT NULL REFERENCES sync_site (number), counter INTEGER NOT NULL,"
        " kind TEXT NOT NULL, record_id TEXT NOT NULL, fields TEXT NOT NULL,"
        " hlc INTEGER NOT NULL, author TEXT NOT NULL, written_at TEXT NOT NULL, parents TEXT NOT NULL)"
    )
    op.execute(
        "INSERT INTO record_version (site_number, counter, kind, record_id, fields, hlc, author, written_at, parents)"
        " SELECT s.number, fv.counter, fv.kind, fv.record_id, json_object(fv.field, fv.value), fv.hlc, fv.author,"
        " fv.written_at, fv.parents FROM field_version fv JOIN sync_site s ON s.site = fv.site"
        " ORDER BY fv.site, fv.counter"
    )
    # A rowid table: rows hold whole records, which a WITHOUT ROWID tree packs poorly.
    op.execute("CREATE UNIQUE INDEX ix_record_version_identity ON record_version (site_number, counter)")
    op.execute("CREATE INDEX ix_record_version_record ON record_version (record_id)")
    op.execute(
        "CREATE TABLE sync_waiting (kind TEXT NOT NULL, record_id TEXT NOT NULL, parent_id TEXT NOT NULL,"
        " PRIMARY KEY (kind, record_id)) WITHOUT ROWID"
    )
    op.execute("CREATE INDEX ix_sync_waiting_parent ON sync_waiting (parent_id)")
    for kind, column in _PARENT_COLUMNS.items():
        # Every record with a reference and no row: a few may be deleted ones, which are
        # looked at once more when their parent comes and then dropped from the list.
        op.execute(
            "INSERT OR IGNORE INTO sync_waiting (kind, record_id, parent_id)"
            f" SELECT kind, record_id, value FROM field_version fv WHERE kind = '{kind}' AND field = '{column}'"
            f" AND typeof(value) = 'text' AND NOT EXISTS (SELECT 1 FROM {kind} WHERE id = fv.record_id)"
        )
    op.execute("DROP TABLE field_version")


def downgrade() -> None:
    # One way on purpose: a record version's identity names all its fields at once, and
    # splitting it back into one row per field would have to invent identities that the
    # other laptops never saw. fieldnotes never downgrades: a failed upgrade is undone by
    # restoring the backup taken just before it (`storage.database.open_database`).
    raise RuntimeError(
        "revision 0006 cannot be undone in place; restore the notebook from the backup taken before the upgrade"
    )
