"""Field versions for team sync: the version log, its state, and triggers that note local edits.

Every change a user makes must become a field version that sync exchanges. Rather than
touch each use case, triggers on the synchronised tables note which records changed in
`sync_dirty` (one row per record, so a hundred autosaves of one visit cost one row); sync
turns them into versions by comparing each noted record with what its versions resolve to.
The triggers stay silent while sync itself writes remote changes (`sync_state.applying`).

Records that exist when this migration runs are noted as changed, so that the first sync
publishes them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:20:00
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The DDL is spelled out here, not imported, so that this revision stays what it was.
_TRACKED = {
    "account": ("name", "kind", "notes"),
    "contact": ("account_id", "name", "role", "buying_role", "follow_up", "email", "phone"),
    "visit": (
        "account_id", "title", "kind", "visited_on", "salesperson", "attendees", "objective",
        "summary", "notes", "next_step", "guide_id", "covered_prompts",
    ),
    "finding": (
        "visit_id", "kind", "position", "text", "quote", "severity", "is_new", "channel", "usage",
        "material", "value_kind", "competitor", "move_kind", "threat", "answer", "person",
        "buying_role", "criteria", "aware", "owner", "due_on", "done",
    ),
    "guide": ("name",),
    "guide_prompt": ("guide_id", "section", "text", "position"),
}
_QUIET = "WHEN coalesce((SELECT applying FROM sync_state WHERE id = 1), 0) = 0"


def upgrade() -> None:
    op.execute(
        "CREATE TABLE sync_state ("
        " id INTEGER PRIMARY KEY CHECK (id = 1),"
        " applying INTEGER NOT NULL DEFAULT 0,"
        " counter INTEGER NOT NULL DEFAULT 0,"
        " published INTEGER NOT NULL DEFAULT 0,"
        " hlc INTEGER NOT NULL DEFAULT 0,"
        " team_id TEXT,"
        " last_sync_at TEXT)"
    )
    op.execute("INSERT INTO sync_state (id) VALUES (1)")
    op.execute(
        "CREATE TABLE sync_dirty (kind TEXT NOT NULL, record_id TEXT NOT NULL,"
        " PRIMARY KEY (kind, record_id)) WITHOUT ROWID"
    )
    # `value` has no declared type: SQLite keeps each value as it was written (text,
    # integer or NULL), exactly as the visible column held it.
    op.execute(
        "CREATE TABLE field_version ("
        " site TEXT NOT NULL, counter INTEGER NOT NULL,"
        " kind TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, value,"
        " hlc INTEGER NOT NULL, author TEXT NOT NULL, written_at TEXT NOT NULL, parents TEXT NOT NULL,"
        " PRIMARY KEY (site, counter)) WITHOUT ROWID"
    )
    op.execute("CREATE INDEX ix_field_version_record ON field_version (record_id, kind)")
    op.execute(
        "CREATE INDEX ix_field_version_reference ON field_version (field, value, kind)"
        " WHERE field IN ('visit_id', 'account_id', 'guide_id')"
    )
    op.execute(
        "CREATE TABLE sync_conflict (id TEXT PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT NOT NULL,"
        " field TEXT NOT NULL, visit_id TEXT)"
    )
    op.execute("CREATE INDEX ix_sync_conflict_record ON sync_conflict (record_id, kind)")
    op.execute(
        "CREATE TABLE sync_segment (site TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL,"
        " modified_ns INTEGER NOT NULL, outcome TEXT NOT NULL, message TEXT NOT NULL, seen_at TEXT NOT NULL,"
        " PRIMARY KEY (site, name)) WITHOUT ROWID"
    )
    for table, columns in _TRACKED.items():
        note = f"INSERT OR IGNORE INTO sync_dirty (kind, record_id) VALUES ('{table}', %s.id)"
        op.execute(f"CREATE TRIGGER sync_note_{table}_insert AFTER INSERT ON {table} {_QUIET} BEGIN {note % 'NEW'}; END")
        op.execute(
            f"CREATE TRIGGER sync_note_{table}_update AFTER UPDATE OF id, {', '.join(columns)} ON {table} {_QUIET} "
            f"BEGIN {note % 'NEW'}; {note % 'OLD'}; END"
        )
        op.execute(f"CREATE TRIGGER sync_note_{table}_delete AFTER DELETE ON {table} {_QUIET} BEGIN {note % 'OLD'}; END")
        op.execute(f"INSERT OR IGNORE INTO sync_dirty (kind, record_id) SELECT '{table}', id FROM {table} WHERE true")


def downgrade() -> None:
    for table in _TRACKED:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS sync_note_{table}_{event}")
    for table in ("sync_segment", "sync_conflict", "field_version", "sync_dirty", "sync_state"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
