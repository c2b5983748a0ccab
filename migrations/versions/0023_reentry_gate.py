"""Re-entry's gate: where the day's latest re-entry was scanned (the amber "already inside"
answer says the time and gate they came back in).

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 04:20:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    # NOT NULL with a server default: SQLite adds it without rebuilding the table, and every
    # existing row (a re-entry recorded before this, or none) reads "" (no gate known).
    op.add_column(
        'checkin_days',
        sa.Column('last_in_gate', sa.String(length=50), server_default='', nullable=False),
    )


def downgrade():
    with op.batch_alter_table('checkin_days', schema=None) as batch_op:
        batch_op.drop_column('last_in_gate')
