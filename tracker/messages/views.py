"""Message pages for organisers: the list, writing one, each person's status, retry, cancel,
and the wa.me links opened one by one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.auth.access import requires
from tracker.auth.roles import Role
from tracker.checkin.tickets import wa_me_link, whatsapp_number
from tracker.db import utcnow
from tracker.errors import ValidationFailed
from tracker.events.models import Event, Participant
from tracker.events.services import as_utc, check_timezone, get_event
from tracker.extensions import db
from tracker.forms import ConfirmForm, choices, form_errors
from tracker.http import site_url
from tracker.i18n import zone
from tracker.jobs import enqueue
from tracker.messages import services, texts
from tracker.messages.forms import MessageForm
from tracker.messages.jobs import SEND
from tracker.messages.models import (
    AUDIENCE_LABELS,
    CHANNEL_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    Audience,
    Channel,
    MessageKind,
)
from tracker.messages.sending import personal_copy_for

bp = Blueprint("messages", __name__, url_prefix="/events/<int:event_id>/messages")

#: The reminder's usual moment: the day before, at 16:00 in the event's zone (H-1).
REMINDER_HOUR = 16


def _labels() -> dict[str, Any]:
    return {
        "kinds": KIND_LABELS,
        "channels": CHANNEL_LABELS,
        "statuses": STATUS_LABELS,
        "audiences": AUDIENCE_LABELS,
        "reasons": {
            services.NO_ADDRESS: _("No address for this channel"),
            services.CANCELLED: _("Cancelled"),
        },
    }


@bp.route("")
@requires(Role.ORGANISER)
def index(event_id: int) -> str:
    event = get_event(event_id)
    messages = services.list_messages(event)
    counts = services.status_counts([m.id for m in messages])
    ready = {c.value: services.channel_ready(c) for c in Channel}
    return render_template(
        "messages/index.html",
        event=event,
        messages=messages,
        counts=counts,
        ready=ready,
        **_labels(),
    )


def _reminder_time(event: Event) -> datetime:
    """H-1 at 16:00 in the event's zone."""
    day_before = event.starts_at.astimezone(zone(event.timezone)) - timedelta(days=1)
    return day_before.replace(hour=REMINDER_HOUR, minute=0, second=0, microsecond=0)


def _fill_defaults(form: MessageForm, event: Event) -> None:
    kind = request.args.get("kind", MessageKind.INVITATION)
    kind = kind if kind in set(MessageKind) else MessageKind.INVITATION
    language = request.args.get("language", "id")
    language = language if language in ("id", "en") else "id"
    form.kind.data, form.language.data = kind, language
    form.subject.data, form.body.data = texts.default_text(kind, language)
    if kind == MessageKind.REMINDER:
        form.when.data = "at"
        form.send_at.data = _reminder_time(event).replace(tzinfo=None)
    if kind == MessageKind.CERTIFICATE:
        form.audience.data = Audience.CERTIFIED
    if request.args.get("person", "").isdigit():
        form.audience.data, form.person.data = Audience.PERSON, request.args["person"]


def _form(event: Event) -> MessageForm:
    form = MessageForm()
    form.agency.choices = choices((a, a) for a in services.agencies(event))
    people = db.session.execute(
        db.select(Participant.id, Participant.name, Participant.agency)
        .where(Participant.event_id == event.id, Participant.anonymised_at.is_(None))
        .order_by(Participant.name)
    )
    form.person.choices = choices((str(i), f"{n} · {a}" if a else n) for i, n, a in people)
    if request.method == "GET":
        _fill_defaults(form, event)
    return form


def _input(form: MessageForm, event: Event) -> services.MessageInput:
    send_at = None
    if form.when.data == "at":
        if form.send_at.data is None:
            raise ValidationFailed(_("Say when to send it."), {"send_at": _("Required.")})
        send_at = as_utc(form.send_at.data, check_timezone(event.timezone))
    value = {Audience.AGENCY: form.agency.data, Audience.PERSON: form.person.data}
    return services.MessageInput(
        kind=form.kind.data,
        channel=form.channel.data,
        language=form.language.data,
        subject=form.subject.data or "",
        body=form.body.data or "",
        audience=form.audience.data,
        audience_value=value.get(form.audience.data) or "",
        send_at=send_at,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def new(event_id: int) -> str | Response:
    event = get_event(event_id)
    form = _form(event)
    if form.validate_on_submit():
        try:
            message = services.queue_message(
                event, _input(form, event), current_user, utcnow(), site_url("")
            )
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            form_errors(form, exc)
        else:
            if message.channel != Channel.WA_ME:
                enqueue(SEND, message.channel)
            flash(_("The message is queued."), "success")
            return redirect(url_for("messages.show", event_id=event.id, message_id=message.id))
    counts = {
        a.value: services.count_audience(event, a, "") for a in (Audience.ALL, Audience.NOT_ARRIVED)
    }
    ready = {c.value: services.channel_ready(c) for c in Channel}
    placeholders = {k.value: texts.placeholders_for(k) for k in MessageKind}
    return render_template(
        "messages/new.html",
        event=event,
        form=form,
        counts=counts,
        ready=ready,
        placeholders=placeholders,
        **_labels(),
    )


@bp.route("/<int:message_id>")
@requires(Role.ORGANISER)
def show(event_id: int, message_id: int) -> str:
    event = get_event(event_id)
    message = services.get_message(event, message_id)
    rows = services.deliveries(message)
    preview = personal_copy_for(message, rows[0].participant) if rows else None
    return render_template(
        "messages/show.html",
        event=event,
        message=message,
        rows=rows,
        preview=preview,
        counts=services.status_counts([message.id])[message.id],
        form=ConfirmForm(),
        **_labels(),
    )


@bp.route("/<int:message_id>/retry", methods=["POST"])
@requires(Role.ORGANISER)
def retry(event_id: int, message_id: int) -> Response:
    event = get_event(event_id)
    message = services.get_message(event, message_id)
    if ConfirmForm().validate_on_submit():
        count = services.retry_failed(message, current_user, utcnow())
        db.session.commit()
        if count:
            enqueue(SEND, message.channel)
        flash(_("%(n)d queued again.", n=count), "success")
    return redirect(url_for("messages.show", event_id=event.id, message_id=message.id))


@bp.route("/<int:message_id>/cancel", methods=["POST"])
@requires(Role.ORGANISER)
def cancel(event_id: int, message_id: int) -> Response:
    event = get_event(event_id)
    message = services.get_message(event, message_id)
    if ConfirmForm().validate_on_submit():
        count = services.cancel_message(message, current_user, utcnow())
        db.session.commit()
        flash(_("Cancelled: %(n)d not sent.", n=count), "success")
    return redirect(url_for("messages.show", event_id=event.id, message_id=message.id))


@bp.route("/<int:message_id>/wa/<int:delivery_id>")
@requires(Role.ORGANISER)
def open_whatsapp(event_id: int, message_id: int, delivery_id: int) -> Response:
    """Opens WhatsApp with the person's message ready; the delivery counts as sent by the
    organiser who opened it (a GET, so that it works as a plain link on a phone)."""
    event = get_event(event_id)
    message = services.get_message(event, message_id)
    delivery = services.open_wa_me(message, delivery_id, current_user, utcnow())
    db.session.commit()
    number = whatsapp_number(delivery.participant.phone)
    return redirect(wa_me_link(number, personal_copy_for(message, delivery.participant).text))
