"""A version per event that every change to its participants or check-ins moves on, kept by
triggers, so the board's figures can be cached under it (tracker/checkin/live_figures.py).

Triggers, not the app: every path that writes participants or check-ins (the scan path's Core
statements, the import, undo, erasure, a future kind of scan) moves the version without
knowing about it. The new version is the larger of the old one plus one and the time in
microseconds, so that a version is never seen twice for one event id, even when the rows are
emptied and ids begin again (a test database): a cache cannot mistake old figures for new.

PostgreSQL: statement-level triggers over the statement's transition tables (one upsert per
statement, not one per row: an import of 20,000 rows moves the version once); SQLite has only
row-level triggers, each a cheap upsert inside the write already under way.

No foreign key to events: the participants' triggers run while an event's deletion cascades
to them, when the event's row is already gone. A deleted event leaves a row of two numbers.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 21:40:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLES = ('participants', 'checkins')

SQLITE_NOW_US = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 1000"


def _sqlite_bump(ref: str) -> str:
    return (
        f"INSERT INTO attendance_versions (event_id, version) VALUES ({ref}, {SQLITE_NOW_US}) "
        "ON CONFLICT (event_id) DO UPDATE SET version = max(version + 1, excluded.version);"
    )


def _pg_bump(rows: str) -> str:
    """One upsert for the events of a statement's ``rows`` (a transition table), in id order."""
    return f"""
        INSERT INTO attendance_versions (event_id, version)
        SELECT e.event_id, now_us FROM (SELECT DISTINCT event_id FROM {rows}) AS e
        ORDER BY e.event_id
        ON CONFLICT (event_id) DO UPDATE
        SET version = greatest(attendance_versions.version + 1, excluded.version);"""


PG_FUNCTION = f"""
CREATE FUNCTION attendance_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {_pg_bump('new_rows')}
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN {_pg_bump('old_rows')}
    END IF;
    RETURN NULL;
END
$$;
"""

#: PostgreSQL allows transition tables only on a trigger of one kind: three per table.
PG_REFERENCING = {
    'INSERT': 'REFERENCING NEW TABLE AS new_rows',
    'UPDATE': 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows',
    'DELETE': 'REFERENCING OLD TABLE AS old_rows',
}


def _triggers():
    for table in TABLES:
        for kind in ('INSERT', 'UPDATE', 'DELETE'):
            yield table, kind, f'trg_{table}_{kind.lower()}_attendance_version'


def upgrade():
    op.create_table(
        'attendance_versions',
        sa.Column('event_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.BigInteger(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_attendance_versions')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        for table, kind, name in _triggers():
            op.execute(
                f'CREATE TRIGGER {name} AFTER {kind} ON {table} {PG_REFERENCING[kind]} '
                'FOR EACH STATEMENT EXECUTE FUNCTION attendance_versions_bump()'
            )
        return
    for table, kind, name in _triggers():
        refs = {'INSERT': ['NEW'], 'UPDATE': ['OLD', 'NEW'], 'DELETE': ['OLD']}[kind]
        body = ' '.join(_sqlite_bump(f'{ref}.event_id') for ref in refs)
        op.execute(f'CREATE TRIGGER {name} AFTER {kind} ON {table} FOR EACH ROW BEGIN {body} END')


def downgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table, _kind, name in _triggers():
        op.execute(f'DROP TRIGGER IF EXISTS {name}' + (f' ON {table}' if postgres else ''))
    if postgres:
        op.execute('DROP FUNCTION IF EXISTS attendance_versions_bump()')
    op.drop_table('attendance_versions')
