"""Door devices: a phone or laptop paired by QR to scan one event's tickets.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 21:50:00

A new table only.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('door_devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=64), server_default='', nullable=False),
    sa.Column('pairing_hash', sa.String(length=64), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('paired_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('paired_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_door_devices_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paired_by_id'], ['users.id'], name=op.f('fk_door_devices_paired_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_door_devices')),
    sa.UniqueConstraint('pairing_hash', name=op.f('uq_door_devices_pairing_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_door_devices_token_hash'))
    )
    op.create_index('ix_door_devices_event_id', 'door_devices', ['event_id'])


def downgrade():
    op.drop_index('ix_door_devices_event_id', table_name='door_devices')
    op.drop_table('door_devices')
