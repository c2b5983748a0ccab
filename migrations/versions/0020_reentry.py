"""Re-entry after an exit: the day's latest entry after an exit (issue 14).

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 00:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    # A plain nullable column: SQLite adds it without rebuilding the table. NULL (every
    # existing row) means no re-entry since the day's first entry.
    op.add_column('checkin_days', sa.Column('last_in_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('checkin_days', schema=None) as batch_op:
        batch_op.drop_column('last_in_at')
