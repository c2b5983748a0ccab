"""The event, venue, participant and import forms, and how the event form's data becomes the
service's input (local times in, local times out)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from tracker.contact import format_nip
from tracker.events.models import (
    EVENT_STATUS_LABELS,
    LEGAL_BASIS_LABELS,
    PARTICIPANT_CATEGORY_LABELS,
    Event,
)
from tracker.events.officials import SIGNER_MAX
from tracker.events.services import EventInput, VenueInput, check_timezone
from tracker.forms import REFUSE_NOT_CUT, AppForm, choices

#: The event service's field names that the form spells otherwise (see tracker.forms.form_errors).
EVENT_FIELDS_RENAMED = {"venue.": "new_venue_", "daftar_hadir_official.": "official_"}


#: Indonesia's three zones first; any IANA name is accepted by the API.
TIMEZONE_CHOICES = choices(
    [
        ("Asia/Makassar", _l("WITA (Asia/Makassar): Bali, Nusa Tenggara, Sulawesi")),
        ("Asia/Jakarta", _l("WIB (Asia/Jakarta): Java, Sumatra")),
        ("Asia/Jayapura", _l("WIT (Asia/Jayapura): Maluku, Papua")),
        ("UTC", "UTC"),
    ]
)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class EventForm(AppForm):
    #: The new-event form's one-time key (see services.create_event).
    submission = HiddenField(validators=[Optional(), Length(max=43)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    organiser_unit = StringField(
        _l("Organising unit"),
        validators=[DataRequired(), Length(max=300)],
        description=_l(
            "e.g. Diskominfo Kabupaten Tabanan. A new event belongs to the office this names "
            "(or to your only office); only that office's people see it."
        ),
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMAT, validators=[DataRequired()]
    )
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT, validators=[DataRequired()])
    timezone = SelectField(_l("Time zone"), choices=TIMEZONE_CHOICES, default="Asia/Makassar")
    venue_id = SelectField(_l("Venue"), coerce=int, default=0)
    new_venue_name = StringField(_l("Or a new venue: name"), validators=[Length(max=200)])
    new_venue_room = StringField(_l("Room"), validators=[Length(max=200)])
    new_venue_address = StringField(_l("Address"), validators=[Length(max=500)])
    new_venue_capacity = IntegerField(
        _l("Capacity"), validators=[Optional(), NumberRange(min=1, max=1_000_000)]
    )
    topics = TextAreaField(_l("Agenda topics (one per line)"), validators=[Length(max=5000)])
    speakers = TextAreaField(_l("Speakers (one per line)"), validators=[Length(max=5000)])
    livestream_url = URLField(
        _l("Livestream link"), validators=[Optional(), URL(), Length(max=500)]
    )
    expected_participants = IntegerField(
        _l("Expected participants"), validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    allow_walk_ins = BooleanField(_l("Walk-ins may register at the door"))
    ask_signature = BooleanField(
        _l("Ask for a signature at check-in"),
        description=_l(
            "People sign on the phone at the door; the signature goes on the daftar hadir. "
            "Without it the list is signed by hand."
        ),
    )
    status = SelectField(
        _l("Status"), choices=choices((k.value, v) for k, v in EVENT_STATUS_LABELS.items())
    )
    checkin_opens_at = DateTimeLocalField(
        _l("Door opens"),
        format=DATETIME_FORMAT,
        validators=[Optional()],
        description=_l("Empty: two hours before the start."),
    )
    retention_days = IntegerField(
        _l("Keep personal data for (days after the event)"),
        validators=[Optional(), NumberRange(min=1, max=3650)],
        description=_l(
            "Empty: the default the admin set. Afterwards names and contacts are "
            "anonymised; the figures stay."
        ),
    )
    privacy_contact = StringField(
        _l("Data-protection contact"),
        validators=[Length(max=254)],
        description=_l("Shown to participants with the privacy notice, e.g. ppid@tabanankab.go.id"),
    )
    checkin_closes_at = DateTimeLocalField(
        _l("Door closes"),
        format=DATETIME_FORMAT,
        validators=[Optional()],
        description=_l("Empty: at the end of the event."),
    )
    #: The daftar hadir's official (tracker.events.officials checks the truth: a name with a
    #: position or NIP, a NIP and never a NIK).
    official_position = StringField(
        _l("Official's position"),
        validators=[Length(max=SIGNER_MAX)],
        description=_l("e.g. Pejabat Pembuat Komitmen, Kepala Bidang Informasi Publik"),
    )
    official_name = StringField(_l("Official's name"), validators=[Length(max=SIGNER_MAX)])
    official_nip = StringField(
        _l("Official's NIP"),
        validators=[Length(max=40)],
        description=_l("Civil servants' employee number, 18 digits; never the NIK."),
    )

    def topic_lines(self) -> list[str]:
        return _lines(self.topics.data)

    def speaker_lines(self) -> list[str]:
        return _lines(self.speakers.data)

    def to_input(self) -> EventInput:
        """The form's naive local times stay naive: the service reads them in the chosen zone."""
        venue = None
        if (self.new_venue_name.data or "").strip():
            venue = VenueInput(
                self.new_venue_name.data,
                self.new_venue_address.data or "",
                self.new_venue_room.data or "",
                self.new_venue_capacity.data,
            )
        return EventInput(
            title=self.title.data,
            organiser_unit=self.organiser_unit.data,
            description=self.description.data or "",
            starts_at=self.starts_at.data,
            ends_at=self.ends_at.data,
            timezone=self.timezone.data,
            venue=venue,
            venue_id=self.venue_id.data or None,
            topics=self.topic_lines(),
            speakers=self.speaker_lines(),
            livestream_url=self.livestream_url.data or "",
            expected_participants=self.expected_participants.data,
            allow_walk_ins=self.allow_walk_ins.data,
            ask_signature=self.ask_signature.data,
            status=self.status.data,
            retention_days=self.retention_days.data,
            privacy_contact=(self.privacy_contact.data or "").strip(),
            checkin_opens_at=self.checkin_opens_at.data,
            checkin_closes_at=self.checkin_closes_at.data,
        )

    def official(self) -> dict[str, str]:
        """The daftar hadir official's fields, as set_daftar_hadir_official takes them."""
        return {
            "position": self.official_position.data or "",
            "name": self.official_name.data or "",
            "nip": self.official_nip.data or "",
        }

    def fill_from(self, event: Event) -> None:
        """The event's fields, its times in its own zone."""
        tz = check_timezone(event.timezone)

        def local(value: Any) -> Any:
            return None if value is None else value.astimezone(tz).replace(tzinfo=None)

        for name in (
            "title",
            "organiser_unit",
            "description",
            "timezone",
            "livestream_url",
            "expected_participants",
            "allow_walk_ins",
            "ask_signature",
            "retention_days",
            "privacy_contact",
            "status",
        ):
            getattr(self, name).data = getattr(event, name)
        for name in ("starts_at", "ends_at", "checkin_opens_at", "checkin_closes_at"):
            getattr(self, name).data = local(getattr(event, name))
        self.venue_id.data = event.venue_id or 0
        self.topics.data = "\n".join(event.topics or [])
        self.speakers.data = "\n".join(event.speakers or [])
        self.official_position.data = event.daftar_hadir_signer_position
        self.official_name.data = event.daftar_hadir_signer_name
        self.official_nip.data = format_nip(event.daftar_hadir_signer_nip)


class VenueForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    room = StringField(_l("Room"), validators=[Length(max=200)])
    address = StringField(_l("Address"), validators=[Length(max=500)])
    capacity = IntegerField(
        _l("Capacity"), validators=[Optional(), NumberRange(min=1, max=1_000_000)]
    )


class ParticipantForm(AppForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=200)], render_kw=REFUSE_NOT_CUT
    )
    agency = StringField(
        _l("Agency (instansi / OPD)"),
        validators=[Length(max=300)],
        description=_l("e.g. Dinas Kesehatan Kabupaten Tabanan"),
    )
    position = StringField(_l("Position"), validators=[Length(max=200)])
    nip = StringField(
        _l("NIP"),
        validators=[Optional(), Length(max=40)],
        description=_l("Civil servants' employee number, 18 digits; never the NIK."),
    )
    category = SelectField(
        _l("Category"),
        choices=choices((k.value, v) for k, v in PARTICIPANT_CATEGORY_LABELS.items()),
    )
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(
        _l("Phone (WhatsApp)"),
        validators=[Optional(), Length(max=40)],
        description=_l("Any usual way: 0812-3456-7890, +62 812 3456 7890"),
    )
    legal_basis = SelectField(
        _l("Basis for processing the data"),
        choices=choices((k.value, v) for k, v in LEGAL_BASIS_LABELS.items()),
    )


class ImportForm(AppForm):
    file = FileField(
        _l("Participant list (XLSX or CSV)"),
        validators=[
            FileRequired(),
            FileAllowed(["xlsx", "csv", "txt"], _l("Upload an .xlsx or .csv file.")),
        ],
    )
