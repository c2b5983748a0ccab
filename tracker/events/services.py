"""Writes and queries for venues and events. Services flush; the view or command commits once."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from sqlalchemy import ScalarSelect, func, select

from tracker.auth.access import owned_by
from tracker.auth.models import Principal
from tracker.auth.offices import office_for_new_event
from tracker.db import utcnow
from tracker.errors import NotFound, ValidationFailed
from tracker.events.models import Event, EventStatus, Participant, Venue
from tracker.extensions import db

TITLE_MAX, UNIT_MAX = 300, 300
#: The times an event may have, in UTC: anything outside is a typing slip.
TIME_RANGE = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
_TIME_FIELDS = ("starts_at", "ends_at", "checkin_opens_at", "checkin_closes_at")


@dataclass
class VenueInput:
    name: str
    address: str = ""
    room: str = ""
    capacity: int | None = None


@dataclass
class EventInput:
    """An event as a form or the API describes it. Naive times are in ``timezone``."""

    title: str
    organiser_unit: str
    starts_at: datetime
    ends_at: datetime
    timezone: str = "Asia/Makassar"
    description: str = ""
    venue_id: int | None = None
    venue: VenueInput | None = None
    topics: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    livestream_url: str = ""
    expected_participants: int | None = None
    allow_walk_ins: bool = False
    ask_signature: bool = False
    status: str = EventStatus.DRAFT.value
    checkin_opens_at: datetime | None = None
    checkin_closes_at: datetime | None = None
    retention_days: int | None = None
    privacy_contact: str = ""


def check_timezone(name: str) -> ZoneInfo:
    """Raises ValidationFailed for a name that is not an IANA time zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationFailed(
            _("Unknown time zone %(tz)s; use a name such as Asia/Makassar.", tz=name),
            {"timezone": _("Unknown time zone.")},
        ) from None


def as_utc(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A naive time is read in the event's zone; an aware one keeps its own offset."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(ZoneInfo("UTC"))


def _clean_lines(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line and line.strip()]


def _check_event(data: EventInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Give the event a title.")
    if not data.organiser_unit.strip():
        errors["organiser_unit"] = _("Name the organising unit.")
    if data.ends_at < data.starts_at:
        errors["ends_at"] = _("The event cannot end before it starts.")
    if data.status not in {s.value for s in EventStatus}:
        errors["status"] = _("Status must be draft, open or closed.")
    if data.expected_participants is not None and data.expected_participants < 0:
        errors["expected_participants"] = _("Cannot be negative.")
    opens, closes = data.checkin_opens_at, data.checkin_closes_at
    if data.retention_days is not None and not 1 <= data.retention_days <= 3650:
        errors["retention_days"] = _("Retention must be from 1 to %(max)d days.", max=3650)
    if opens and closes and closes < opens:
        errors["checkin_closes_at"] = _("The door cannot close before it opens.")
    return errors


def _utc_times(data: EventInput, tz: ZoneInfo) -> None:
    """Put the event's times in UTC. Raises ValidationFailed for a time outside TIME_RANGE:
    a slip of the year (0226, 20266) that would otherwise be stored and then break every page
    that shows the event in its zone (a datetime cannot go past year 9999)."""
    errors = {}
    for name in _TIME_FIELDS:
        try:
            value = as_utc(getattr(data, name), tz)
        except OverflowError:
            value = None
            errors[name] = _("Check the year.")
        if value is not None and not TIME_RANGE[0] <= value < TIME_RANGE[1]:
            errors[name] = _("Check the year.")
        setattr(data, name, value)
    if errors:
        raise ValidationFailed(_("The event has errors."), errors)


def _normalised(data: EventInput) -> EventInput:
    """The input with times in UTC and lines trimmed. Raises ValidationFailed."""
    tz = check_timezone(data.timezone)
    _utc_times(data, tz)
    data.topics, data.speakers = _clean_lines(data.topics), _clean_lines(data.speakers)
    errors = _check_event(data)
    if errors:
        raise ValidationFailed(_("The event has errors."), errors)
    return data


def find_or_create_venue(data: VenueInput) -> Venue:
    """The venue with the same name, room and address, or a new one: venues are reused."""
    if not data.name.strip():
        raise ValidationFailed(_("Name the venue."), {"venue.name": _("Required.")})
    if data.capacity is not None and data.capacity <= 0:
        raise ValidationFailed(_("Capacity must be positive."), {"venue.capacity": _("Invalid.")})
    venue = db.session.scalar(
        select(Venue).where(
            Venue.name == data.name.strip(),
            Venue.room == data.room.strip(),
            Venue.address == data.address.strip(),
        )
    )
    if venue is None:
        venue = Venue(name=data.name.strip(), address=data.address.strip(), room=data.room.strip())
        db.session.add(venue)
    if data.capacity is not None:
        venue.capacity = data.capacity
    db.session.flush()
    return venue


def save_venue(venue: Venue | None, data: VenueInput) -> Venue:
    """Create (venue None) or update a venue. Raises ValidationFailed."""
    errors = {}
    if not data.name.strip():
        errors["name"] = _("Required.")
    if data.capacity is not None and data.capacity <= 0:
        errors["capacity"] = _("Capacity must be positive.")
    if errors:
        raise ValidationFailed(_("The venue has errors."), errors)
    venue = venue or Venue()
    venue.name, venue.address, venue.room = (
        data.name.strip(),
        data.address.strip(),
        data.room.strip(),
    )
    venue.capacity = data.capacity
    db.session.add(venue)
    db.session.flush()
    return venue


def _apply(event: Event, data: EventInput) -> None:
    if data.venue is not None:
        event.venue = find_or_create_venue(data.venue)
    elif data.venue_id is not None:
        event.venue = get_venue(data.venue_id)
    else:
        event.venue = None
    for name in (f.name for f in fields(EventInput)):
        if name not in ("venue", "venue_id"):
            setattr(event, name, getattr(data, name))


def create_event(
    data: EventInput,
    actor: Principal | None,
    submission: str | None = None,
    now: datetime | None = None,
) -> Event:
    """Raises ValidationFailed (bad times, unknown zone, missing title, an office the actor
    does not organise: ``offices.office_for_new_event``) or NotFound (venue).

    ``submission`` is the form's one-time key: the database keeps it unique, so a second post
    of one form fails on commit (IntegrityError) and ``event_for_submission`` finds the first.
    """
    event = Event(created_by_id=actor.id if actor else None, submission=submission or None)
    _apply(event, _normalised(data))
    office = office_for_new_event(data.organiser_unit, actor, now or utcnow())
    event.office_id = office.id
    db.session.add(event)
    db.session.flush()
    return event


def event_for_submission(submission: str | None) -> Event | None:
    """The event a new-event form with this one-time key made already, if any."""
    if not submission:
        return None
    return db.session.scalar(select(Event).where(Event.submission == submission))


def update_event(event: Event, data: EventInput) -> Event:
    """Replace the event's fields. Raises like create_event."""
    _apply(event, _normalised(data))
    db.session.flush()
    return event


def event_input(event: Event, **changes: Any) -> EventInput:
    """The event's current fields as an input, with ``changes`` applied (for partial updates)."""
    values = {f.name: getattr(event, f.name) for f in fields(EventInput) if f.name != "venue"}
    values.update(changes)
    return EventInput(**values)


def set_archived(event: Event, archived: bool, now: datetime) -> None:
    event.archived_at = now if archived else None
    db.session.flush()


def get_event(event_id: int) -> Event:
    """Raises NotFound."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound(_("No event with id %(id)s.", id=event_id))
    return event


def get_venue(venue_id: int) -> Venue:
    """Raises NotFound."""
    venue = db.session.get(Venue, venue_id)
    if venue is None:
        raise NotFound(_("No venue with id %(id)s.", id=venue_id), {"venue_id": _("Unknown.")})
    return venue


def office_of_event(event_id: int) -> ScalarSelect[int]:
    return select(Event.office_id).where(Event.id == event_id).scalar_subquery()


owned_by("event_id", office_of_event)


def list_events(scope: str, now: datetime, offices: set[int] | None = None) -> list[Event]:
    """Events by scope: ``upcoming`` (not ended, soonest first), ``past`` (latest first),
    ``archived``, or ``all``; of these offices only (None: every office)."""
    query = select(Event)
    if offices is not None:
        query = query.where(Event.office_id.in_(offices))
    if scope == "archived":
        return list(
            db.session.scalars(
                query.where(Event.archived_at.is_not(None)).order_by(Event.starts_at.desc())
            )
        )
    if scope != "all":
        query = query.where(Event.archived_at.is_(None))
    if scope == "upcoming":
        query = query.where(Event.ends_at >= now).order_by(Event.starts_at)
    elif scope == "past":
        query = query.where(Event.ends_at < now).order_by(Event.starts_at.desc())
    else:
        query = query.order_by(Event.starts_at.desc())
    return list(db.session.scalars(query))


def list_venues() -> list[Venue]:
    return list(db.session.scalars(select(Venue).order_by(Venue.name, Venue.room)))


def participant_counts(event: Event) -> dict[str, int]:
    """Registered participants by category, plus ``total``."""
    rows = db.session.execute(
        select(Participant.category, func.count())
        .where(Participant.event_id == event.id)
        .group_by(Participant.category)
    )
    counts = {category: count for category, count in rows}
    counts["total"] = sum(counts.values())
    return counts
