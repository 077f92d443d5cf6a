"""Initial schema: accounts, contacts, visits, findings, guides and the full-text index.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 08:53:23.056148
"""

from alembic import op
import sqlalchemy as sa

from fieldnotes.storage.schema import APPLICATION_ID


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index('ix_account_name', ['name'], unique=False)

    op.create_table('guide',
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('contact',
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('buying_role', sa.String(length=32), nullable=False),
    sa.Column('follow_up', sa.String(length=32), nullable=False),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('phone', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_account', ['account_id'], unique=False)

    op.create_table('guide_prompt',
    sa.Column('guide_id', sa.String(length=36), nullable=False),
    sa.Column('section', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('guide_prompt', schema=None) as batch_op:
        batch_op.create_index('ix_guide_prompt_guide', ['guide_id', 'position'], unique=False)

    op.create_table('visit',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('visited_on', sa.String(length=32), nullable=False),
    sa.Column('salesperson', sa.Text(), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('objective', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('next_step', sa.Text(), nullable=False),
    sa.Column('guide_id', sa.String(length=36), nullable=True),
    sa.Column('covered_prompts', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('id')
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_account', ['account_id', 'visited_on'], unique=False)
        batch_op.create_index('ix_visit_kind', ['kind', 'visited_on'], unique=False)
        batch_op.create_index('ix_visit_visited_on', ['visited_on', 'pk'], unique=False)

    op.create_table('finding',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('severity', sa.Integer(), nullable=True),
    sa.Column('is_new', sa.Boolean(), nullable=True),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('usage', sa.String(length=32), nullable=True),
    sa.Column('material', sa.Text(), nullable=True),
    sa.Column('value_kind', sa.String(length=32), nullable=True),
    sa.Column('competitor', sa.Text(), nullable=True),
    sa.Column('move_kind', sa.String(length=32), nullable=True),
    sa.Column('threat', sa.String(length=32), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('person', sa.Text(), nullable=True),
    sa.Column('buying_role', sa.String(length=32), nullable=True),
    sa.Column('criteria', sa.Text(), nullable=True),
    sa.Column('aware', sa.Boolean(), nullable=True),
    sa.Column('owner', sa.Text(), nullable=True),
    sa.Column('due_on', sa.String(length=10), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index('ix_finding_competitor', ['kind', 'competitor'], unique=False)
        batch_op.create_index('ix_finding_severity', ['kind', 'severity'], unique=False)
        batch_op.create_index('ix_finding_visit', ['visit_id', 'kind', 'position'], unique=False)

    # The DDL is spelled out here, not imported, so that this revision stays what it was.
    op.execute(
        "CREATE VIRTUAL TABLE visit_search USING fts5("
        "title, account, body, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    op.execute("CREATE VIRTUAL TABLE visit_search_terms USING fts5vocab(visit_search, 'row')")
    op.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def downgrade() -> None:
    op.execute("DROP TABLE visit_search_terms")
    op.execute("DROP TABLE visit_search")
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index('ix_finding_visit')
        batch_op.drop_index('ix_finding_severity')
        batch_op.drop_index('ix_finding_competitor')

    op.drop_table('finding')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_visited_on')
        batch_op.drop_index('ix_visit_kind')
        batch_op.drop_index('ix_visit_account')

    op.drop_table('visit')
    with op.batch_alter_table('guide_prompt', schema=None) as batch_op:
        batch_op.drop_index('ix_guide_prompt_guide')

    op.drop_table('guide_prompt')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_account')

    op.drop_table('contact')
    op.drop_table('meta')
    op.drop_table('guide')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_name')

    op.drop_table('account')
