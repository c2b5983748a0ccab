"""The messages' jobs on the worker: send now (after a message is queued), and every minute
(scheduled messages, retries, deliveries a dead worker left behind)."""

from __future__ import annotations

from tracker.db import utcnow
from tracker.jobs import JobQueue
from tracker.messages.models import Channel
from tracker.messages.sending import release_stale, send_due

SEND = "messages.send"
SWEEP = "messages.sweep"


def send_now(channel: str) -> None:
    send_due(channel)


def sweep() -> None:
    release_stale(utcnow())
    for channel in (Channel.EMAIL, Channel.WHATSAPP):
        send_due(channel)


def register_message_jobs(queue: JobQueue) -> None:
    queue.add(SEND, send_now)
    queue.add_periodic(SWEEP, sweep)
