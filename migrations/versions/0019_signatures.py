"""Signatures drawn at check-in, one per person and day, for the daftar hadir.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 21:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'signatures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('png', sa.LargeBinary(), nullable=False),
        sa.Column('signed_at', sa.DateTime(), nullable=False),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ['event_id'], ['events.id'], name=op.f('fk_signatures_event_id_events'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['participant_id'], ['participants.id'],
            name=op.f('fk_signatures_participant_id_participants'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signatures')),
        sa.UniqueConstraint('participant_id', 'day', name='uq_signatures_participant_day'),
    )
    op.create_index('ix_signatures_event_id_day', 'signatures', ['event_id', 'day'], unique=False)


def downgrade():
    op.drop_index('ix_signatures_event_id_day', table_name='signatures')
    op.drop_table('signatures')
