"""The import's column assignments: the field an organiser chose for each column of a
heading row, remembered for the next file with the same headings.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 21:25:31.787599

A new table only: nothing existing is rebuilt.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('column_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('headings_key', sa.String(length=64), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_column_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_column_assignments')),
    sa.UniqueConstraint('user_id', 'headings_key', name=op.f('uq_column_assignments_user_id_headings_key'))
    )


def downgrade():
    op.drop_table('column_assignments')
