"""The best answer to an objection: a flag on the objection whose answer the team picked.

The objection library marks, for each theme, the objection whose answer is the one to give
(the battlecard prints it first). The flag is a field of the objection like any other, so
sync carries it and the JSON format writes it (`best`). Existing objections start
unmarked. A partial index holds the few marked ones, so that marking another answer finds
the one it replaces without reading every objection.

The trigger that notes edits of findings for sync names the columns it watches, so it is
recreated with the new column.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Spelled out, not derived from the tables, so that this revision stays what it was;
# tests/unit/test_record_shape.py checks the trigger against the declared fields.
_SYNCED_FINDING = (
    "visit_id", "kind", "position", "text", "quote", "severity", "is_new", "channel", "usage",
    "material", "value_kind", "competitor", "move_kind", "threat", "answer", "person",
    "buying_role", "criteria", "aware", "owner", "due_on", "done", "offering", "speaker_id",
    "contact_id", "reference", "consent", "theme_ids", "best",
)
_QUIET = "WHEN coalesce((SELECT applying FROM sync_state WHERE id = 1), 0) = 0"


def _note_sync(row: str) -> str:
    return f"INSERT OR IGNORE INTO sync_dirty (kind, record_id) VALUES ('finding', {row}.id)"


def upgrade() -> None:
    op.execute("ALTER TABLE finding ADD COLUMN best BOOLEAN")
    op.execute("CREATE INDEX ix_finding_best_answer ON finding (kind, visit_id) WHERE best = 1")
    op.execute("DROP TRIGGER IF EXISTS sync_note_finding_update")
    op.execute(
        f"CREATE TRIGGER sync_note_finding_update AFTER UPDATE OF id, {', '.join(_SYNCED_FINDING)} ON finding "
        f"{_QUIET} BEGIN {_note_sync('NEW')}; {_note_sync('OLD')}; END"
    )


def downgrade() -> None:
    # One way, as revision 0006 (which cannot be undone) comes before it: a failed upgrade is
    # undone by restoring the backup taken just before it.
    raise RuntimeError(
        "revision 0012 cannot be undone in place; restore the notebook from the backup taken before the upgrade"
    )
