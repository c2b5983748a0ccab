"""An index for the board's check-ins by method and tumbler answer (read from the index alone).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 02:00:00

"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index(
            'ix_checkins_event_method_tumbler', ['event_id', 'method', 'brought_tumbler'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_checkins_event_method_tumbler')
