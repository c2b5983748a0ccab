"""An index of the scan log by participant and day

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 04:50:00

An exit refused because its entry had not been heard yet (an offline door phone syncing
later) counts once the entry arrives: the scan path then reads that person's refused exits
of that day, by this index, instead of the event's scans since the entry. It also serves the
``ON DELETE SET NULL`` of a participant's erasure, which searched the whole log.
"""
from alembic import op


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_scans_participant_id_day', 'scans', ['participant_id', 'day'])


def downgrade():
    op.drop_index('ix_scans_participant_id_day', table_name='scans')
