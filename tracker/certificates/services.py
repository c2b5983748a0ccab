"""Designing, numbering, issuing and revoking certificates. Services flush; the view, the
command or the job commits once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker import audit
from tracker.certificates import numbers, signing, texts
from tracker.certificates.eligibility import completed
from tracker.certificates.models import (
    Certificate,
    CertificateDesign,
    CertificateRegister,
    RegisterCounter,
)
from tracker.compliance.photos import PhotoRejected, prepare_photo
from tracker.errors import Conflict, NotFound, ValidationFailed
from tracker.events.models import Event, Participant
from tracker.extensions import db
from tracker.i18n import zone
from tracker.placeholders import field_errors
from tracker.storage import get_storage

JP_MAX = Decimal("999.9")


# --- the design -------------------------------------------------------------------------------


@dataclass
class DesignInput:
    language: str = "id"
    title: str = ""
    body: str = ""
    speaker_body: str = ""
    committee_body: str = ""
    jp: str = "0"
    place: str = ""
    signer_name: str = ""
    signer_position: str = ""
    signer_nip: str = ""


def default_design(event: Event, language: str = "id") -> CertificateDesign:
    """A design that is not saved: the defaults in ``language``."""
    words = texts.DEFAULTS[language]
    return CertificateDesign(
        event_id=event.id,
        language=language,
        title=words["title"],
        body=words["body"],
        speaker_body="",
        committee_body="",
        jp=Decimal(0),
        place="",
        signer_name="",
        signer_position="",
        signer_nip="",
        logo_key="",
        background_key="",
    )


def saved_design(event: Event) -> CertificateDesign | None:
    return db.session.scalar(
        select(CertificateDesign).where(CertificateDesign.event_id == event.id)
    )


def design_for(event: Event) -> CertificateDesign:
    return saved_design(event) or default_design(event)


def read_jp(raw: str) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 <= value <= JP_MAX or value != value.quantize(Decimal("0.1")):
        return None
    return value


def design_errors(data: DesignInput) -> dict[str, str]:
    fields = ("body", "speaker_body", "committee_body")
    errors = field_errors({f: getattr(data, f) for f in fields}, texts.PLACEHOLDERS)
    if data.language not in texts.DEFAULTS:
        errors["language"] = _("Choose Indonesian or English.")
    if not data.title.strip():
        errors["title"] = _("Give the certificate a title.")
    if not data.body.strip():
        errors["body"] = _("Write the certificate's text.")
    if read_jp(data.jp) is None:
        errors["jp"] = _("JP hours: a number from 0 to 999.9, with at most one decimal.")
    if data.signer_nip and not data.signer_nip.replace(" ", "").isdigit():
        errors["signer_nip"] = _("A NIP has digits only (18 of them).")
    return errors


def save_design(event: Event, data: DesignInput, actor: Any, now: datetime) -> CertificateDesign:
    """Raises ValidationFailed with every field's problem."""
    errors = design_errors(data)
    if errors:
        raise ValidationFailed(_("The design was not saved: see the fields marked."), errors)
    design = saved_design(event)
    if design is None:
        design = default_design(event, data.language)
        db.session.add(design)
    for field in ("language", "title", "body", "speaker_body", "committee_body", "place"):
        setattr(design, field, getattr(data, field).strip())
    design.signer_name, design.signer_position = (
        data.signer_name.strip(),
        data.signer_position.strip(),
    )
    design.signer_nip, design.jp = data.signer_nip.strip(), read_jp(data.jp)
    design.updated_at, design.updated_by_id = now, getattr(actor, "id", None)
    db.session.flush()
    _record("certificate.design", event, actor, now, "event", event.id, {"jp": str(design.jp)})
    return design


def body_for(design: CertificateDesign, category: str) -> str:
    """The text for a role: the speakers' or committee's own, else the main one."""
    own = {"speaker": design.speaker_body, "committee": design.committee_body}.get(category)
    return own or design.body


def set_image(design: CertificateDesign, which: str, raw: bytes | None) -> None:
    """Keep an uploaded logo or background (checked and re-encoded as checklist photos are:
    decoded, not trusted by name, without metadata), or remove it with ``raw=None``. Raises
    ValidationFailed for a file that is not an image we accept."""
    old = getattr(design, f"{which}_key")
    key = ""
    if raw is not None:
        try:
            prepared = prepare_photo(raw)
        except PhotoRejected as exc:
            message = PHOTO_ERRORS.get(exc.reason, PHOTO_ERRORS["not_image"])()
            raise ValidationFailed(message, {which: message}) from None
        key = get_storage().save(prepared.data, "image/jpeg")
    setattr(design, f"{which}_key", key)
    if old:
        get_storage().delete(old)
    db.session.flush()


#: What a person reads when an upload is refused (compliance.photos' reasons).
PHOTO_ERRORS = {
    "too_large": lambda: _("The image is larger than 10 MB."),
    "empty": lambda: _("The file is empty."),
    "not_image": lambda: _("This file is not an image we can use (JPEG, PNG, WebP)."),
}


# --- the register ---------------------------------------------------------------------------


def _insert_ignore(table: Any, values: dict[str, Any], index: list[str]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: a row two requests create at once is made once."""
    dialect = db.session.get_bind().dialect.name
    make = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(make(table).values(**values).on_conflict_do_nothing(index_elements=index))


def register_for(event: Event, now: datetime) -> CertificateRegister:
    """The office's register, made with the default pattern on first use."""
    _insert_ignore(
        CertificateRegister.__table__,
        {"office_id": event.office_id, "pattern": numbers.DEFAULT_PATTERN, "updated_at": now},
        ["office_id"],
    )
    return db.session.scalar(
        select(CertificateRegister).where(CertificateRegister.office_id == event.office_id)
    )


def set_pattern(register: CertificateRegister, pattern: str, actor: Any, now: datetime) -> None:
    """Raises ValidationFailed for a pattern that cannot number certificates. Numbers given
    before keep their text; the running number goes on (it never restarts below a given one)."""
    try:
        numbers.check_pattern(pattern.strip())
    except numbers.PatternError as exc:
        raise ValidationFailed(
            _("The pattern cannot be used: %(why)s.", why=str(exc)), {"pattern": str(exc)}
        ) from None
    register.pattern, register.updated_at = pattern.strip(), now
    db.session.flush()
    _record(
        "certificate.register",
        None,
        actor,
        now,
        "register",
        register.id,
        {"pattern": register.pattern},
    )


def set_signing(
    register: CertificateRegister, data: bytes, password: str, actor: Any, now: datetime
) -> None:
    """Keep the office's PKCS#12 (encrypted). Raises ValidationFailed for a wrong password, a
    file that is not a PKCS#12 or a certificate not valid today."""
    try:
        identity = signing.inspect_pkcs12(data, password, now)
        signing.load_signer(data, password)
    except signing.SigningError as exc:
        message = _("The signing certificate cannot be used: %(why)s.", why=str(exc))
        raise ValidationFailed(message, {"p12": message}) from None
    secret = current_app.config["SECRET_KEY"]
    register.signing_p12 = signing.seal(data, secret)
    register.signing_password = signing.seal(password.encode(), secret)
    register.signing_subject, register.signing_not_after = identity.subject, identity.not_after
    register.updated_at = now
    db.session.flush()
    _record(
        "certificate.signing",
        None,
        actor,
        now,
        "register",
        register.id,
        {"subject": identity.subject},
    )


def remove_signing(register: CertificateRegister, actor: Any, now: datetime) -> None:
    register.signing_p12 = register.signing_password = None
    register.signing_subject, register.signing_not_after = "", None
    register.updated_at = now
    db.session.flush()
    _record("certificate.signing", None, actor, now, "register", register.id, {"subject": ""})


def _take_numbers(register: CertificateRegister, year: int, count: int) -> int:
    """Reserve ``count`` numbers; returns the first. The counter's row stays locked until the
    transaction ends (PostgreSQL: FOR UPDATE; SQLite: the write lock), so two issuers take
    turns, and the second sees what the first issued."""
    _insert_ignore(
        RegisterCounter.__table__,
        {"register_id": register.id, "year": year, "last": 0},
        ["register_id", "year"],
    )
    where = (RegisterCounter.register_id == register.id) & (RegisterCounter.year == year)
    last = db.session.scalar(select(RegisterCounter.last).where(where).with_for_update())
    if count:
        db.session.execute(update(RegisterCounter).where(where).values(last=last + count))
    return last + 1


# --- issuing ----------------------------------------------------------------------------------


def _year_month(event: Event, now: datetime) -> tuple[int, int]:
    local = now.astimezone(zone(event.timezone))
    return local.year, local.month


def _participants(ids: set[int]) -> list[tuple[int, str, str, str]]:
    query = (
        select(Participant.id, Participant.name, Participant.agency, Participant.category)
        .where(Participant.id.in_(ids))
        .order_by(Participant.name, Participant.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _issue(
    event: Event,
    people: list[tuple[int, str, str, str]],
    actor: Any,
    now: datetime,
    reason: str = "",
) -> list[int]:
    """Insert a certificate per person, numbered in order, in one statement."""
    design = saved_design(event)
    if design is None:
        raise Conflict(_("Save the certificate design first (signing official, JP)."))
    register = register_for(event, now)
    year, month = _year_month(event, now)
    counter_year = year if numbers.uses_year(register.pattern) else 0
    first = _take_numbers(register, counter_year, len(people))
    rows = [
        {
            "event_id": event.id,
            "participant_id": pid,
            "register_id": register.id,
            "year": counter_year,
            "seq": first + i,
            "number": numbers.format_number(register.pattern, first + i, year, month),
            "code": secrets.token_urlsafe(16),
            "name": name,
            "agency": agency,
            "category": category,
            "jp": design.jp,
            "issued_at": now,
            "issued_by_id": getattr(actor, "id", None),
            "override_reason": reason,
        }
        for i, (pid, name, agency, category) in enumerate(people)
    ]
    if rows:
        db.session.execute(insert(Certificate), rows)
    return [r["seq"] for r in rows]


def _check_ended(event: Event, now: datetime) -> None:
    if now < event.ends_at:
        raise Conflict(
            _(
                "Certificates can be issued once the event has ended (%(end)s).",
                end=event.ends_at.astimezone(zone(event.timezone)).strftime("%d-%m-%Y %H:%M"),
            )
        )


def issue_all(event: Event, actor: Any, now: datetime) -> int:
    """A certificate for everyone who completed the event and has none yet (valid or
    revoked: a revoked one is given again only one by one, with a reason). Idempotent: a second
    call issues nothing. Returns how many were issued. Raises Conflict before the end, or
    without a saved design."""
    _check_ended(event, now)
    register = register_for(event, now)
    year, _month = _year_month(event, now)
    _take_numbers(register, year if numbers.uses_year(register.pattern) else 0, 0)  # the lock
    have = set(
        db.session.scalars(
            select(Certificate.participant_id).where(
                Certificate.event_id == event.id, Certificate.participant_id.is_not(None)
            )
        )
    )
    todo = completed(event, now) - have
    seqs = _issue(event, _participants(todo), actor, now)
    if seqs:
        _record(
            "certificate.issue",
            event,
            actor,
            now,
            "event",
            event.id,
            {"count": len(seqs), "first_seq": seqs[0], "last_seq": seqs[-1]},
        )
    return len(seqs)


def issue_one(event: Event, person: Participant, actor: Any, now: datetime, reason: str) -> int:
    """One person's certificate. Someone the completion rule does not name, or whose last one
    was revoked, needs a reason, which is audited. Raises Conflict when they hold a valid one,
    ValidationFailed without a needed reason."""
    _check_ended(event, now)
    register = register_for(event, now)
    year, _month = _year_month(event, now)
    _take_numbers(register, year if numbers.uses_year(register.pattern) else 0, 0)
    held = db.session.scalars(select(Certificate).where(Certificate.participant_id == person.id))
    if any(c.is_valid for c in held):
        raise Conflict(_("%(name)s already has a valid certificate.", name=person.name))
    revoked_before = db.session.scalar(
        select(Certificate.id).where(Certificate.participant_id == person.id).limit(1)
    )
    override = person.id not in completed(event, now) or revoked_before is not None
    if override and not reason.strip():
        raise ValidationFailed(
            _(
                "%(name)s did not complete the event (or was revoked): give a reason.",
                name=person.name,
            ),
            {"reason": _("A reason is needed.")},
        )
    (seq,) = _issue(
        event, _participants({person.id}), actor, now, reason.strip() if override else ""
    )
    action = "certificate.override" if override else "certificate.issue"
    _record(
        action,
        event,
        actor,
        now,
        "participant",
        person.id,
        {"seq": seq, "reason": reason.strip() if override else ""},
    )
    return seq


def revoke(cert: Certificate, actor: Any, now: datetime, reason: str) -> None:
    """Raises ValidationFailed without a reason, Conflict when it is revoked already."""
    if not reason.strip():
        raise ValidationFailed(_("Say why it is revoked."), {"reason": _("A reason is needed.")})
    if cert.revoked_at is not None:
        raise Conflict(_("This certificate was revoked already."))
    cert.revoked_at, cert.revoked_reason = now, reason.strip()[:1000]
    cert.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    _record(
        "certificate.revoke",
        cert.event,
        actor,
        now,
        "certificate",
        cert.id,
        {"number": cert.number, "reason": cert.revoked_reason},
    )


# --- reading ----------------------------------------------------------------------------------


def get_certificate(event: Event, certificate_id: int) -> Certificate:
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or cert.event_id != event.id:
        raise NotFound(_("No certificate with id %(id)s in this event.", id=certificate_id))
    return cert


def by_code(code: str) -> Certificate | None:
    if not code or len(code) > 43:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def event_certificates(event: Event, valid_only: bool = False) -> list[Certificate]:
    query = select(Certificate).where(Certificate.event_id == event.id)
    if valid_only:
        query = query.where(Certificate.revoked_at.is_(None))
    return list(db.session.scalars(query.order_by(Certificate.year, Certificate.seq)))


def valid_certificate_of(person: Participant) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.participant_id == person.id, Certificate.revoked_at.is_(None)
        )
    )


def latest_certificate_of(person: Participant) -> Certificate | None:
    query = select(Certificate).where(Certificate.participant_id == person.id)
    return db.session.scalar(query.order_by(Certificate.issued_at.desc(), Certificate.id.desc()))


def _record(
    action: str,
    event: Event | None,
    actor: Any,
    now: datetime,
    subject_type: str,
    subject_id: int | None,
    details: dict[str, Any],
) -> None:
    audit.record(
        action,
        now=now,
        actor=actor,
        event_id=getattr(event, "id", None),
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
