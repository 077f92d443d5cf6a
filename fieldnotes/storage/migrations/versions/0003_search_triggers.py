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


def _note(pk: str) -> str:
    """Note one visit (by the expression for its key), once.

    Not `INSERT OR IGNORE`: inside a trigger, the conflict policy of the statement that
    fired it wins, and sync's upserts would turn a second note into an error.
    """
    return f"INSERT INTO search_dirty (pk) SELECT {pk} WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE pk = {pk})"


def _note_visit_of(finding: str) -> str:
    return (
        "INSERT INTO search_dirty (pk) SELECT v.pk FROM visit v "
        f"WHERE v.id = {finding}.visit_id AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.pk = v.pk)"
    )


def upgrade() -> None:
    op.execute("CREATE TABLE search_dirty (pk INTEGER PRIMARY KEY)")
    op.execute(f"CREATE TRIGGER search_note_visit_insert AFTER INSERT ON visit BEGIN {_note('NEW.pk')}; END")
    op.execute(
        f"CREATE TRIGGER search_note_visit_update AFTER UPDATE OF {', '.join(_VISIT_COLUMNS)} ON visit "
        f"BEGIN {_note('NEW.pk')}; END"
    )
    # A trigger may not write the index itself: the connection does not trust the schema
    # (`trusted_schema=OFF`), and FTS5 tables are not safe for triggers then.
    op.execute(f"CREATE TRIGGER search_note_visit_delete AFTER DELETE ON visit BEGIN {_note('OLD.pk')}; END")
    op.execute(f"CREATE TRIGGER search_note_finding_insert AFTER INSERT ON finding BEGIN {_note_visit_of('NEW')}; END")
    op.execute(
        f"CREATE TRIGGER search_note_finding_update AFTER UPDATE OF {', '.join(_FINDING_COLUMNS)} ON finding "
        f"BEGIN {_note_visit_of('NEW')}; {_note_visit_of('OLD')}; END"
    )
    op.execute(f"CREATE TRIGGER search_note_finding_delete AFTER DELETE ON finding BEGIN {_note_visit_of('OLD')}; END")
    op.execute(
        f"CREATE TRIGGER search_note_account_update AFTER UPDATE OF {', '.join(_ACCOUNT_COLUMNS)} ON account "
        "BEGIN INSERT INTO search_dirty (pk) SELECT v.pk FROM visit v WHERE v.account_id = NEW.id "
        "AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.pk = v.pk); END"
    )


def downgrade() -> None:
    for trigger in (
        "search_note_visit_insert", "search_note_visit_update", "search_note_visit_delete", "search_note_finding_insert",
        "search_note_finding_update", "search_note_finding_delete", "search_note_account_update",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS search_dirty")
