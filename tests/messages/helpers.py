"""Building messages in tests through the services, as the pages do."""

from __future__ import annotations

from tracker.db import utcnow
from tracker.extensions import db
from tracker.messages import services, texts

BASE_URL = "https://hadir.tabanankab.go.id"


def queue(event, kind="reminder", channel="email", actor=None, language="id", **fields):
    subject, body = texts.default_text(kind, language)
    data = services.MessageInput(
        kind=kind,
        channel=channel,
        language=language,
        subject=fields.pop("subject", subject),
        body=fields.pop("body", body),
        **fields,
    )
    message = services.queue_message(event, data, actor, utcnow(), BASE_URL)
    db.session.commit()
    return message


def statuses(message) -> dict[str, int]:
    return services.status_counts([message.id])[message.id]


def check_in_now(event, person) -> None:
    from tracker.checkin.services import ScanInput, check_in

    check_in(event, ScanInput(code=person.ticket_code), None, utcnow())
    db.session.commit()
