"""How a message leaves the app: e-mail through any SMTP server, WhatsApp through the WhatsApp
Business Platform (Cloud API). The wa.me links need no sender (the organiser opens each one).

No Flask here: a sender gets its settings as arguments, and answers each ``send`` with the
provider's id for the message or a ``SendError`` saying why not and whether a later try may
succeed (a server that cannot be reached, a rate limit, a provider's outage) or not (an address
refused, a number that is not on WhatsApp). Another provider is one more class with ``send``
and ``close``.
"""

from __future__ import annotations

import json
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

#: How long one call to a server may take before it counts as unreachable.
TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Outgoing:
    to: str  # an e-mail address, or a phone number in E.164
    subject: str
    text: str


class SendError(Exception):
    """The message was not sent. ``transient``: trying again later may work; ``channel_down``:
    the server or provider itself failed (not this one address), so the next ones would too."""

    def __init__(self, reason: str, transient: bool, channel_down: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:480]
        self.transient = transient
        self.channel_down = channel_down


class Sender(Protocol):
    def send(self, item: Outgoing) -> str:
        """Send; returns the provider's id for the message. Raises SendError."""

    def close(self) -> None: ...


# --- e-mail -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str = ""
    password: str = ""
    #: smtps:// : TLS from the first byte (port 465); smtp:// : STARTTLS when the server offers it.
    implicit_tls: bool = False

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """``smtp://user:password@host:587`` or ``smtps://user:password@host:465``.

        Raises ValueError for another scheme or no host (the start-up check reports it).
        """
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:587")
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            implicit_tls=implicit,
        )


class SmtpSender:
    """One SMTP connection, opened at the first message and kept for the ones after it."""

    def __init__(self, settings: SmtpSettings, mail_from: str) -> None:
        self.settings = settings
        self.mail_from = mail_from
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        where = f"{s.host}:{s.port}"
        try:
            if s.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_SECONDS)
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
            if s.username:
                smtp.login(s.username, s.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise SendError(
                f"the SMTP server {where} refused the login: {_said(exc)}", False, True
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(
                f"the SMTP server {where} cannot be reached: {_why(exc)}", True, True
            ) from None
        return smtp

    def send(self, item: Outgoing) -> str:
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = item.to
        message["Subject"] = item.subject
        message["Message-ID"] = make_msgid(domain=self.mail_from.rpartition("@")[2] or None)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(item.text)
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, said = next(iter(exc.recipients.values()))
            raise SendError(f"the address was refused: {code} {_text(said)}", code < 500) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            transient = exc.smtp_code < 500
            raise SendError(
                f"the SMTP server answered {_said(exc)}", transient, transient
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise SendError(f"the SMTP connection broke: {_why(exc)}", True, True) from None
        return message["Message-ID"]

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _said(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"


def _why(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    return str(exc) or type(exc).__name__


# --- WhatsApp Business Platform (Cloud API) ----------------------------------------------------

#: Cloud API error codes that a later try may get past: throttling and outages
#: (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
TRANSIENT_WHATSAPP_CODES = frozenset({1, 2, 4, 80007, 130429, 131016, 131048, 131056, 133004})


@dataclass(frozen=True)
class WhatsAppSettings:
    api_url: str  # https://graph.facebook.com/v21.0
    phone_number_id: str
    token: str
    #: "name:language" of an approved template with one body parameter: the Cloud API sends
    #: free text only within 24 hours of the person's last message to the business number,
    #: so a first message must be a template (the text goes in as its parameter).
    template: str = ""


class WhatsAppCloudSender:
    """``POST {api_url}/{phone_number_id}/messages`` with a bearer token, as the Cloud API
    documents it; the answer's ``messages[0].id`` (wamid) is the provider's id."""

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings

    def _payload(self, item: Outgoing) -> dict[str, Any]:
        to = "".join(ch for ch in item.to if ch.isdigit())
        payload: dict[str, Any] = {"messaging_product": "whatsapp", "to": to}
        name, _sep, language = self.settings.template.partition(":")
        if not name:
            payload |= {"type": "text", "text": {"preview_url": True, "body": item.text[:4096]}}
            return payload
        # Template parameters may not hold line breaks (the Cloud API refuses them).
        flat = " ".join(item.text.split())[:1024]
        payload |= {
            "type": "template",
            "template": {
                "name": name,
                "language": {"code": language or "id"},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": flat}]}],
            },
        }
        return payload

    def send(self, item: Outgoing) -> str:
        s = self.settings
        request = urllib.request.Request(
            f"{s.api_url.rstrip('/')}/{s.phone_number_id}/messages",
            data=json.dumps(self._payload(item)).encode(),
            headers={"Authorization": f"Bearer {s.token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - the configured API URL
                body = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise _whatsapp_error(exc.code, exc.read()) from None
        except (OSError, ValueError) as exc:
            reason = f"the WhatsApp API cannot be reached: {_why(exc)}"
            raise SendError(reason, True, True) from None
        try:
            return str(body["messages"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise SendError("the WhatsApp API answered without a message id", True) from None

    def close(self) -> None:
        pass


def _whatsapp_error(status: int, raw: bytes) -> SendError:
    try:
        error = json.loads(raw)["error"]
        code = int(error.get("code", 0))
        detail = (error.get("error_data") or {}).get("details") or error.get("message", "")
    except (ValueError, KeyError, TypeError, AttributeError):
        code, detail = 0, raw[:200].decode("utf-8", "replace")
    transient = status == 429 or status >= 500 or code in TRANSIENT_WHATSAPP_CODES
    # A wrong token or number id (401, code 190) is the account's problem, not the person's.
    down = transient or status == 401 or code == 190
    return SendError(f"WhatsApp refused it (HTTP {status}, code {code}): {detail}", transient, down)
