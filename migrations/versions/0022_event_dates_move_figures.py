"""An event's dates, time zone and doors, and its deletion, move its figures' version

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 04:30:00

The board's figures are cached under the event's version (migration 0010), and the figures
depend on the event's own row too: its days and their doors (starts_at, ends_at, the check-in
window, day_doors) and the time zone its times are written in. Until now only changes to
participants, check-ins, days, session attendance and the agenda moved the version, so a
board kept showing the old days after the organiser changed the dates. A deleted event moves
its version too, so that figures cached for it are never sent again (an admin's poll, which
no office check stops, then finds the event gone).

Row-level triggers on both databases (an event's row changes rarely, one at a time), and only
when one of those columns really changed.
"""
from alembic import op


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

COLUMNS = ('starts_at', 'ends_at', 'timezone', 'checkin_opens_at', 'checkin_closes_at', 'day_doors')
SQLITE_NOW_US = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 1000"
UPDATE = 'trg_events_update_attendance_version'
DELETE = 'trg_events_delete_attendance_version'


def _sqlite_bump(ref):
    return (
        f"INSERT INTO attendance_versions (event_id, version) VALUES ({ref}, {SQLITE_NOW_US}) "
        "ON CONFLICT (event_id) DO UPDATE SET version = max(version + 1, excluded.version);"
    )


PG_FUNCTION = """
CREATE FUNCTION attendance_versions_bump_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
    target integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        target := OLD.id;
    ELSE
        target := NEW.id;
    END IF;
    INSERT INTO attendance_versions (event_id, version) VALUES (target, now_us)
    ON CONFLICT (event_id) DO UPDATE
    SET version = greatest(attendance_versions.version + 1, excluded.version);
    RETURN NULL;
END
$$;
"""


def upgrade():
    columns = ', '.join(COLUMNS)
    if op.get_bind().dialect.name == 'postgresql':
        # json has no equality operator: compare the day doors as text.
        changed = ' OR '.join(
            f'OLD.{c}::text IS DISTINCT FROM NEW.{c}::text' if c == 'day_doors'
            else f'OLD.{c} IS DISTINCT FROM NEW.{c}'
            for c in COLUMNS
        )
        op.execute(PG_FUNCTION)
        op.execute(
            f'CREATE TRIGGER {UPDATE} AFTER UPDATE OF {columns} ON events FOR EACH ROW '
            f'WHEN ({changed}) EXECUTE FUNCTION attendance_versions_bump_event()'
        )
        op.execute(
            f'CREATE TRIGGER {DELETE} AFTER DELETE ON events FOR EACH ROW '
            'EXECUTE FUNCTION attendance_versions_bump_event()'
        )
        return
    changed = ' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in COLUMNS)
    op.execute(
        f'CREATE TRIGGER {UPDATE} AFTER UPDATE OF {columns} ON events FOR EACH ROW '
        f'WHEN ({changed}) BEGIN {_sqlite_bump("NEW.id")} END'
    )
    op.execute(
        f'CREATE TRIGGER {DELETE} AFTER DELETE ON events FOR EACH ROW '
        f'BEGIN {_sqlite_bump("OLD.id")} END'
    )


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for name in (UPDATE, DELETE):
        op.execute(f'DROP TRIGGER IF EXISTS {name}' + (' ON events' if postgresql else ''))
    if postgresql:
        op.execute('DROP FUNCTION IF EXISTS attendance_versions_bump_event()')
