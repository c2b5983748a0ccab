"""One set of figures per event: ``build_summary`` and the attendance list's batched rows.

Attendance comes from ``tracker.checkin.attendance.attendance`` and sustainability (tumbler
rate, bottles avoided, waste, refill water, compliance score) from
``tracker.summaries.sustainability.sustainability``, given the attendance's tumbler answers;
nothing here counts them again. What is added
is what only the summary needs: the event's facts, each checklist's items with their photos,
the waste weighings, and the attendance list, read in batches so that an event of 20,000
participants never becomes 20,000 ORM objects at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from tracker.checkin.attendance import attendance
from tracker.checkin.day_figures import sessions_figures
from tracker.checkin.models import CheckIn
from tracker.checkin.presence import presence
from tracker.compliance.measurements import list_waste
from tracker.compliance.models import ChecklistItem, EventChecklist
from tracker.compliance.services import checklist_score
from tracker.db import utcnow
from tracker.events.agenda import agenda
from tracker.events.models import Event, Participant
from tracker.extensions import db
from tracker.summaries.data import (
    AttendanceRow,
    ChecklistFacts,
    EventFacts,
    ItemFacts,
    PhotoRef,
    PresenceColumns,
    SessionHead,
    Summary,
    WasteRow,
)
from tracker.summaries.sustainability import assumptions, sustainability
from tracker.times import zone_label

#: Rows fetched per round trip for the attendance list (a server-side cursor on PostgreSQL).
BATCH = 1000


def build_summary(event: Event, now: datetime | None = None) -> Summary:
    """Every figure of the event's summary, as of ``now``, from the features' own functions."""
    present = attendance(event)
    figures = sustainability(event, present.tumbler)
    return Summary(
        event=event_facts(event),
        attendance=present,
        sustainability=figures,
        assumptions=assumptions(figures),
        checklists=tuple(checklist_facts(c) for c in _checklists(event)),
        waste_entries=tuple(waste_rows(event)),
        generated_at=now or utcnow(),
    )


def event_facts(event: Event) -> EventFacts:
    """The event as the summary states it; topics and speakers from its agenda when it has
    one (the sessions' titles, their speakers once each), else the event's own lines."""
    venue = event.venue
    sessions = agenda(event)
    topics = tuple(s.title for s in sessions) or tuple(event.topics or ())
    names = dict.fromkeys(sp.participant.name for s in sessions for sp in s.speakers)
    speakers = tuple(names) or tuple(event.speakers or ())
    return EventFacts(
        id=event.id,
        title=event.title,
        organiser_unit=event.organiser_unit,
        description=event.description or "",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        timezone=event.timezone,
        zone_label=zone_label(event.starts_at, event.timezone),
        venue_name=venue.name if venue else "",
        venue_room=venue.room if venue else "",
        venue_address=venue.address if venue else "",
        topics=topics,
        speakers=speakers,
        livestream_url=event.livestream_url or "",
        expected_participants=event.expected_participants,
        status=event.status,
        purged_at=getattr(event, "purged_at", None),
    )


def _checklists(event: Event) -> list[EventChecklist]:
    # The items and their photos in two more queries, not one query per item.
    return list(
        db.session.scalars(
            select(EventChecklist)
            .where(EventChecklist.event_id == event.id)
            .order_by(EventChecklist.id)
            .options(selectinload(EventChecklist.items).selectinload(ChecklistItem.photos))
        ).unique()
    )


def checklist_facts(checklist: EventChecklist) -> ChecklistFacts:
    template = checklist.template
    return ChecklistFacts(
        id=checklist.id,
        template_key=checklist.template_key,
        title=template.title,
        title_en=template.title_en,
        version=template.version,
        basis_label=template.basis_label(),
        basis_regulation=template.basis_regulation,
        basis_number=template.basis_number,
        basis_year=template.basis_year,
        basis_url=template.basis_url,
        score=checklist_score(checklist),
        items=tuple(_item_facts(item) for item in checklist.items),
        signed_off_at=checklist.signed_off_at,
        signed_off_name=checklist.signed_off_name,
        signed_off_position=checklist.signed_off_position,
    )


def _item_facts(item: ChecklistItem) -> ItemFacts:
    question = item.template_item
    return ItemFacts(
        id=item.id,
        position=item.position,
        text_id=question.text_id,
        text_en=question.text_en,
        basis=question.basis,
        required=question.required,
        answer_type=question.answer_type,
        unit=question.unit,
        status=item.status,
        value=item.value,
        note=item.note,
        photos=tuple(PhotoRef(p.id, p.thumb_key, p.width, p.height) for p in item.photos),
    )


def waste_rows(event: Event) -> list[WasteRow]:
    """Every weighing, oldest first (a report reads in the order things happened)."""
    entries = reversed(list_waste(event))
    return [WasteRow(e.recorded_at, e.stream, e.kg, e.note, e.recorded_by_label) for e in entries]


def presence_columns(event: Event, *, days_only: bool = False) -> PresenceColumns:
    """The participant list's columns per day and per session, with everyone's presence
    (tracker.checkin.presence, the one owner of sessions, JP and completion). Nothing is read
    for a one-day event without an agenda: its list keeps today's columns. The sessions come
    in the order of the per-session figures (``sessions_figures``), so the CSV's and XLSX's
    session columns line up with the summary's table. ``days_only`` (the PDF, whose list
    adds columns only for several days): nothing is read for a one-day event at all."""
    days = tuple(w.day for w in event.day_windows())
    if days_only and len(days) < 2:
        return PresenceColumns()
    sessions = tuple(SessionHead(s.id, s.title, s.day) for s in sessions_figures(event))
    if len(days) < 2 and not sessions:
        return PresenceColumns()
    return PresenceColumns(
        days=days if len(days) > 1 else (),
        sessions=sessions,
        people=presence(event).people,
    )


def attendance_rows(
    event: Event, *, present_only: bool = False, batch: int = BATCH
) -> Iterator[AttendanceRow]:
    """Every registered participant by name (only those checked in with ``present_only``),
    with their check-in, ``batch`` rows per fetch.

    A flat select of the columns needed (no ORM objects), read with ``yield_per``: PostgreSQL
    streams it through a server-side cursor, SQLite steps through it. The query is built now
    but run on the first ``next()``, in whatever session is current then: a streamed response
    reads it after the request's own session is gone (``stream_with_context`` opens another),
    so nothing of ``event`` may be touched later.
    """
    query = (
        select(
            Participant.name,
            Participant.agency,
            Participant.position,
            Participant.category,
            CheckIn.checked_in_at,
            CheckIn.method,
            CheckIn.gate,
            CheckIn.brought_tumbler,
            Participant.id,
        )
        .join(CheckIn, CheckIn.participant_id == Participant.id, isouter=not present_only)
        .where(Participant.event_id == event.id)
        .order_by(Participant.name, Participant.id)
        .execution_options(yield_per=batch)
    )
    return _rows(query)


def _rows(query: Select[Any]) -> Iterator[AttendanceRow]:
    # Through the session's connection (Core), not ``session.execute``, and a batch at a time
    # (``partitions``), not row by row: the rows are plain columns either way, and the ORM's
    # and the per-row fetch's handling cost about as much again as reading them.
    result = db.session.connection().execute(query)
    number = 0
    for batch in result.partitions():
        for name, agency, position, category, at, method, gate, tumbler, pid in batch:
            number += 1
            yield AttendanceRow(
                number,
                name,
                agency or "",
                position or "",
                category,
                at,
                method or "",
                gate or "",
                tumbler if at is not None else None,
                pid,
            )
