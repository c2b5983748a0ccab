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
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission', sa.String(length=43), nullable=True))
        batch_op.create_unique_constraint('uq_events_submission', ['submission'])


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_events_submission', type_='unique')
        batch_op.drop_column('submission')
