"""Attendance per person, on a page: everyone registered with their days, sessions, hours
inside, JP and whether they completed; filtered (present, not yet arrived, absent,
incomplete) on a day or the whole event. The numbers are tracker.checkin.presence's."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.checkin.presence import Filter, attendance_list
from tracker.db import utcnow
from tracker.events.days import day_of
from tracker.events.models import PARTICIPANT_CATEGORY_LABELS
from tracker.events.services import get_event

bp = Blueprint("presence", __name__, url_prefix="/events/<int:event_id>")


@bp.route("/attendance")
@requires(Role.STAFF)
def index(event_id: int) -> str:
    event = get_event(event_id)
    days = [w.day for w in event.day_windows()]
    today = day_of(event.day_windows(), utcnow(), event.timezone)
    wanted = request.args.get("filter", "")
    chosen = Filter(wanted) if wanted in {f.value for f in Filter} else None
    raw_day = request.args.get("day", today.isoformat() if today in days else "")
    day = date.fromisoformat(raw_day) if raw_day in {d.isoformat() for d in days} else None
    measured, people = attendance_list(event, chosen, day, utcnow())
    return render_template(
        "checkin/attendance.html",
        event=event,
        measured=measured,
        people=people,
        days=days,
        day=day,
        wanted=chosen.value if chosen else "",
        filters=[f.value for f in Filter],
        categories=PARTICIPANT_CATEGORY_LABELS,
    )
