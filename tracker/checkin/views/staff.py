"""Check-in pages for organisers and staff: the live board, the list of check-ins (with undo),
the door screen, the files to print or send (door poster, ticket sheet, ticket links), and
re-issuing a lost ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, request, url_for
from flask import render_template as render
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from tracker import audit, charts
from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.checkin import door_codes, door_passes, tickets
from tracker.checkin.attendance import list_check_ins
from tracker.checkin.live_figures import Stream, StreamsFull, live_attendance
from tracker.checkin.services import undo_check_in
from tracker.checkin.views.ticket import ticket_url
from tracker.db import utcnow
from tracker.events.days import day_of
from tracker.events.models import PARTICIPANT_CATEGORY_LABELS, Event, Participant, category_label
from tracker.events.registration import get_participant, reissue_ticket
from tracker.events.services import get_event
from tracker.extensions import db
from tracker.forms import ConfirmForm
from tracker.http import links_stay_on_this_computer, send_bytes, site_url
from tracker.i18n import current_language, iso, localised_event_when
from tracker.memory import release_after
from tracker.times import long_time

bp = Blueprint("checkin", __name__, url_prefix="/events/<int:event_id>")


@bp.app_context_processor
def _endpoints() -> dict[str, Any]:
    # Lets a template link to a page of another feature only once that feature exists.
    return {"has_endpoint": lambda name: name in current_app.view_functions}


# --- the live board ---------------------------------------------------------------------------


def _arrivals_chart(arrivals: list[tuple[datetime, int]], tz: str) -> str:
    return charts.arrivals_chart(arrivals, tz, _("Arrivals per 10 minutes"))


@bp.route("/board")
@requires(Role.STAFF)
def board(event_id: int) -> str:
    event = get_event(event_id)
    (_version, figures), tz = live_attendance(event), event.timezone
    today_day = day_of(event.day_windows(), utcnow(), tz)
    numbered = [(n, d) for n, d in enumerate(figures.by_day, start=1) if d.day == today_day]
    return render(
        "checkin/board.html",
        event=event,
        figures=figures,
        today=numbered[0][1] if numbered else None,
        today_number=numbered[0][0] if numbered else 0,
        arrivals_chart=_arrivals_chart(figures.arrivals, tz),
        latest=[
            {"name": name, "agency": agency, "iso": iso(at, tz), "time": iso(at, tz)[11:16]}
            for name, agency, at in figures.latest
        ],
        categories={key.value: str(label) for key, label in PARTICIPANT_CATEGORY_LABELS.items()},
        shared=door_passes.shared_phones(event.id),
        # Full screen for the room: big numbers and the labelled bars, no menus or lists.
        projector=request.args.get("view") == "projector",
    )


@bp.route("/board/arrivals.svg")
@requires(Role.STAFF)
def board_arrivals(event_id: int) -> Response:
    """The board's chart, drawn again for board.js (the server draws every chart): 204 while
    nobody has arrived."""
    event = get_event(event_id)
    version, figures = live_attendance(event)
    etag = f"arrivals-{event.id}-{version}-{current_language()}"
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    elif chart := _arrivals_chart(figures.arrivals, event.timezone):
        response = send_bytes(chart, "image/svg+xml", cache="private, no-cache")
    else:
        return Response(status=204)
    response.set_etag(etag, weak=True)
    return response


@bp.route("/board/stream")
@requires(Role.STAFF)
def board_stream(event_id: int) -> Response:
    """The figures pushed as server-sent events (tracker/checkin/live_figures.py); 503 when
    this worker holds all the streams it may: board.js then polls the figures instead."""
    event = get_event(event_id)
    try:
        stream = Stream(event.id, request.headers.get("Last-Event-ID"))
    except StreamsFull:
        response = Response(
            "busy: poll the attendance figures\n", status=503, mimetype="text/plain"
        )
        response.headers["Retry-After"] = "60"
        return response
    response = Response(stream, mimetype="text/event-stream")
    response.call_on_close(stream.close)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


# --- the list of check-ins, with undo ------------------------------------------------------


@bp.route("/checkins")
@requires(Role.STAFF)
def check_ins(event_id: int) -> str:
    event = get_event(event_id)
    search = request.args.get("q", "")[:100]
    return render(
        "checkin/checkins.html",
        event=event,
        rows=list_check_ins(event, search),
        shared=door_passes.shared_phones(event.id),
        search=search,
        form=ConfirmForm(),
        methods={
            "scanner": _("Scanner"),
            "door": _("Door page"),
            "manual": _("By name"),
            "walk_in": _("Walk-in"),
        },
    )


@bp.route("/checkins/<int:participant_id>/undo", methods=["POST"])
@requires(Role.ORGANISER)
def undo(event_id: int, participant_id: int) -> Response:
    event = get_event(event_id)
    if ConfirmForm().validate_on_submit():
        undo_check_in(event, participant_id, current_user, utcnow())
        db.session.commit()
        flash(_("The check-in was undone; it is kept in the audit log."), "success")
    return redirect(url_for("checkin.check_ins", event_id=event.id))


# --- the door screen with the rotating code ---------------------------------------------------


def _rotating(event: Event) -> dict[str, Any]:
    now = utcnow()
    url = site_url(
        url_for("door.open_door", token=door_codes.rotating_code(_secret(), event.id, now))
    )
    return {
        "url": url,
        "qr": tickets.qr_data_uri(url, box_size=10),
        "slot_seconds": door_codes.SLOT_SECONDS,
        "refresh_in": round(door_codes.seconds_left(now), 1),
    }


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


@bp.route("/door/display")
@requires(Role.STAFF)
def door_display(event_id: int) -> str:
    event = get_event(event_id)
    return render("checkin/door_display.html", event=event, code=_rotating(event))


@bp.route("/door/code.json")
@requires(Role.STAFF)
def door_code(event_id: int) -> Response:
    response = jsonify(_rotating(get_event(event_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


# --- files ------------------------------------------------------------------------------------


def _when(event: Event) -> str:
    return localised_event_when(event.starts_at, event.ends_at, event.timezone)


def _pdf(data: bytes, filename: str) -> Response:
    # A ticket sheet of every participant leaves freed memory behind (tracker.memory).
    return release_after(send_bytes(data, "application/pdf", filename, inline=True))


def _loopback_first() -> bool:
    """Links would point at this computer only, and the organiser has not chosen to go on."""
    return links_stay_on_this_computer() and request.args.get("anyway") != "1"


def _loopback_warning(event: Event) -> Response:
    args = {**request.args.to_dict(), "anyway": "1"}
    page = render(
        "checkin/loopback_warning.html",
        event=event,
        address=site_url("/").rstrip("/"),
        anyway=url_for(request.endpoint or "events.index", event_id=event.id, **args),
    )
    return Response(page, status=409, mimetype="text/html")


@bp.route("/door/poster-switch", methods=["POST"])
@requires(Role.ORGANISER)
def door_poster_switch(event_id: int) -> Response:
    """The poster's code on or off (off: only the door screen's rotating code opens the door)."""
    event = get_event(event_id)
    if ConfirmForm().validate_on_submit():
        event.door_poster = not event.door_poster
        audit.record(
            "event.door_poster",
            now=utcnow(),
            actor=current_user,
            event_id=event.id,
            subject_type="event",
            subject_id=event.id,
            details={"on": event.door_poster},
        )
        db.session.commit()
        flash(
            _("The door poster's code works again.")
            if event.door_poster
            else _("The door poster's code is off: only the door screen's code opens the door."),
            "success",
        )
    return redirect(url_for("events.show", event_id=event.id))


@bp.route("/door/poster.pdf")
@requires(Role.ORGANISER)
def door_poster(event_id: int) -> Response:
    event = get_event(event_id)
    if not event.door_poster:
        flash(_("The door poster's code is off for this event: switch it on first."), "warning")
        return redirect(url_for("events.show", event_id=event.id))
    if _loopback_first():
        return _loopback_warning(event)
    opens, closes = event.checkin_window()
    url = site_url(url_for("door.open_door", token=door_codes.poster_code(_secret(), event.id)))
    text = tickets.PosterText(
        organiser=event.organiser_unit,
        title=event.title,
        when=_when(event),
        where=event.where(),
        call_to_action=_("Check in here: scan with your phone camera"),
        steps=[
            _("1. Open the camera and point it at the code."),
            _("2. Type the phone number or e-mail you registered with."),
            _("3. Done: show the green screen to the staff."),
        ],
        reminder=_("Bring your own tumbler: this event is free of single-use plastic."),
        valid=_(
            "This code works only during check-in: %(opens)s to %(closes)s.",
            opens=long_time(opens, event.timezone, current_language()),
            closes=long_time(closes, event.timezone, current_language()),
        ),
    )
    return _pdf(tickets.door_poster_pdf(text, url), f"poster-{event.id}.pdf")


def _selected(event: Event) -> list[Participant]:
    """All participants, or those chosen by ``ids`` (1,2,3), ``q`` (name/agency) or ``category``."""
    query = select(Participant).where(Participant.event_id == event.id)
    ids = [int(i) for i in request.args.get("ids", "").split(",") if i.strip().isdigit()]
    if ids:
        query = query.where(Participant.id.in_(ids))
    q = request.args.get("q", "").strip()[:100]
    if q:
        query = query.where(
            or_(
                Participant.name.icontains(q, autoescape=True),
                Participant.agency.icontains(q, autoescape=True),
            )
        )
    if request.args.get("category"):
        query = query.where(Participant.category == request.args["category"])
    return list(db.session.scalars(query.order_by(Participant.name, Participant.id)))


def _log_export(event_id: int, action: str, count: int) -> None:
    """UU PDP: who exported whose personal data, when (the filter, never the list itself)."""
    audit.log_export(
        action,
        now=utcnow(),
        actor=current_user,
        event_id=event_id,
        subject_type="event",
        subject_id=event_id,
        details={"count": count, "filter": {k: v[:100] for k, v in request.args.items()}},
    )


@bp.route("/tickets.pdf")
@requires(Role.ORGANISER)
def ticket_sheet(event_id: int) -> Response:
    event = get_event(event_id)
    if _loopback_first():
        return _loopback_warning(event)
    people = _selected(event)
    cards = [
        tickets.TicketCard(p.name, p.agency, category_label(p.category), ticket_url(p.ticket_code))
        for p in people
    ]
    text = tickets.SheetText(
        event_title=event.title,
        when=_when(event),
        where=event.where(),
        footer=_(
            "Personal data: for this event's attendance only (%(unit)s).", unit=event.organiser_unit
        ),
    )
    _log_export(event_id, "export.tickets_pdf", len(cards))
    return _pdf(tickets.ticket_sheet_pdf(text, cards), f"tickets-{event_id}.pdf")


@bp.route("/ticket-links.csv")
@requires(Role.ORGANISER)
def ticket_links(event_id: int) -> Response:
    event = get_event(event_id)
    people = _selected(event)
    links = [
        tickets.TicketLink(
            p.name, p.agency, p.phone, p.email, ticket_url(p.ticket_code), p.legal_basis
        )
        for p in people
    ]
    with force_locale("id"):  # the participants' language, whatever the organiser's screen
        text = tickets.InvitationText.for_event(event, _when(event))
    delimiter = ";" if request.args.get("sep") == "semicolon" else ","
    _log_export(event_id, "export.ticket_links_csv", len(links))
    body = tickets.ticket_links_csv(links, text, delimiter)
    return send_bytes(body, "text/csv", f"ticket-links-{event_id}.csv")


# --- re-issuing a ticket ----------------------------------------------------------------------


@bp.route("/participants/<int:participant_id>/reissue", methods=["POST"])
@requires(Role.ORGANISER)
def reissue(event_id: int, participant_id: int) -> Response:
    event = get_event(event_id)
    person = get_participant(event, participant_id)
    if ConfirmForm().validate_on_submit():
        reissue_ticket(person, utcnow(), current_user)
        db.session.commit()
        flash(
            _("%(name)s has a new ticket; the old one no longer works.", name=person.name),
            "success",
        )
    return redirect(url_for("participants.index", event_id=event.id))
