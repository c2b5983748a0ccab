"""Between the event form and the service: local times in, local times out."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from tracker.errors import ValidationFailed
from tracker.events.forms import EventForm
from tracker.events.models import Event
from tracker.events.services import EventInput, VenueInput, check_timezone


def event_input_from_form(form: EventForm) -> EventInput:
    """The form's naive local times stay naive: the service reads them in the chosen zone."""
    venue = None
    if (form.new_venue_name.data or "").strip():
        venue = VenueInput(
            form.new_venue_name.data,
            form.new_venue_address.data or "",
            form.new_venue_room.data or "",
            form.new_venue_capacity.data,
        )
    return EventInput(
        title=form.title.data,
        organiser_unit=form.organiser_unit.data,
        description=form.description.data or "",
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        timezone=form.timezone.data,
        venue=venue,
        venue_id=form.venue_id.data or None,
        topics=form.topic_lines(),
        speakers=form.speaker_lines(),
        livestream_url=form.livestream_url.data or "",
        expected_participants=form.expected_participants.data,
        allow_walk_ins=form.allow_walk_ins.data,
        status=form.status.data,
        retention_days=form.retention_days.data,
        privacy_contact=(form.privacy_contact.data or "").strip(),
        checkin_opens_at=form.checkin_opens_at.data,
        checkin_closes_at=form.checkin_closes_at.data,
    )


def fill_event_form(form: EventForm, event: Event) -> None:
    tz = check_timezone(event.timezone)

    def local(value: Any) -> Any:
        return None if value is None else value.astimezone(tz).replace(tzinfo=None)

    for name in (
        "title",
        "organiser_unit",
        "description",
        "timezone",
        "livestream_url",
        "expected_participants",
        "allow_walk_ins",
        "retention_days",
        "privacy_contact",
        "status",
    ):
        getattr(form, name).data = getattr(event, name)
    for name in ("starts_at", "ends_at", "checkin_opens_at", "checkin_closes_at"):
        getattr(form, name).data = local(getattr(event, name))
    form.venue_id.data = event.venue_id or 0
    form.topics.data = "\n".join(event.topics or [])
    form.speakers.data = "\n".join(event.speakers or [])


def form_errors(form: FlaskForm, exc: ValidationFailed) -> None:
    """Show a service's field errors beside the form's fields (the rest above the form)."""
    unplaced = []
    for name, message in exc.fields.items():
        field = getattr(form, name.replace("venue.", "new_venue_"), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(message)]
        else:
            unplaced.append(str(message))
    form.form_errors = [exc.message, *unplaced]
