"""The new-event form's one-time key, so a form posted twice makes one event.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 02:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # A column and a unique index, not a unique constraint: SQLite would rebuild the table
    # for a constraint, and dropping the old events table would cascade to every participant.
    op.add_column('events', sa.Column('submission', sa.String(length=43), nullable=True))
    op.create_index('uq_events_submission', 'events', ['submission'], unique=True)


def downgrade():
    op.drop_index('uq_events_submission', table_name='events')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('submission')
