"""Door passes (one person, a few mistypes, ten minutes, never renewed) and the organiser's
switch for the door poster's code (issues 11.6 and 13.3).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 22:12:21.869090

A new table and one new column with a default (the poster stays on for every event).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('door_passes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('phone', sa.String(length=32), server_default='', nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_door_passes_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_door_passes_participant_id_participants'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_door_passes')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_door_passes_key_hash'))
    )
    with op.batch_alter_table('door_passes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_door_passes_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('door_poster', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('door_poster')

    with op.batch_alter_table('door_passes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_door_passes_event_id'))

    op.drop_table('door_passes')
