"""Offices own events: offices, memberships (an account's role in an office), events.office_id,
and the certificate register keyed by office.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 21:40:00

Data: every organiser_unit in use becomes an office (spaces collapsed; units that differ only
in case are one office); every event lands in its unit's office, so every event stays
reachable. Every existing organiser and staff account becomes a member, with its role, of
every office made here: nobody loses what they reached yesterday, and the admin then narrows
each account to its own offices. A certificate register moves to the office its key names.
Downgrade keeps the events and registers but forgets the offices.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

#: The office of events whose organiser_unit is blank.
NAMELESS = "Kantor tanpa nama"

offices = sa.table(
    'offices',
    sa.column('id', sa.Integer),
    sa.column('name', sa.String),
    sa.column('created_at', sa.DateTime),
)
memberships = sa.table(
    'memberships',
    sa.column('user_id', sa.Integer),
    sa.column('office_id', sa.Integer),
    sa.column('role', sa.String),
)
events = sa.table(
    'events',
    sa.column('id', sa.Integer),
    sa.column('organiser_unit', sa.String),
    sa.column('office_id', sa.Integer),
)
users = sa.table('users', sa.column('id', sa.Integer), sa.column('role', sa.String))
registers = sa.table(
    'certificate_registers',
    sa.column('id', sa.Integer),
    sa.column('office_key', sa.String),
    sa.column('office', sa.String),
    sa.column('office_id', sa.Integer),
)


def _clean(name):
    return " ".join((name or "").split())[:300] or NAMELESS


def _office_ids(conn):
    """Make an office per unit in use; returns {lower-cased name: id}."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    ids = {}
    units = [row[0] for row in conn.execute(sa.select(events.c.organiser_unit).distinct())]
    units += [row[0] for row in conn.execute(sa.select(registers.c.office))]
    for unit in sorted(units, key=lambda u: _clean(u)):
        name = _clean(unit)
        if name.lower() in ids:
            continue
        conn.execute(offices.insert().values(name=name, created_at=now))
        ids[name.lower()] = conn.execute(
            sa.select(offices.c.id).where(offices.c.name == name)
        ).scalar_one()
    return ids


def _fill(conn, ids):
    for unit, in conn.execute(sa.select(events.c.organiser_unit).distinct()).all():
        conn.execute(
            events.update()
            .where(events.c.organiser_unit == unit)
            .values(office_id=ids[_clean(unit).lower()])
        )
    for reg_id, key, office in conn.execute(
        sa.select(registers.c.id, registers.c.office_key, registers.c.office)
    ).all():
        office_id = ids.get(_clean(key).lower()) or ids[_clean(office).lower()]
        conn.execute(registers.update().where(registers.c.id == reg_id).values(office_id=office_id))
    staff = conn.execute(sa.select(users.c.id, users.c.role).where(users.c.role != 'admin')).all()
    for user_id, role in staff:
        for office_id in ids.values():
            conn.execute(memberships.insert().values(user_id=user_id, office_id=office_id, role=role))


def upgrade():
    op.create_table('offices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('address', sa.String(length=500), server_default='', nullable=False),
    sa.Column('logo', sa.String(length=32), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offices')),
    sa.UniqueConstraint('name', name=op.f('uq_offices_name'))
    )
    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('organiser', 'staff')", name=op.f('ck_memberships_role')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_memberships_office_id_offices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'office_id', name='uq_memberships_user_office')
    )
    op.create_index('ix_memberships_office_id', 'memberships', ['office_id'])
    with op.batch_alter_table('events') as batch_op:
        batch_op.add_column(sa.Column('office_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('certificate_registers') as batch_op:
        batch_op.add_column(sa.Column('office_id', sa.Integer(), nullable=True))

    conn = op.get_bind()
    _fill(conn, _office_ids(conn))

    with op.batch_alter_table('events') as batch_op:
        batch_op.alter_column('office_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_events_office_id_offices'), 'offices', ['office_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_index('ix_events_office_id', ['office_id'])
    with op.batch_alter_table('certificate_registers') as batch_op:
        batch_op.alter_column('office_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_certificate_registers_office_key', type_='unique')
        batch_op.drop_column('office_key')
        batch_op.drop_column('office')
        batch_op.create_foreign_key(batch_op.f('fk_certificate_registers_office_id_offices'), 'offices', ['office_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_registers_office_id'), ['office_id'])


def downgrade():
    with op.batch_alter_table('certificate_registers') as batch_op:
        batch_op.add_column(sa.Column('office_key', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('office', sa.String(length=300), nullable=True))
    conn = op.get_bind()
    names = dict(conn.execute(sa.select(offices.c.id, offices.c.name)).all())
    for reg_id, office_id in conn.execute(sa.select(registers.c.id, registers.c.office_id)).all():
        name = names[office_id]
        conn.execute(
            registers.update().where(registers.c.id == reg_id).values(office=name, office_key=name.lower())
        )
    with op.batch_alter_table('certificate_registers') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificate_registers_office_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_certificate_registers_office_id_offices'), type_='foreignkey')
        batch_op.drop_column('office_id')
        batch_op.alter_column('office_key', existing_type=sa.String(length=300), nullable=False)
        batch_op.alter_column('office', existing_type=sa.String(length=300), nullable=False)
        batch_op.create_unique_constraint('uq_certificate_registers_office_key', ['office_key'])
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_index('ix_events_office_id')
        batch_op.drop_constraint(batch_op.f('fk_events_office_id_offices'), type_='foreignkey')
        batch_op.drop_column('office_id')
    op.drop_index('ix_memberships_office_id', table_name='memberships')
    op.drop_table('memberships')
    op.drop_table('offices')
