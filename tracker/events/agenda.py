"""The event's agenda: timed sessions on its days, with speakers from its narasumber and their
training hours (JP). Services flush; the view or command commits once.

A session lies within one of the event's days (tracker.events.days: the local dates from start
to end, the night until 06:00 belonging to the day before); one outside them is refused with
a message naming the event's days. Speakers are participants of category speaker; a speaker
named who is not registered yet is registered as one (source "agenda").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker import audit
from tracker.auth.models import Principal
from tracker.errors import NotFound, ValidationFailed
from tracker.events.days import event_dates, local_moment
from tracker.events.models import AgendaSession, Category, Event, Participant, SessionSpeaker
from tracker.events.registration import ParticipantInput, register_participants
from tracker.extensions import db
from tracker.i18n import day_label

TITLE_MAX, ROOM_MAX, JP_MAX, SPEAKERS_MAX = 300, 200, 40, 10


@dataclass
class SessionInput:
    """A session as a form, the API or a spreadsheet row gives it. Times are the event's local
    clock on ``day``; a time before 06:00 is the night after (an evening running late)."""

    title: str
    day: date
    starts: time
    ends: time
    room: str = ""
    jp: int = 0
    #: Speakers: a participant id of the event's narasumber, or a name (registered as a
    #: speaker if nobody of that name is).
    speakers: list[int | str] = field(default_factory=list)


def agenda(event: Event) -> list[AgendaSession]:
    """The event's sessions in the agenda's order (by day, then the organiser's order, then
    time), with their speakers loaded (two queries)."""
    return list(
        db.session.scalars(
            select(AgendaSession)
            .where(AgendaSession.event_id == event.id)
            .options(selectinload(AgendaSession.speakers).selectinload(SessionSpeaker.participant))
            .order_by(
                AgendaSession.day,
                AgendaSession.position,
                AgendaSession.starts_at,
                AgendaSession.id,
            )
        )
    )


def get_session(event: Event, session_id: int) -> AgendaSession:
    """Raises NotFound for a session that is not this event's."""
    found = db.session.get(AgendaSession, session_id)
    if found is None or found.event_id != event.id:
        raise NotFound(_("No session with id %(id)s in this event.", id=session_id))
    return found


def total_jp(event: Event) -> int:
    """The JP of the whole agenda (what a person attending every session earns)."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(AgendaSession.jp), 0)).where(
                AgendaSession.event_id == event.id
            )
        )
        or 0
    )


def _checked(event: Event, data: SessionInput) -> tuple[datetime, datetime]:
    """The session's start and end in UTC. Raises ValidationFailed (every problem at once)."""
    errors: dict[str, str] = {}
    data.title = (data.title or "").strip()
    data.room = (data.room or "").strip()
    if not data.title:
        errors["title"] = _("Give the session a title.")
    elif len(data.title) > TITLE_MAX:
        errors["title"] = _("At most %(n)d characters.", n=TITLE_MAX)
    if len(data.room) > ROOM_MAX:
        errors["room"] = _("At most %(n)d characters.", n=ROOM_MAX)
    if not 0 <= data.jp <= JP_MAX:
        errors["jp"] = _("JP is a whole number from 0 to %(n)d.", n=JP_MAX)
    if len(data.speakers) > SPEAKERS_MAX:
        errors["speakers"] = _("At most %(n)d speakers.", n=SPEAKERS_MAX)
    days = event_dates(event.starts_at, event.ends_at, event.timezone)
    zone = ZoneInfo(event.timezone)
    starts, ends = (
        local_moment(data.day, data.starts, zone),
        local_moment(data.day, data.ends, zone),
    )
    if data.day not in days:
        errors["day"] = _(
            "The session is outside the event's days (%(first)s to %(last)s).",
            first=day_label(days[0]),
            last=day_label(days[-1]),
        )
    elif ends <= starts:
        errors["ends"] = _("The session must end after it starts.")
    if errors:
        raise ValidationFailed(_("The session was not saved."), errors)
    return starts, ends


def _speakers(event: Event, names: list[int | str], now: datetime) -> list[Participant]:
    """The narasumber named by id or name; a name nobody has is registered as a speaker.
    Raises ValidationFailed for an id that is not one of this event's participants."""
    chosen: list[Participant] = []
    for entry in names:
        if isinstance(entry, int):
            person = db.session.get(Participant, entry)
            if person is None or person.event_id != event.id:
                raise ValidationFailed(
                    _("No participant with id %(id)s in this event.", id=entry),
                    {"speakers": _("Unknown speaker.")},
                )
        else:
            name = entry.strip()
            if not name:
                continue
            person = db.session.scalar(
                select(Participant)
                .where(
                    Participant.event_id == event.id, func.lower(Participant.name) == name.lower()
                )
                .order_by(Participant.category != Category.SPEAKER.value, Participant.id)
                .limit(1)
            )
            if person is None:
                person = register_participants(
                    event,
                    [ParticipantInput(name=name, category=Category.SPEAKER.value)],
                    now,
                    source="agenda",
                )[0]
        if person not in chosen:
            chosen.append(person)
    return chosen


def _apply(
    session: AgendaSession,
    data: SessionInput,
    starts: datetime,
    ends: datetime,
    speakers: list[Participant],
) -> None:
    session.title, session.room, session.jp, session.day = data.title, data.room, data.jp, data.day
    session.starts_at, session.ends_at = starts, ends
    session.speakers = [
        SessionSpeaker(participant_id=p.id, participant=p, position=n)
        for n, p in enumerate(speakers)
    ]


def add_session(
    event: Event, data: SessionInput, actor: Principal | None, now: datetime
) -> AgendaSession:
    """Add a session at the end of its day. Raises ValidationFailed (outside the event's
    days, ends before it starts, an unknown speaker id ...)."""
    starts, ends = _checked(event, data)
    speakers = _speakers(event, data.speakers, now)
    last = db.session.scalar(
        select(func.max(AgendaSession.position)).where(AgendaSession.event_id == event.id)
    )
    session = AgendaSession(event_id=event.id, position=(last or 0) + 1)
    _apply(session, data, starts, ends, speakers)
    db.session.add(session)
    db.session.flush()
    _audit("agenda.add", event, session, actor, now)
    return session


def edit_session(
    event: Event,
    session: AgendaSession,
    data: SessionInput,
    actor: Principal | None,
    now: datetime,
) -> AgendaSession:
    """Change a session. Raises ValidationFailed as add_session."""
    starts, ends = _checked(event, data)
    speakers = _speakers(event, data.speakers, now)
    _apply(session, data, starts, ends, speakers)
    db.session.flush()
    _audit("agenda.edit", event, session, actor, now)
    return session


def remove_session(
    event: Event, session: AgendaSession, actor: Principal | None, now: datetime
) -> None:
    """Remove a session (its attendance goes with it)."""
    _audit("agenda.remove", event, session, actor, now)
    db.session.delete(session)
    db.session.flush()


def reorder_sessions(
    event: Event, ids: list[int], actor: Principal | None, now: datetime
) -> list[AgendaSession]:
    """Put the sessions in the order of ``ids`` (every session of the event, once). Raises
    ValidationFailed otherwise."""
    sessions = {s.id: s for s in agenda(event)}
    if sorted(ids) != sorted(sessions):
        raise ValidationFailed(
            _("Give every session of the event once, in the new order."),
            {"ids": _("Every session once.")},
        )
    for position, session_id in enumerate(ids, start=1):
        sessions[session_id].position = position
    db.session.flush()
    audit.record(
        "agenda.reorder",
        now=now,
        actor=actor,
        event_id=event.id,
        subject_type="event",
        subject_id=event.id,
        details={"ids": ids},
    )
    return agenda(event)


def _audit(
    action: str, event: Event, session: AgendaSession, actor: Principal | None, now: datetime
) -> None:
    audit.record(
        action,
        now=now,
        actor=actor,
        event_id=event.id,
        subject_type="agenda_session",
        subject_id=session.id,
        details={"title": session.title, "day": session.day.isoformat()},
    )


# --- the days' doors and the completion rule ------------------------------------------------


@dataclass
class DayDoor:
    day: date
    opens: time
    closes: time


def set_day_doors(
    event: Event, doors: list[DayDoor], actor: Principal | None, now: datetime
) -> None:
    """Set the door times of single days (the others keep the default: the first day's).
    Raises ValidationFailed for a day that is not the event's, or a door closing before it
    opens."""
    days = event_dates(event.starts_at, event.ends_at, event.timezone)
    zone = ZoneInfo(event.timezone)
    errors: dict[str, str] = {}
    for door in doors:
        key = door.day.isoformat()
        if door.day not in days:
            errors[key] = _(
                "Not one of the event's days (%(first)s to %(last)s).",
                first=day_label(days[0]),
                last=day_label(days[-1]),
            )
        elif local_moment(door.day, door.closes, zone) <= local_moment(door.day, door.opens, zone):
            errors[key] = _("The door must close after it opens.")
    if errors:
        raise ValidationFailed(_("The door times were not saved."), errors)
    event.day_doors = [
        {
            "date": d.day.isoformat(),
            "opens": d.opens.strftime("%H:%M"),
            "closes": d.closes.strftime("%H:%M"),
        }
        for d in sorted(doors, key=lambda d: d.day)
    ] or None
    db.session.flush()
    audit.record(
        "event.day_doors",
        now=now,
        actor=actor,
        event_id=event.id,
        subject_type="event",
        subject_id=event.id,
        details={"day_doors": event.day_doors},
    )


COMPLETION_RULES = ("every_day", "jp_percent")


def set_completion_rule(
    event: Event, rule: str, percent: int, actor: Principal | None, now: datetime
) -> None:
    """Who completes the event: every_day, or jp_percent with ``percent`` (1 to 100).
    Raises ValidationFailed otherwise."""
    if rule not in COMPLETION_RULES:
        raise ValidationFailed(_("Unknown completion rule."), {"rule": _("Unknown rule.")})
    if not 1 <= percent <= 100:
        raise ValidationFailed(
            _("The share of JP is from 1 to 100 %."), {"percent": _("From 1 to 100.")}
        )
    event.completion_rule, event.completion_percent = rule, percent
    db.session.flush()
    audit.record(
        "event.completion_rule",
        now=now,
        actor=actor,
        event_id=event.id,
        subject_type="event",
        subject_id=event.id,
        details={"rule": rule, "percent": percent},
    )
