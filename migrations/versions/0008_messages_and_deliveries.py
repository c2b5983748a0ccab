"""Messages to participants and each person's delivery (status, tries, next try).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 17:53:15

New tables only: nothing existing is rebuilt.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=2), server_default='id', nullable=False),
    sa.Column('subject', sa.String(length=200), server_default='', nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('audience_value', sa.String(length=300), server_default='', nullable=False),
    sa.Column('send_at', sa.DateTime(), nullable=False),
    sa.Column('base_url', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("channel IN ('email', 'whatsapp', 'wa_me')", name=op.f('ck_messages_channel')),
    sa.CheckConstraint("kind IN ('invitation', 'reminder', 'certificate')", name=op.f('ck_messages_kind')),
    sa.CheckConstraint("language IN ('id', 'en')", name=op.f('ck_messages_language')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_messages_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_messages_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    op.create_index('ix_messages_event_id_created_at', 'messages', ['event_id', 'created_at'])

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='queued', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.String(length=500), server_default='', nullable=False),
    sa.Column('provider_ref', sa.String(length=200), server_default='', nullable=False),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed', 'manual')", name=op.f('ck_deliveries_status')),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_deliveries_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_deliveries_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('message_id', 'participant_id', name='uq_deliveries_message_participant')
    )
    op.create_index('ix_deliveries_participant_id', 'deliveries', ['participant_id'])
    op.create_index(
        'ix_deliveries_status_next_attempt_at', 'deliveries', ['status', 'next_attempt_at']
    )



def downgrade():
    op.drop_index('ix_deliveries_status_next_attempt_at', table_name='deliveries')
    op.drop_index('ix_deliveries_participant_id', table_name='deliveries')
    op.drop_table('deliveries')
    op.drop_index('ix_messages_event_id_created_at', table_name='messages')
    op.drop_table('messages')
