"""Registering participants: one at a time, in lists (the API), and from a spreadsheet.

"One person, one registration per event" means the same e-mail or the same phone number. The
unique constraints decide; the checks here exist to give a clear answer before the database
has to say no, and to say which row or entry is the duplicate.
"""

from __future__ import annotations

import hmac
import itertools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, insert, or_, select
from sqlalchemy.exc import IntegrityError

from tracker import audit
from tracker.auth.models import Principal
from tracker.contact import ContactError, NipError, normalise_email, normalise_nip, normalise_phone
from tracker.db import insert_many
from tracker.errors import DuplicateParticipant, NotFound, ValidationFailed
from tracker.events.models import Category, Event, LegalBasis, Participant
from tracker.events.roster_file import Roster, RosterProblem, SheetLayout
from tracker.extensions import db

NAME_MAX, AGENCY_MAX, POSITION_MAX = 200, 300, 200
#: From this many entries on, register_participants checks for duplicates in one query.
BULK_CHECK_FROM = 20


def nip_problem(exc: NipError) -> str:
    """What is wrong with a NIP that ``normalise_nip`` refused, in words."""
    if exc.is_nik:
        return _("This looks like a NIK (16 digits): give the NIP (18 digits), never the NIK.")
    return _("A NIP has 18 digits, e.g. 19800101 200501 1 001.")


def new_ticket_code() -> str:
    """128 random bits, URL-safe (22 characters): cannot be guessed or counted through."""
    return secrets.token_urlsafe(16)


@dataclass
class ParticipantInput:
    name: str
    agency: str = ""
    position: str = ""
    category: str = Category.PARTICIPANT.value
    email: str | None = None
    phone: str | None = None
    legal_basis: str = LegalBasis.PUBLIC_SERVICE.value
    nip: str = ""


@dataclass
class CleanParticipant:
    name: str
    agency: str
    position: str
    category: str
    email: str | None
    phone: str | None
    legal_basis: str
    nip: str = ""


def _text_errors(data: ParticipantInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("The name is required.")
    limits = (("name", NAME_MAX), ("agency", AGENCY_MAX), ("position", POSITION_MAX))
    for name, limit in limits:
        if len(getattr(data, name).strip()) > limit:
            errors[name] = _("At most %(n)d characters.", n=limit)
    if data.category not in {c.value for c in Category}:
        errors["category"] = _("Category must be participant, speaker, committee or press.")
    if data.legal_basis not in {b.value for b in LegalBasis}:
        errors["legal_basis"] = _("Legal basis must be public_service or consent.")
    return errors


def clean_participant(data: ParticipantInput) -> tuple[CleanParticipant | None, dict[str, str]]:
    """The participant normalised (E.164 phone, lower-case e-mail), or the errors by field."""
    errors = _text_errors(data)
    email = phone = None
    try:
        email = normalise_email(data.email)
    except ContactError:
        errors["email"] = _("Not a valid e-mail address.")
    try:
        phone = normalise_phone(data.phone)
    except ContactError:
        errors["phone"] = _("Not a valid phone number; write it like 0812-3456-7890.")
    nip = ""
    try:
        nip = normalise_nip(data.nip)
    except NipError as exc:
        errors["nip"] = nip_problem(exc)
    if errors:
        return None, errors
    return CleanParticipant(
        name=data.name.strip(),
        agency=data.agency.strip(),
        position=data.position.strip(),
        category=data.category,
        email=email,
        phone=phone,
        legal_basis=data.legal_basis,
        nip=nip,
    ), {}


def find_registered(
    event_id: int,
    email: str | None,
    phone: str | None,
    exclude_id: int | None = None,
    name: str = "",
    agency: str = "",
) -> Participant | None:
    """The participant of the event with this e-mail or phone; for someone with neither, the
    one with the same name and agency and no contact either."""
    conditions = []
    if email:
        conditions.append(Participant.email == email)
    if phone:
        conditions.append(Participant.phone == phone)
    if not conditions:
        conditions.append(
            and_(
                Participant.name == name,
                Participant.agency == agency,
                Participant.email.is_(None),
                Participant.phone.is_(None),
            )
        )
    query = select(Participant).where(Participant.event_id == event_id, or_(*conditions))
    if exclude_id is not None:
        query = query.where(Participant.id != exclude_id)
    return db.session.scalars(query.limit(1)).first()


def _duplicate(existing: Participant, clean: CleanParticipant) -> DuplicateParticipant:
    field_name = "email" if clean.email and existing.email == clean.email else "phone"
    return DuplicateParticipant(
        _(
            "%(name)s is registered for this event already (same e-mail or phone).",
            name=existing.name,
        ),
        {field_name: _("Already registered.")},
        participant_id=existing.id,
    )


def _flush_or_duplicate() -> None:
    """Flush; a unique-constraint race with another request becomes a 409, not a 500."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise DuplicateParticipant(
            _("This person is registered for this event already (same e-mail or phone).")
        ) from exc


def identity_keys(clean: CleanParticipant) -> list[tuple[str, str]]:
    """What makes two registrations the same person: (field, value) pairs. Without a phone or
    an e-mail, the same name in the same agency."""
    keys = [
        (field, value) for field, value in (("email", clean.email), ("phone", clean.phone)) if value
    ]
    return keys or [("name", f"{clean.name}|{clean.agency}")]


def person_key(clean: CleanParticipant) -> str:
    """The person's pseudonymous key: the HMAC of their first identity key."""
    field, value = identity_keys(clean)[0]
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.digest(secret, f"{field}:{value}".encode(), "sha256").hex()[:32]


def _within_list_duplicates(cleaned: list[CleanParticipant]) -> dict[str, dict[str, str]]:
    seen: dict[tuple[str, str], int] = {}
    errors: dict[str, dict[str, str]] = {}
    for index, clean in enumerate(cleaned):
        for key in identity_keys(clean):
            if key in seen:
                errors[str(index)] = {key[0]: _("Same as entry %(i)d.", i=seen[key])}
            seen.setdefault(key, index)
    return errors


def register_participants(
    event: Event, entries: list[ParticipantInput], now: datetime, source: str = "manual"
) -> list[Participant]:
    """Register every entry or none.

    Raises ValidationFailed with the errors by entry index (as strings), or
    DuplicateParticipant when an entry is registered already or appears twice.
    """
    cleaned, errors = [], {}
    for index, entry in enumerate(entries):
        clean, entry_errors = clean_participant(entry)
        if entry_errors:
            errors[str(index)] = entry_errors
        cleaned.append(clean)
    if errors:
        raise ValidationFailed(_("Some entries are not valid; nothing was saved."), errors)
    repeats = _within_list_duplicates(cleaned)
    if repeats:
        raise DuplicateParticipant(_("The same person appears twice; nothing was saved."), repeats)
    # A long list: one query for the event's identities, then a look-up only for a possible hit
    # (one query per entry made registering 20,000 people take 20,000 queries).
    known = registered_identities(event) if len(cleaned) > BULK_CHECK_FROM else None
    for clean in cleaned:
        if known is not None and not any(key in known for key in identity_keys(clean)):
            continue
        existing = find_registered(
            event.id, clean.email, clean.phone, None, clean.name, clean.agency
        )
        if existing is not None:
            raise _duplicate(existing, clean)
    created = [_new_participant(event, clean, now, source) for clean in cleaned]
    db.session.add_all(created)
    _flush_or_duplicate()
    return created


def _new_participant(
    event: Event, clean: CleanParticipant, now: datetime, source: str
) -> Participant:
    return Participant(
        event_id=event.id,
        ticket_code=new_ticket_code(),
        ticket_issued_at=now,
        source=source,
        consent_at=now if clean.legal_basis == LegalBasis.CONSENT else None,
        person_key=person_key(clean),
        **vars(clean),
    )


def update_participant(participant: Participant, data: ParticipantInput) -> Participant:
    """Raises ValidationFailed or DuplicateParticipant (another registration has the contact)."""
    clean, errors = clean_participant(data)
    if errors or clean is None:
        raise ValidationFailed(_("The participant has errors."), errors)
    other = find_registered(
        participant.event_id, clean.email, clean.phone, participant.id, clean.name, clean.agency
    )
    if other is not None:
        raise _duplicate(other, clean)
    for name, value in vars(clean).items():
        setattr(participant, name, value)
    participant.person_key = person_key(clean)
    _flush_or_duplicate()
    return participant


def reissue_ticket(participant: Participant, now: datetime, actor: Principal | None = None) -> str:
    """Give the participant a new ticket code; the old one stops working at once. Audited as
    ``ticket.reissue`` with the old code's first characters (enough to trace, not to use)."""
    old_prefix = participant.ticket_code[:6]
    participant.ticket_code = new_ticket_code()
    participant.ticket_issued_at = now
    db.session.flush()
    audit.record(
        "ticket.reissue",
        now=now,
        actor=actor,
        event_id=participant.event_id,
        subject_type="participant",
        subject_id=participant.id,
        details={"old_code_prefix": old_prefix},
    )
    return participant.ticket_code


def get_participant(event: Event, participant_id: int) -> Participant:
    """Raises NotFound when the participant does not exist or belongs to another event."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.event_id != event.id:
        raise NotFound(_("No participant with id %(id)s in this event.", id=participant_id))
    return participant


def delete_participant(participant: Participant) -> None:
    db.session.delete(participant)
    db.session.flush()


def list_participants(event: Event, search: str = "") -> list[Participant]:
    query = select(Participant).where(Participant.event_id == event.id)
    if search.strip():
        like = f"%{search.strip()}%"
        query = query.where(or_(Participant.name.ilike(like), Participant.agency.ilike(like)))
    return list(db.session.scalars(query.order_by(Participant.name, Participant.id)))


# --- import -------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What an import would do: the rows to create, and every row it would not, with why; and
    how the file was read (its sheets' columns, sheets skipped, notes such as mixed encodings)."""

    to_create: list[tuple[int, CleanParticipant]] = field(default_factory=list)
    errors: list[RosterProblem] = field(default_factory=list)
    duplicates: list[RosterProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    sheets: list[SheetLayout] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def missing_name(self) -> bool:
        """True when a sheet's name column is not known (nothing on it was read)."""
        return any(not sheet.has_name for sheet in self.sheets)


def registered_identities(event: Event) -> dict[tuple[str, str], str]:
    """Every identity key of the event's participants, with the participant's name."""
    rows = db.session.execute(
        select(Participant.email, Participant.phone, Participant.name, Participant.agency).where(
            Participant.event_id == event.id
        )
    )
    known: dict[tuple[str, str], str] = {}
    for email, phone, name, agency in rows:
        for key in identity_keys(CleanParticipant(name, agency, "", "", email, phone, "")):
            known[key] = name
    return known


def plan_import(event: Event, roster: Roster) -> ImportPlan:
    """Sort the roster's rows into new, invalid and already registered (one query in all)."""
    known = registered_identities(event)
    plan = ImportPlan(
        errors=list(roster.errors),
        duplicates=list(roster.duplicates),
        ignored_columns=list(roster.ignored_columns),
        unknown_columns=list(roster.unknown_columns),
        sheets=roster.sheets,
        skipped_sheets=roster.skipped_sheets,
        notes=roster.notes,
    )
    for row in roster.rows:
        clean = CleanParticipant(
            name=row.name,
            agency=row.agency,
            position=row.position,
            category=row.category,
            email=row.email,
            phone=row.phone,
            legal_basis=LegalBasis.PUBLIC_SERVICE.value,
        )
        match = next((known[key] for key in identity_keys(clean) if key in known), None)
        if match is not None:
            plan.duplicates.append(
                RosterProblem(
                    row.row,
                    _("%(name)s is registered for this event already.", name=match),
                    sheet=row.sheet,
                )
            )
            continue
        plan.to_create.append((row.row, clean))
        known.update(dict.fromkeys(identity_keys(clean), clean.name))  # twice in one file
    order = {layout.sheet: index for index, layout in enumerate(roster.sheets)}
    plan.errors.sort(key=lambda p: (order.get(p.sheet, 0), p.row))
    plan.duplicates.sort(key=lambda p: (order.get(p.sheet, 0), p.row))
    return plan


def apply_import(event: Event, plan: ImportPlan, now: datetime) -> int:
    """Insert the plan's new rows in batches of INSERT_BATCH; returns how many.

    Raises DuplicateParticipant if someone registered one of them since the plan was made.
    """
    try:
        insert_participants(
            participant_values(event, clean, now, "import") for _row, clean in plan.to_create
        )
    except IntegrityError as exc:
        db.session.rollback()
        raise DuplicateParticipant(
            _("Someone registered one of these people meanwhile; run the import again.")
        ) from exc
    return len(plan.to_create)


#: Rows per INSERT batch: big enough that the statements cost little, small enough that a
#: batch's parameters (about 1 kB a row) never weigh much (bench: 200,000 people, bench/README).
INSERT_BATCH = 2_000


def insert_participants(rows: Iterable[dict[str, object]]) -> int:
    """Insert participant rows (see participant_values) with Core statements, INSERT_BATCH at
    a time, so no ORM object and no more than one batch is held; returns how many.

    Raises IntegrityError when a row breaks a unique constraint (the caller rolls back).
    """
    # The table's INSERT, not the ORM's bulk INSERT: the rows are complete (participant_values
    # gives every column, None included), so the ORM's per-row bookkeeping (a fifth of the
    # import's saving) bought nothing. One column list for every row: one executemany a batch
    # on SQLite, one COPY on PostgreSQL (tracker.db.insert_many says why).
    statement = insert(Participant.__table__)
    count = 0
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, INSERT_BATCH)):  # itertools.batched from Python 3.12
        insert_many(statement, chunk)
        count += len(chunk)
    return count


def participant_values(
    event: Event, clean: CleanParticipant, now: datetime, source: str
) -> dict[str, object]:
    """The row of a new participant, for insert_participants."""
    return {
        "event_id": event.id,
        "ticket_code": new_ticket_code(),
        "ticket_issued_at": now,
        "consent_at": now if clean.legal_basis == LegalBasis.CONSENT else None,
        "source": source,
        "created_at": now,
        "updated_at": now,
        "person_key": person_key(clean),
        **vars(clean),
    }
