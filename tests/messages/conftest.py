"""Real parts for the messages' tests: an SMTP server (aiosmtpd) and an HTTP server speaking the
WhatsApp Cloud API's shape, both on 127.0.0.1, and the app's job queue run by hand."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tracker.jobs import JobQueue, job_queue


@pytest.fixture
def jobs(app) -> Iterator[JobQueue]:
    """The app's queue (in memory): ``jobs.run_pending()`` runs what the requests enqueued."""
    queue = job_queue()
    queue.huey.flush()
    yield queue
    queue.huey.flush()


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    url: str
    inbox: _Inbox


@pytest.fixture
def smtp_server(app, monkeypatch) -> Iterator[SmtpServer]:
    """A real SMTP server on a free port; the app sends e-mail to it."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    url = f"smtp://127.0.0.1:{controller.port}"
    monkeypatch.setitem(app.config, "SMTP_URL", url)
    monkeypatch.setitem(app.config, "MAIL_FROM", "Diskominfo Tabanan <hadir@tabanankab.go.id>")
    monkeypatch.setitem(app.config, "MAIL_RATE_PER_MINUTE", 6000)
    try:
        yield SmtpServer(url, inbox)
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a local stand-in for the WhatsApp Business Platform (Cloud API) ---------------------------

PHONE_NUMBER_ID = "109876543210"
TOKEN = "test-token"


@dataclass
class WhatsAppServer:
    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    #: to-number -> (HTTP status, error body) to answer instead of accepting.
    errors: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)


def _handler(state: WhatsAppServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            if self.path != f"/v21.0/{PHONE_NUMBER_ID}/messages":
                return self._answer(404, {"error": {"message": "Unknown path", "code": 100}})
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                error = {"message": "Invalid OAuth access token.", "type": "OAuthException"}
                return self._answer(401, {"error": {**error, "code": 190}})
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.received.append(body)
            if body["to"] in state.errors:
                return self._answer(*state.errors[body["to"]])
            wamid = f"wamid.TEST{len(state.received):04d}"
            return self._answer(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                    "messages": [{"id": wamid}],
                },
            )

    return Handler


@pytest.fixture
def whatsapp_server(app, monkeypatch) -> Iterator[WhatsAppServer]:
    state = WhatsAppServer(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v21.0"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "WHATSAPP_API_URL", state.url)
    monkeypatch.setitem(app.config, "WHATSAPP_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "WHATSAPP_PHONE_NUMBER_ID", PHONE_NUMBER_ID)
    monkeypatch.setitem(app.config, "WHATSAPP_RATE_PER_MINUTE", 6000)
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
