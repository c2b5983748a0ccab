"""Certificates: each event's design, the offices' registers and their counters, the
certificates issued, and the files made on the worker.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 18:08:48.577902

New tables only: nothing existing is rebuilt.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_registers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_key', sa.String(length=300), nullable=False),
    sa.Column('office', sa.String(length=300), nullable=False),
    sa.Column('pattern', sa.String(length=200), nullable=False),
    sa.Column('signing_p12', sa.LargeBinary(), nullable=True),
    sa.Column('signing_password', sa.LargeBinary(), nullable=True),
    sa.Column('signing_subject', sa.String(length=300), server_default='', nullable=False),
    sa.Column('signing_not_after', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_registers')),
    sa.UniqueConstraint('office_key', name=op.f('uq_certificate_registers_office_key'))
    )
    op.create_table('certificate_counters',
    sa.Column('register_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['register_id'], ['certificate_registers.id'], name=op.f('fk_certificate_counters_register_id_certificate_registers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('register_id', 'year', name=op.f('pk_certificate_counters'))
    )
    op.create_table('certificate_bundles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='queued', nullable=False),
    sa.Column('storage_key', sa.String(length=32), server_default='', nullable=False),
    sa.Column('count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error', sa.String(length=500), server_default='', nullable=False),
    sa.Column('base_url', sa.String(length=300), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("format IN ('pdf', 'zip')", name=op.f('ck_certificate_bundles_format')),
    sa.CheckConstraint("status IN ('queued', 'ready', 'failed')", name=op.f('ck_certificate_bundles_status')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificate_bundles_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_certificate_bundles_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_bundles'))
    )
    op.create_index('ix_certificate_bundles_event_id', 'certificate_bundles', ['event_id'])

    op.create_table('certificate_designs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), server_default='id', nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('speaker_body', sa.Text(), server_default='', nullable=False),
    sa.Column('committee_body', sa.Text(), server_default='', nullable=False),
    sa.Column('jp', sa.Numeric(precision=5, scale=1), server_default='0', nullable=False),
    sa.Column('place', sa.String(length=100), server_default='', nullable=False),
    sa.Column('signer_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('signer_position', sa.String(length=200), server_default='', nullable=False),
    sa.Column('signer_nip', sa.String(length=30), server_default='', nullable=False),
    sa.Column('logo_key', sa.String(length=32), server_default='', nullable=False),
    sa.Column('background_key', sa.String(length=32), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("language IN ('id', 'en')", name=op.f('ck_certificate_designs_language')),
    sa.CheckConstraint('jp >= 0', name=op.f('ck_certificate_designs_jp')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificate_designs_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_certificate_designs_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_designs')),
    sa.UniqueConstraint('event_id', name=op.f('uq_certificate_designs_event_id'))
    )
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('register_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=200), nullable=False),
    sa.Column('code', sa.String(length=43), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('agency', sa.String(length=300), server_default='', nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('jp', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('override_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('pdf_key', sa.String(length=32), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_certificates_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_certificates_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_certificates_participant_id_participants'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['register_id'], ['certificate_registers.id'], name=op.f('fk_certificates_register_id_certificate_registers')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
    sa.UniqueConstraint('register_id', 'number', name='uq_certificates_register_number'),
    sa.UniqueConstraint('register_id', 'year', 'seq', name='uq_certificates_register_year_seq')
    )
    op.create_index('ix_certificates_event_id', 'certificates', ['event_id'])
    # One valid certificate per person (a revoked one may be followed by a new one).
    op.create_index(
        'uq_certificates_participant_valid', 'certificates', ['participant_id'], unique=True,
        sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'),
    )


def downgrade():
    op.drop_index('uq_certificates_participant_valid', table_name='certificates')
    op.drop_index('ix_certificates_event_id', table_name='certificates')
    op.drop_table('certificates')
    op.drop_table('certificate_designs')
    op.drop_index('ix_certificate_bundles_event_id', table_name='certificate_bundles')
    op.drop_table('certificate_bundles')
    op.drop_table('certificate_counters')
    op.drop_table('certificate_registers')
