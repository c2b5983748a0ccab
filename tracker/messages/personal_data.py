"""What the messages hold about a person, for the personal-data duties (UU PDP).

A delivery row says which message reached whom and when; that stays with the event's figures.
Its error text and the provider's reference can carry the address itself (an SMTP server's
"550 <name@example.org>: no such user", a WhatsApp message id tied to the number), so they are
erased with the rest of the person's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update

from tracker.extensions import db
from tracker.messages.models import Delivery, Message


def deliveries_of(person_id: int) -> list[dict[str, Any]]:
    """The messages sent (or meant) to the person, for their access request."""
    query = (
        select(Delivery, Message)
        .join(Message, Delivery.message_id == Message.id)
        .where(Delivery.participant_id == person_id)
        .order_by(Delivery.id)
    )
    return [
        {
            "kind": message.kind,
            "channel": message.channel,
            "status": delivery.status,
            "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
        }
        for delivery, message in db.session.execute(query)
    ]


def forget_delivery_details(person_ids: Iterable[int]) -> None:
    """Erase the error texts and provider references that may name the person's address."""
    ids = list(person_ids)
    for start in range(0, len(ids), 500):
        db.session.execute(
            update(Delivery)
            .where(Delivery.participant_id.in_(ids[start : start + 500]))
            .values(error="", provider_ref="")
        )
