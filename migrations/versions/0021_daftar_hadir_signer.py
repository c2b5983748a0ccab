"""The event's own daftar hadir official (position, name, NIP), when not the certificates'.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 00:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

COLUMNS = (
    ('daftar_hadir_signer_position', 200),
    ('daftar_hadir_signer_name', 200),
    ('daftar_hadir_signer_nip', 18),
)


def upgrade():
    # Plain added columns with server defaults: SQLite adds them without rebuilding events
    # (a rebuild would cascade to every participant). Empty: the certificate design's official.
    for name, length in COLUMNS:
        op.add_column(
            'events',
            sa.Column(name, sa.String(length=length), server_default='', nullable=False),
        )


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        for name, _length in reversed(COLUMNS):
            batch_op.drop_column(name)
