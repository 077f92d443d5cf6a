"""The full-text index kept by triggers: edits note the visits to re-index, commits re-index them.

Until this revision every use case re-indexed the visits it changed by hand, while sync's
bookkeeping was noted by triggers. Now both derived records work the same way: triggers
note which visits' text changed in `search_dirty` (one row per visit, however many edits
a transaction makes), and `storage.search_index.refresh` rewrites those index rows just
before the transaction commits, so an import of thousands of findings re-indexes each
visit once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 08:00:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Spelled out, not derived from the tables, so that this revision stays what it was;
# tests/unit/test_record_shape.py checks these lists against the searched columns.
_VISIT_COLUMNS = ("account_id", "title", "salesperson", "attendees", "objective", "summary", "notes", "next_step")
_FINDING_COLUMNS = ("visit_id", "text", "quote", "material", "competitor", "answer", "person", "criteria", "owner")
_ACCOUNT_COLUMNS = ("name",)
_NOTE = "INSERT OR IGNORE INTO search_dirty (pk)"


def upgrade() -> None:
    op.execute("CREATE TABLE search_dirty (pk INTEGER PRIMARY KEY)")
    op.execute(f"CREATE TRIGGER search_note_visit_insert AFTER INSERT ON visit BEGIN {_NOTE} VALUES (NEW.pk); END")
    op.execute(
        f"CREATE TRIGGER search_note_visit_update AFTER UPDATE OF {', '.join(_VISIT_COLUMNS)} ON visit "
        f"BEGIN {_NOTE} VALUES (NEW.pk); END"
    )
    # A trigger may not write the index itself: the connection does not trust the schema
    # (`trusted_schema=OFF`), and FTS5 tables are not safe for triggers then.
    op.execute(f"CREATE TRIGGER search_note_visit_delete AFTER DELETE ON visit BEGIN {_NOTE} VALUES (OLD.pk); END")
    by_visit = f"{_NOTE} SELECT pk FROM visit WHERE id = %s.visit_id"
    op.execute(f"CREATE TRIGGER search_note_finding_insert AFTER INSERT ON finding BEGIN {by_visit % 'NEW'}; END")
    op.execute(
        f"CREATE TRIGGER search_note_finding_update AFTER UPDATE OF {', '.join(_FINDING_COLUMNS)} ON finding "
        f"BEGIN {by_visit % 'NEW'}; {by_visit % 'OLD'}; END"
    )
    op.execute(f"CREATE TRIGGER search_note_finding_delete AFTER DELETE ON finding BEGIN {by_visit % 'OLD'}; END")
    op.execute(
        f"CREATE TRIGGER search_note_account_update AFTER UPDATE OF {', '.join(_ACCOUNT_COLUMNS)} ON account "
        f"BEGIN {_NOTE} SELECT pk FROM visit WHERE account_id = NEW.id; END"
    )


def downgrade() -> None:
    for trigger in (
        "search_note_visit_insert", "search_note_visit_update", "search_note_visit_delete", "search_note_finding_insert",
        "search_note_finding_update", "search_note_finding_delete", "search_note_account_update",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS search_dirty")
