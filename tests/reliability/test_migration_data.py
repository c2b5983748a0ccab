"""Upgrading keeps every row: a database written at the first revision is upgraded to head,
read back field by field, and used by the services as if it had always been at head.

On SQLite, later migrations rebuild tables to alter them ("batch" mode: copy, drop, rename);
this test is what shows that the copy keeps rows, constraints and partial indexes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select, text
from werkzeug.security import generate_password_hash

from tracker.auth.models import User
from tracker.auth.services import authenticate, user_for_token
from tracker.checkin import services as checkin
from tracker.errors import DuplicateParticipant
from tracker.events import registration as participants
from tracker.events.models import Event, Participant, Venue
from tracker.events.services import get_event
from tracker.extensions import db

PASSWORD = "kata sandi yang panjang"
TOKEN = "trk_written-at-revision-0001"
WRITTEN = datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
PEOPLE = [
    # id, name, agency, category, email, phone, ticket code
    (
        1,
        "I Wayan Sudarsana",
        "Dinas Kesehatan",
        "participant",
        "wayan@tabanankab.go.id",
        "+6281230004000",
        "tiket-wayan-0001",
    ),
    (2, "Ni Luh Ariani", "Dinas Pariwisata", "speaker", None, "+6281230014001", "tiket-luh-0002"),
    (3, "I Made Widiantara", "Bappeda", "participant", None, None, "tiket-made-0003"),
]


def _stamp(value: datetime) -> str:
    """How the app stores a time: naive UTC."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _json(dialect: str, name: str) -> str:
    return f"CAST(:{name} AS JSON)" if dialect == "postgresql" else f":{name}"


def _write_at_0001(now: datetime) -> None:
    """Rows as the first release wrote them, with SQL of that time (no app models)."""
    dialect = db.engine.dialect.name
    starts = now + timedelta(hours=1)
    statements = [
        (
            "INSERT INTO users (id, email, name, password_hash, role, active, created_at) "
            "VALUES (1, 'panitia@tabanankab.go.id', 'Panitia', :hash, 'organiser', :yes, :at)",
            {"hash": generate_password_hash(PASSWORD), "yes": True, "at": _stamp(WRITTEN)},
        ),
        (
            "INSERT INTO api_tokens (id, user_id, token_hash, prefix, label, created_at) "
            "VALUES (1, 1, :hash, 'trk_writte', 'pintu', :at)",
            {
                "hash": __import__("hashlib").sha256(TOKEN.encode()).hexdigest(),
                "at": _stamp(WRITTEN),
            },
        ),
        (
            "INSERT INTO venues (id, name, address, room, capacity, created_at) VALUES "
            "(1, 'Kantor Diskominfo Tabanan', 'Jl. Pahlawan No. 19', 'Ruang Rapat', 60, :at)",
            {"at": _stamp(WRITTEN)},
        ),
        (
            "INSERT INTO events (id, title, organiser_unit, description, starts_at, ends_at, "
            "timezone, venue_id, topics, speakers, livestream_url, expected_participants, "
            "allow_walk_ins, status, created_by_id, created_at, updated_at) VALUES "
            "(1, 'Pelatihan Pengelolaan Media Sosial', 'Diskominfo Kabupaten Tabanan', "
            "'Lima topik', :starts, :ends, 'Asia/Makassar', 1, "
            f"{_json(dialect, 'topics')}, {_json(dialect, 'speakers')}, '', 40, :yes, "
            "'open', 1, :at, :at)",
            {
                "starts": _stamp(starts),
                "ends": _stamp(starts + timedelta(hours=7)),
                "topics": '["Etika bermedia sosial", "Desain konten"]',
                "speakers": '["Narasumber Satu"]',
                "yes": True,
                "at": _stamp(WRITTEN),
            },
        ),
    ]
    for pid, name, agency, category, email, phone, code in PEOPLE:
        statements.append(
            (
                "INSERT INTO participants (id, event_id, name, agency, category, email, phone, "
                "ticket_code, ticket_issued_at, source, created_at, updated_at) VALUES "
                "(:id, 1, :name, :agency, :category, :email, :phone, :code, :at, 'import', "
                ":at, :at)",
                {
                    "id": pid,
                    "name": name,
                    "agency": agency,
                    "category": category,
                    "email": email,
                    "phone": phone,
                    "code": code,
                    "at": _stamp(WRITTEN),
                },
            )
        )
    for sql, params in statements:
        db.session.execute(text(sql), params)
    if dialect == "postgresql":  # rows given explicit ids: move the sequences past them
        for table in ("users", "api_tokens", "venues", "events", "participants"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)"))
    db.session.commit()


def _counts() -> dict[str, int]:
    return {
        table: db.session.scalar(text(f"SELECT COUNT(*) FROM {table}"))
        for table in ("users", "api_tokens", "venues", "events", "participants")
    }


@pytest.fixture
def upgraded(make_app, fresh_database_url):
    """A database written at 0001 and upgraded to head; yields the counts written."""
    fresh = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    with fresh.app_context():
        upgrade(revision="0001")
        now = datetime.now(UTC).replace(microsecond=0)
        _write_at_0001(now)
        before = _counts()
        db.session.remove()  # PostgreSQL: an open read would block the ALTER TABLEs
        upgrade()
        db.session.remove()
        yield before, now
        db.session.remove()
        db.engine.dispose()


def test_every_row_survives_the_upgrade_to_head(upgraded):
    before, now = upgraded
    assert "checkins" in inspect(db.engine).get_table_names()
    assert _counts() == before

    user = db.session.get(User, 1)
    assert (user.email, user.role, user.active) == ("panitia@tabanankab.go.id", "organiser", True)
    assert user.created_at == WRITTEN
    venue = db.session.get(Venue, 1)
    assert (venue.name, venue.room, venue.capacity) == (
        "Kantor Diskominfo Tabanan",
        "Ruang Rapat",
        60,
    )
    event = db.session.get(Event, 1)
    assert event.title == "Pelatihan Pengelolaan Media Sosial"
    assert event.topics == ["Etika bermedia sosial", "Desain konten"]
    assert event.speakers == ["Narasumber Satu"]
    assert event.venue is not None and event.venue.id == 1
    assert (event.status, event.allow_walk_ins, event.expected_participants) == ("open", True, 40)
    assert event.starts_at == now + timedelta(hours=1)
    rows = db.session.scalars(select(Participant).order_by(Participant.id)).all()
    assert [
        (p.id, p.name, p.agency, p.category, p.email, p.phone, p.ticket_code) for p in rows
    ] == PEOPLE
    assert all(p.created_at == WRITTEN for p in rows)


def test_the_services_work_on_upgraded_rows(upgraded):
    _before, now = upgraded
    organiser = authenticate("panitia@tabanankab.go.id", PASSWORD)
    assert organiser is not None and user_for_token(TOKEN, now) == organiser

    event = get_event(1)
    assert [p.name for p in participants.list_participants(event, "wayan")] == ["I Wayan Sudarsana"]
    outcome = checkin.check_in(
        event, checkin.ScanInput(code="tiket-wayan-0001", gate="A", nonce="n-1"), organiser, now
    )
    db.session.commit()
    assert outcome.result == "checked_in"
    again = checkin.check_in(event, checkin.ScanInput(code="tiket-wayan-0001"), organiser, now)
    assert again.result == "already_checked_in"

    # The uniqueness rules survived the tables' rebuilds: same e-mail is refused...
    with pytest.raises(DuplicateParticipant):
        participants.register_participants(
            event,
            [participants.ParticipantInput(name="Wayan", email="wayan@tabanankab.go.id")],
            now,
        )
    db.session.rollback()
    # ... and the partial index still only binds people without a phone or an e-mail.
    added = participants.register_participants(
        event,
        [
            participants.ParticipantInput(
                name="I Made Widiantara", agency="Bappeda", email="made@tabanankab.go.id"
            )
        ],
        now,
    )
    db.session.commit()
    assert added[0].id > 3
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 4
