"""Attendance figures, the offline scanner's ticket list and the name search at the door.

Everything here is read with a few aggregate queries (GROUP BY) or one flat select of the
columns needed: an event of 20,000 participants never becomes 20,000 ORM objects. The board,
the API and the post-event summary all take their numbers from ``attendance()``, so they agree.
The per-day and per-session counts it includes are tracker.checkin.day_figures'.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Integer, cast, func, select
from sqlalchemy.sql.elements import ColumnElement

from tracker.checkin.day_figures import DayFigures, SessionFigures, days_figures, sessions_figures
from tracker.checkin.models import CheckIn, Method
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events.models import Event, Participant
from tracker.extensions import db
from tracker.i18n import iso

#: Arrivals are counted in buckets of this many minutes.
BUCKET_MINUTES = 10
#: At most this many buckets are returned (a long day: 16 hours of 10 minutes).
MAX_BUCKETS = 96
LATEST = 10
SEARCH_LIMIT = 20
SEARCH_MIN = 2


@dataclass
class Split:
    registered: int = 0
    checked_in: int = 0


@dataclass
class Attendance:
    registered: int = 0
    checked_in: int = 0
    walk_ins: int = 0
    by_agency: dict[str, Split] = field(default_factory=dict)
    by_category: dict[str, Split] = field(default_factory=dict)
    by_method: dict[str, int] = field(default_factory=dict)
    #: yes / no / unknown (nobody asked, or no answer).
    tumbler: dict[str, int] = field(default_factory=lambda: {"yes": 0, "no": 0, "unknown": 0})
    #: (start of the bucket in UTC, arrivals in it), oldest first, empty buckets included.
    arrivals: list[tuple[datetime, int]] = field(default_factory=list)
    #: (name, agency, checked_in_at), newest first.
    latest: list[tuple[str, str, datetime]] = field(default_factory=list)
    #: Every day of the event, first to last (one day for a one-day event).
    by_day: list[DayFigures] = field(default_factory=list)
    #: The agenda's sessions in order, with their attendance.
    by_session: list[SessionFigures] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.checked_in / self.registered) if self.registered else 0


def attendance(event: Event) -> Attendance:
    """The event's attendance in six queries (eight with an agenda), whatever its size: the
    event-wide figures, then per day and per session."""
    figures = Attendance()
    _registered_and_in(event, figures)
    _methods_and_tumblers(event, figures)
    figures.arrivals = arrivals(event)
    figures.latest = _latest(event)
    figures.by_day = days_figures(event)
    figures.by_session = sessions_figures(event)
    return figures


def _registered_and_in(event: Event, figures: Attendance) -> None:
    rows = db.session.execute(
        select(
            Participant.agency,
            Participant.category,
            func.count(Participant.id),
            func.count(CheckIn.id),
        )
        .outerjoin(CheckIn, CheckIn.participant_id == Participant.id)
        .where(Participant.event_id == event.id)
        .group_by(Participant.agency, Participant.category)
    )
    for agency, category, registered, checked_in in rows:
        figures.registered += registered
        figures.checked_in += checked_in
        for key, table in ((agency, figures.by_agency), (category, figures.by_category)):
            split = table.setdefault(key, Split())
            split.registered += registered
            split.checked_in += checked_in
    figures.by_agency = dict(
        sorted(figures.by_agency.items(), key=lambda kv: (-kv[1].registered, kv[0]))
    )


def methods_and_tumblers(event: Event) -> tuple[dict[str, int], dict[str, int]]:
    """Check-ins by method, and by tumbler answer (yes / no / unknown), in one query: the one
    count of tumbler answers, which the board, the sustainability figures and the summaries
    share."""
    rows = db.session.execute(
        select(CheckIn.method, CheckIn.brought_tumbler, func.count())
        .where(CheckIn.event_id == event.id)
        .group_by(CheckIn.method, CheckIn.brought_tumbler)
    )
    by_method: dict[str, int] = {}
    tumbler = {"yes": 0, "no": 0, "unknown": 0}
    for method, answer, count in rows:
        by_method[method] = by_method.get(method, 0) + count
        tumbler["unknown" if answer is None else "yes" if answer else "no"] += count
    return by_method, tumbler


def _methods_and_tumblers(event: Event, figures: Attendance) -> None:
    figures.by_method, figures.tumbler = methods_and_tumblers(event)
    figures.walk_ins = figures.by_method.get(Method.WALK_IN.value, 0)


def _bucket() -> ColumnElement[Any]:
    """The check-in time as a bucket number (seconds since 1970 // bucket), per database.

    Floor division (``//``): SQLAlchemy's ``/`` is a true division (``x / (600 + 0.0)``), which
    gave every second its own bucket on SQLite.
    """
    seconds = BUCKET_MINUTES * 60
    if db.engine.dialect.name == "sqlite":
        if sqlite3.sqlite_version_info >= (3, 38):  # unixepoch(): twice as fast as strftime
            return cast(func.unixepoch(CheckIn.checked_in_at), Integer) // seconds
        return cast(func.strftime("%s", CheckIn.checked_in_at), Integer) // seconds
    # date_part() is double precision; EXTRACT() is numeric, whose division is slower.
    return cast(func.floor(func.date_part("epoch", CheckIn.checked_in_at) / seconds), Integer)


def arrivals(event: Event) -> list[tuple[datetime, int]]:
    """Arrivals per bucket from the first to the last, empty buckets included (a chart's bars).

    Buckets are aligned on UTC, which is aligned on every Indonesian zone (whole hours).
    """
    bucket = _bucket().label("bucket")
    rows = db.session.execute(
        select(bucket, func.count())
        .where(CheckIn.event_id == event.id)
        .group_by(bucket)
        .order_by(bucket)
    ).all()
    if not rows:
        return []
    counts = {int(b): n for b, n in rows}
    last = int(rows[-1][0])
    first = max(int(rows[0][0]), last - MAX_BUCKETS + 1)
    step = BUCKET_MINUTES * 60
    return [
        (datetime.fromtimestamp(b * step, UTC), counts.get(b, 0)) for b in range(first, last + 1)
    ]


def _latest(event: Event) -> list[tuple[str, str, datetime]]:
    rows = db.session.execute(
        select(Participant.name, Participant.agency, CheckIn.checked_in_at)
        .join(CheckIn, CheckIn.participant_id == Participant.id)
        .where(CheckIn.event_id == event.id)
        .order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc())
        .limit(LATEST)
    )
    return [(name, agency, at) for name, agency, at in rows]


def _split(table: dict[str, Split]) -> dict[str, dict[str, int]]:
    return {k: {"registered": s.registered, "checked_in": s.checked_in} for k, s in table.items()}


def attendance_json(event: Event, data: Attendance) -> dict[str, Any]:
    """The figures as JSON (the API, the board's stream, the summary), times in the event's zone."""
    tz = event.timezone
    return {
        "event_id": event.id,
        "registered": data.registered,
        "checked_in": data.checked_in,
        "walk_ins": data.walk_ins,
        "by_agency": _split(data.by_agency),
        "by_category": _split(data.by_category),
        "by_method": data.by_method,
        "tumbler": data.tumbler,
        "arrivals": [{"from": iso(start, tz), "count": n} for start, n in data.arrivals],
        "latest": [
            {"name": name, "agency": agency, "checked_in_at": iso(at, tz)}
            for name, agency, at in data.latest
        ],
        "by_day": [
            {"day": d.day.isoformat(), "present": d.present, "checked_out": d.checked_out}
            for d in data.by_day
        ],
        "by_session": [
            {
                "id": s.id,
                "title": s.title,
                "day": s.day.isoformat(),
                "starts_at": iso(s.starts_at, tz),
                "ends_at": iso(s.ends_at, tz),
                "room": s.room,
                "jp": s.jp,
                "attended": s.attended,
                "scanned": s.scanned,
            }
            for s in data.by_session
        ],
        "updated_at": iso(utcnow(), tz),
    }


def bucket_end(start: datetime) -> datetime:
    return start + timedelta(minutes=BUCKET_MINUTES)


# --- lists for the door -----------------------------------------------------------------------


@dataclass(frozen=True)
class TicketRow:
    code: str
    participant_id: int
    name: str
    agency: str
    category: str
    checked_in_at: datetime | None


def _ticket_rows(event: Event, *conditions: ColumnElement[bool], limit: int | None = None):
    query = (
        select(
            Participant.ticket_code,
            Participant.id,
            Participant.name,
            Participant.agency,
            Participant.category,
            CheckIn.checked_in_at,
        )
        .outerjoin(CheckIn, CheckIn.participant_id == Participant.id)
        .where(Participant.event_id == event.id, *conditions)
        .order_by(Participant.name, Participant.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [TicketRow(*row) for row in db.session.execute(query)]


#: How the offline list names tickets: HMAC-SHA-256 of the code under the list's own random
#: key, its first 16 bytes in URL-safe base64. The scanner computes the same of what it scans
#: (static/js/scanner/judge.js); the list never holds a code that would open a ticket.
DIGEST_ALGORITHM = "hmac-sha256-128"


def ticket_digest(key: bytes, code: str) -> str:
    """A ticket code's digest under ``key`` (pure). Without the code it cannot be reversed (a
    code is 128 random bits), and a list's digests match no other list's (each has its key)."""
    mac = hmac.new(key, code.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def ticket_list(event: Event) -> list[TicketRow]:
    """Every ticket of the event with its check-in time, in one query (the offline scanner)."""
    return _ticket_rows(event)


def search_participants(event: Event, q: str) -> list[TicketRow]:
    """At most SEARCH_LIMIT participants whose name or agency contains ``q``.

    Raises ValidationFailed when ``q`` is shorter than SEARCH_MIN characters.
    """
    q = q.strip()
    if len(q) < SEARCH_MIN:
        raise ValidationFailed(
            _("Type at least %(n)d letters.", n=SEARCH_MIN), {"q": _("Too short.")}
        )
    match = Participant.name.icontains(q, autoescape=True) | Participant.agency.icontains(
        q, autoescape=True
    )
    return _ticket_rows(event, match, limit=SEARCH_LIMIT)


# --- the list of check-ins (daftar hadir) -----------------------------------------------------


@dataclass(frozen=True)
class CheckInRow:
    participant_id: int
    name: str
    agency: str
    category: str
    checked_in_at: datetime
    method: str
    gate: str
    device: str
    brought_tumbler: bool | None


def list_check_ins(event: Event, q: str = "", limit: int = 500) -> list[CheckInRow]:
    """The event's check-ins, latest first, optionally by name or agency (one query)."""
    query = (
        select(
            Participant.id,
            Participant.name,
            Participant.agency,
            Participant.category,
            CheckIn.checked_in_at,
            CheckIn.method,
            CheckIn.gate,
            CheckIn.device,
            CheckIn.brought_tumbler,
        )
        .join(CheckIn, CheckIn.participant_id == Participant.id)
        .where(CheckIn.event_id == event.id)
        .order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc())
        .limit(limit)
    )
    if q.strip():
        query = query.where(
            Participant.name.icontains(q.strip(), autoescape=True)
            | Participant.agency.icontains(q.strip(), autoescape=True)
        )
    return [CheckInRow(*row) for row in db.session.execute(query)]
