"""The shapes every summary format renders from. Plain data: no Flask, no database.

``figures.build_summary`` fills a ``Summary`` from the records and ``reports.build_report`` a
``Report``; the renderers (pdf, xlsx, csv, narrative, charts) only read them, so a benchmark or
a test can build one by hand and time a renderer alone. ``attendance`` and ``sustainability``
are the check-in and compliance features' own figure objects, not copies: the page, every
download and the API report exactly the numbers those features compute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from tracker.events.days import event_dates

if TYPE_CHECKING:  # for type checkers only: importing them here would pull in Flask
    from tracker.checkin.attendance import Attendance
    from tracker.summaries.sustainability import Sustainability


def reached(by_agency: Mapping[str, Any]) -> int:
    """Agencies with at least one participant checked in (a blank agency is not one)."""
    return sum(1 for name, split in by_agency.items() if name.strip() and split.checked_in)


@dataclass(frozen=True)
class EventFacts:
    id: int
    title: str
    organiser_unit: str
    description: str
    #: Aware UTC datetimes; shown in ``timezone``.
    starts_at: datetime
    ends_at: datetime
    timezone: str
    #: WITA / WIB / WIT, or the zone's own abbreviation.
    zone_label: str
    venue_name: str = ""
    venue_room: str = ""
    venue_address: str = ""
    topics: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    livestream_url: str = ""
    expected_participants: int | None = None
    status: str = "closed"
    #: When the retention purge anonymised the participants (names read "Anonim #id").
    purged_at: datetime | None = None

    @property
    def venue_label(self) -> str:
        """ "Ruang Rapat, Kantor Diskominfo Tabanan"; empty when the event has no venue."""
        return ", ".join(part for part in (self.venue_room, self.venue_name) if part)

    def local(self, value: datetime) -> datetime:
        return value.astimezone(ZoneInfo(self.timezone))

    @property
    def days(self) -> list[date]:
        """The local dates the event runs on (an evening past midnight is one day)."""
        return event_dates(self.starts_at, self.ends_at, self.timezone)


@dataclass(frozen=True)
class PhotoRef:
    id: int
    thumb_key: str
    width: int
    height: int


@dataclass(frozen=True)
class ItemFacts:
    id: int
    position: int
    text_id: str
    text_en: str
    basis: str
    required: bool
    answer_type: str
    unit: str
    #: compliant / non_compliant / not_applicable, or None while open.
    status: str | None
    value: str
    note: str
    photos: tuple[PhotoRef, ...] = ()

    def text_in(self, lang: str) -> str:
        return self.text_en if lang == "en" and self.text_en else self.text_id


@dataclass(frozen=True)
class ChecklistFacts:
    id: int
    template_key: str
    title: str
    title_en: str
    version: int
    #: "Peraturan Gubernur Bali No. 97 Tahun 2018" (the template's own label).
    basis_label: str
    basis_regulation: str
    basis_number: str
    basis_year: int | None
    basis_url: str
    #: compliance.services.Score of this checklist alone.
    score: Any
    items: tuple[ItemFacts, ...]
    signed_off_at: datetime | None = None
    signed_off_name: str = ""
    signed_off_position: str = ""

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


@dataclass(frozen=True)
class WasteRow:
    recorded_at: datetime
    stream: str
    kg: float
    note: str
    recorded_by: str


class AttendanceRow(NamedTuple):
    """One line of the attendance list (daftar hadir); every registered participant.

    A named tuple rather than a frozen dataclass: as immutable, and made 20,000 times per
    export at a third of the cost (a frozen dataclass sets each field through
    ``object.__setattr__``).
    """

    number: int
    name: str
    agency: str
    position: str
    category: str
    checked_in_at: datetime | None
    method: str
    gate: str
    #: True / False, None when nobody asked (or not checked in).
    tumbler: bool | None
    #: Whose line it is: the key into ``PresenceColumns.people``.
    participant_id: int


@dataclass(frozen=True)
class SessionHead:
    """A session as the participant list heads its column."""

    id: int
    title: str
    day: date


@dataclass(frozen=True)
class PresenceColumns:
    """What the participant list (CSV, XLSX) adds for an event of several days or with an
    agenda: a column per day (the day's first entry), the days present, a column per session,
    the sessions attended and JP earned, and whether the person completed. Empty for a one-day
    event without an agenda, whose list keeps its ten columns (its one day is the check-in
    column already)."""

    #: The event's days; empty for a one-day event.
    days: tuple[date, ...] = ()
    #: The agenda's sessions in the order of ``Attendance.by_session``.
    sessions: tuple[SessionHead, ...] = ()
    #: Participant id -> tracker.checkin.presence.Presence (days, sessions, JP, completed);
    #: someone who never came is not in it.
    people: Mapping[int, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.days or self.sessions)


#: A one-day event without an agenda: the participant list keeps its ten columns.
NO_PRESENCE = PresenceColumns()


@dataclass(frozen=True)
class Summary:
    event: EventFacts
    attendance: Attendance
    sustainability: Sustainability
    #: What each sustainability figure rests on, in the language the summary was built in.
    assumptions: Mapping[str, str]
    checklists: tuple[ChecklistFacts, ...]
    waste_entries: tuple[WasteRow, ...]
    generated_at: datetime

    @property
    def agencies_reached(self) -> int:
        return reached(self.attendance.by_agency)


@dataclass(frozen=True)
class Labels:
    """The words a renderer writes, already in the reader's language (see labels.py).

    Keys are the English msgids, so ``Labels("en", {})`` is a complete English set: a
    renderer can run without Flask or a catalogue (a benchmark, a test).
    """

    lang: str
    text: Mapping[str, str]
    categories: Mapping[str, str] = field(default_factory=dict)
    methods: Mapping[str, str] = field(default_factory=dict)
    statuses: Mapping[str, str] = field(default_factory=dict)
    streams: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, msgid: str) -> str:
        """The word in the reader's language; the English msgid itself when not given."""
        return self.text.get(msgid, msgid)

    def format(self, msgid: str, **values: Any) -> str:
        return self[msgid] % values

    def category(self, key: str) -> str:
        return self.categories.get(key, key)

    def method(self, key: str) -> str:
        return self.methods.get(key, key) if key else ""

    def status(self, key: str | None) -> str:
        return self.statuses.get(key or "open", key or "")

    def stream(self, key: str) -> str:
        return self.streams.get(key, key)

    def tumbler(self, answer: bool | None) -> str:
        return self[{True: "Yes", False: "No", None: "Unknown"}[answer]]

    def answer(self, item: ItemFacts) -> str:
        """An item's answer as a reader reads it: "Ya" for the stored "yes", a number with
        its unit, free text as written; empty while unanswered."""
        if not item.value:
            return ""
        if item.answer_type == "yes_no":
            return self[{"yes": "Yes", "no": "No"}.get(item.value, item.value)]
        return f"{item.value} {item.unit}".strip()


# --- the report across events -------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    event_id: int
    title: str
    organiser_unit: str
    starts_at: datetime
    timezone: str
    registered: int
    checked_in: int
    walk_ins: int
    agencies: int
    tumbler_yes: int
    #: yes / checked in, 0.0-1.0; None before anyone was checked in.
    tumbler_rate: float | None
    compliant: int
    applicable: int
    compliance_percent: int | None

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.checked_in / self.registered) if self.registered else None

    @property
    def tumbler_percent(self) -> int | None:
        return None if self.tumbler_rate is None else round(100 * self.tumbler_rate)


@dataclass(frozen=True)
class Report:
    #: The organiser unit asked for; empty: every unit.
    unit: str
    date_from: date
    date_to: date
    #: The zone the dates are read in.
    timezone: str
    rows: tuple[ReportRow, ...]
    #: Distinct people (by pseudonymous person_key) checked in at any of the events.
    unique_participants: int
    #: Distinct agencies with someone checked in at any of the events.
    agencies_reached: int
    generated_at: datetime

    @property
    def events(self) -> int:
        return len(self.rows)

    @property
    def registered(self) -> int:
        return sum(r.registered for r in self.rows)

    @property
    def checked_in(self) -> int:
        return sum(r.checked_in for r in self.rows)

    @property
    def tumbler_yes(self) -> int:
        return sum(r.tumbler_yes for r in self.rows)

    @property
    def tumbler_rate(self) -> float | None:
        """Pooled over every check-in of the range, not an average of the events' rates."""
        return self.tumbler_yes / self.checked_in if self.checked_in else None

    @property
    def compliance_percent(self) -> int | None:
        """Pooled: required items compliant / answered, over every event's checklists."""
        applicable = sum(r.applicable for r in self.rows)
        return round(100 * sum(r.compliant for r in self.rows) / applicable) if applicable else None

    def trend(self, attribute: str) -> int | None:
        """Change in percentage points from the first to the last event that has the figure."""
        values = [getattr(r, attribute) for r in self.rows if getattr(r, attribute) is not None]
        return values[-1] - values[0] if len(values) >= 2 else None


# --- the daftar hadir (summaries/daftar_hadir.py gathers it) ------------------------------


@dataclass(frozen=True)
class SheetRow:
    """One person on a daftar hadir; ``nip`` as stored (18 digits) or empty."""

    name: str
    nip: str
    position: str
    agency: str
    arrived: datetime | None = None
    left: datetime | None = None
    #: The PNG the person drew at check-in; None: the box is left for a wet signature.
    signature: bytes | None = None


@dataclass(frozen=True)
class Official:
    """Who closes the list under "Mengetahui"; empty fields leave lines to write on."""

    position: str = ""
    name: str = ""
    nip: str = ""


@dataclass(frozen=True)
class SheetWords:
    """A daftar hadir's words in the reader's language, ready to print."""

    title: str  # DAFTAR HADIR PESERTA
    event: str  # Kegiatan
    day: str  # Hari/Tanggal
    day_text: str  # Selasa, 21 Juli 2026 (hari ke-1 dari 3)
    place: str  # Tempat
    columns: tuple[
        str, ...
    ]  # No, Nama, NIP, Jabatan, Instansi, Jam datang, Jam pulang, Tanda tangan
    dated: str  # Tabanan, 21 Juli 2026
    acknowledged: str  # Mengetahui,
    nip: str  # NIP
    present: str  # Hadir 36 dari 40 orang
    page: str  # Halaman %(page)d, with the page number put in by the renderer
    sheet_name: str  # the XLSX sheet's tab


@dataclass(frozen=True)
class Sheet:
    """One daftar hadir: one day, one role."""

    office: str
    office_address: str
    logo: bytes | None
    event_title: str
    place: str
    timezone: str
    official: Official
    words: SheetWords
    rows: list[SheetRow] = field(default_factory=list)
