"""The daftar hadir: a participant's NIP, and the event's "ask for a signature at check-in".

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 21:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # Plain added columns with server defaults: SQLite adds them without rebuilding the tables
    # (a rebuild of events would cascade to every participant).
    op.add_column(
        'participants', sa.Column('nip', sa.String(length=18), server_default='', nullable=False)
    )
    op.add_column(
        'events',
        sa.Column('ask_signature', sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('ask_signature')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('nip')
