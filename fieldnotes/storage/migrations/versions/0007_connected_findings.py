"""Findings that add up: the team's shared lists, themes on findings, and people linked.

Adds the `term` table (themes, offerings, competitors and funnel stages, `domain.terms`),
and fields that connect what was free text: a finding's themes (`theme_ids`, a JSON list
that sync merges as a set), the offering an awareness finding names, the contact who said
a need or a value (`speaker_id`), the contact a buying-centre row or a follow-up is about
(`contact_id`), whether a quote or a contact could become a testimonial or case study and
their consent, a visit's attendees picked from its account's contacts (`attendee_ids`), the
ride-along a debrief is about (`debrief_of`), the next step's funnel stage and date, and the
kind of visit a guide is made for. Every existing value stays as it was; new fields start
empty (or at "not a candidate", "not asked").

The triggers that note edits for sync and for the search index name the columns they
watch, so they are recreated with the new columns. A theme's new name re-indexes the
visits whose findings carry it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:30:00
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Spelled out, not derived from the tables, so that this revision stays what it was;
# tests/unit/test_record_shape.py checks the triggers against the declared fields.
_SYNCED = {
    "contact": ("account_id", "name", "role", "buying_role", "follow_up", "email", "phone", "reference", "consent"),
    "visit": (
        "account_id", "title", "kind", "visited_on", "salesperson", "attendees", "objective",
        "summary", "notes", "next_step", "guide_id", "covered_prompts", "attendee_ids", "debrief_of",
        "next_step_stage", "next_step_due",
    ),
    "finding": (
        "visit_id", "kind", "position", "text", "quote", "severity", "is_new", "channel", "usage",
        "material", "value_kind", "competitor", "move_kind", "threat", "answer", "person",
        "buying_role", "criteria", "aware", "owner", "due_on", "done", "offering", "speaker_id",
        "contact_id", "reference", "consent", "theme_ids",
    ),
    "guide": ("name", "visit_kind"),
    "term": ("list", "name", "merged_into", "position"),
}
_SEARCHED_VISIT = (
    "account_id", "title", "salesperson", "attendees", "objective", "summary", "notes", "next_step", "next_step_stage",
)
_SEARCHED_FINDING = (
    "visit_id", "text", "quote", "material", "competitor", "answer", "person", "criteria", "owner", "offering",
    "theme_ids",
)
_QUIET = "WHEN coalesce((SELECT applying FROM sync_state WHERE id = 1), 0) = 0"


def _note_sync(table: str, row: str) -> str:
    return f"INSERT OR IGNORE INTO sync_dirty (kind, record_id) VALUES ('{table}', {row}.id)"


def _note_search(pk: str) -> str:
    # As in revision 0003: not `INSERT OR IGNORE`, which sync's upserts would override.
    return f"INSERT INTO search_dirty (pk) SELECT {pk} WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE pk = {pk})"


def _note_visit_of(finding: str) -> str:
    return (
        "INSERT INTO search_dirty (pk) SELECT v.pk FROM visit v "
        f"WHERE v.id = {finding}.visit_id AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.pk = v.pk)"
    )


def upgrade() -> None:
    for statement in (
        "ALTER TABLE contact ADD COLUMN reference VARCHAR(16) NOT NULL DEFAULT 'none'",
        "ALTER TABLE contact ADD COLUMN consent VARCHAR(16) NOT NULL DEFAULT 'not_asked'",
        "ALTER TABLE visit ADD COLUMN attendee_ids TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE visit ADD COLUMN debrief_of VARCHAR(36)",
        "ALTER TABLE visit ADD COLUMN next_step_stage TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE visit ADD COLUMN next_step_due VARCHAR(10)",
        "ALTER TABLE finding ADD COLUMN offering TEXT",
        "ALTER TABLE finding ADD COLUMN speaker_id VARCHAR(36)",
        "ALTER TABLE finding ADD COLUMN contact_id VARCHAR(36)",
        "ALTER TABLE finding ADD COLUMN reference VARCHAR(16)",
        "ALTER TABLE finding ADD COLUMN consent VARCHAR(16)",
        "ALTER TABLE finding ADD COLUMN theme_ids TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE guide ADD COLUMN visit_kind VARCHAR(32)",
        "CREATE TABLE term (list VARCHAR(16) NOT NULL, name TEXT NOT NULL, merged_into VARCHAR(36),"
        " position INTEGER NOT NULL, id VARCHAR(36) NOT NULL, created_at VARCHAR(32) NOT NULL,"
        " updated_at VARCHAR(32) NOT NULL, updated_by VARCHAR(200) NOT NULL, PRIMARY KEY (id))",
        "CREATE INDEX ix_term_list ON term (list, position)",
    ):
        op.execute(statement)
    for table, columns in _SYNCED.items():
        op.execute(f"DROP TRIGGER IF EXISTS sync_note_{table}_update")
        op.execute(
            f"CREATE TRIGGER sync_note_{table}_update AFTER UPDATE OF id, {', '.join(columns)} ON {table} {_QUIET} "
            f"BEGIN {_note_sync(table, 'NEW')}; {_note_sync(table, 'OLD')}; END"
        )
    op.execute(f"CREATE TRIGGER sync_note_term_insert AFTER INSERT ON term {_QUIET} BEGIN {_note_sync('term', 'NEW')}; END")
    op.execute(f"CREATE TRIGGER sync_note_term_delete AFTER DELETE ON term {_QUIET} BEGIN {_note_sync('term', 'OLD')}; END")

    op.execute("DROP TRIGGER IF EXISTS search_note_visit_update")
    op.execute(
        f"CREATE TRIGGER search_note_visit_update AFTER UPDATE OF {', '.join(_SEARCHED_VISIT)} ON visit "
        f"BEGIN {_note_search('NEW.pk')}; END"
    )
    op.execute("DROP TRIGGER IF EXISTS search_note_finding_update")
    op.execute(
        f"CREATE TRIGGER search_note_finding_update AFTER UPDATE OF {', '.join(_SEARCHED_FINDING)} ON finding "
        f"BEGIN {_note_visit_of('NEW')}; {_note_visit_of('OLD')}; END"
    )
    # A theme's name is found in the visits whose findings carry it. `instr` rather than
    # `json_each`: the connection does not trust the schema, and a rename is rare enough
    # that reading every finding's list of themes is fine.
    op.execute(
        "CREATE TRIGGER search_note_term_update AFTER UPDATE OF name, merged_into ON term WHEN NEW.list = 'theme' "
        "BEGIN INSERT INTO search_dirty (pk) SELECT DISTINCT v.pk FROM finding f JOIN visit v ON v.id = f.visit_id "
        "WHERE instr(f.theme_ids, NEW.id) > 0 AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.pk = v.pk); END"
    )


def downgrade() -> None:
    # One way, as revision 0006 (which cannot be undone) comes before it: a failed upgrade is
    # undone by restoring the backup taken just before it.
    raise RuntimeError(
        "revision 0007 cannot be undone in place; restore the notebook from the backup taken before the upgrade"
    )
