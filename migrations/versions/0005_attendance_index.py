"""An index for the attendance figures' GROUP BY agency and category.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 00:30:00

"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.create_index(
            'ix_participants_event_agency_category', ['event_id', 'agency', 'category'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index('ix_participants_event_agency_category')
