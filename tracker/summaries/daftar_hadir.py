"""The daftar hadir: the signed attendance list an SPJ is paid against, one per day and per role.

What a sheet holds is gathered here (the people of one role, when each came and left that day,
the signature they drew at check-in, the office's letterhead and the official who closes the
list); ``pdf/daftar_hadir.py`` and ``xlsx.py`` draw it. Everyone registered in the role is
listed, present or not, as on the sheets finance offices know: a person who did not come that
day has no times and no signature, and the list says how many came.

The letterhead (kop) is the office that owns the event: its name, address and logo (else the
certificate design's logo). The official who signs "Mengetahui" is the event's own daftar hadir
official when the organiser named one (an office often has the PPK or a Kepala Bidang sign the
attendance lists and the Kepala Dinas the certificates), else the one the certificate design
names, so an organiser who sets the official once for both need not do it twice. ``signer_of``
is the one owner of that rule; the page, the PDF, the XLSX and the API all ask it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.certificates.models import CertificateDesign
from tracker.certificates.services import saved_design
from tracker.checkin.day_figures import day_attendance
from tracker.checkin.signatures import signatures_on
from tracker.errors import NotFound
from tracker.events.days import event_dates
from tracker.events.models import Category, Event, Participant
from tracker.extensions import db
from tracker.i18n import current_language
from tracker.summaries.data import Official, Sheet, SheetRow, SheetWords

#: The roles a list is made for, in the order the page offers them.
ROLES = tuple(c.value for c in Category)
#: A list's heading by role, as the finance office reads it (DAFTAR HADIR PESERTA ...).
TITLES = {
    Category.PARTICIPANT.value: _l("ATTENDANCE LIST OF PARTICIPANTS"),
    Category.SPEAKER.value: _l("ATTENDANCE LIST OF SPEAKERS"),
    Category.COMMITTEE.value: _l("ATTENDANCE LIST OF THE COMMITTEE"),
    Category.PRESS.value: _l("ATTENDANCE LIST OF THE PRESS"),
}


def event_day(event: Event, number: int) -> date:
    """The event's day ``number`` (1 for the first). Raises NotFound for a day it does not have."""
    dates = event_dates(event.starts_at, event.ends_at, event.timezone)
    if not 1 <= number <= len(dates):
        raise NotFound(
            _("The event has no day %(n)d; its days are 1 to %(last)d.", n=number, last=len(dates))
        )
    return dates[number - 1]


def check_role(category: str) -> str:
    """Raises NotFound for a role that is not one of ROLES."""
    if category not in ROLES:
        raise NotFound(_("No such role; use participant, speaker, committee or press."))
    return category


class SignerSource:
    """Where the daftar hadir's official comes from."""

    EVENT = "event"  # named for this event's daftar hadir
    CERTIFICATE = "certificate"  # the certificate design's official
    NONE = ""  # nobody named: the list leaves lines to write on


@dataclass(frozen=True)
class Signer:
    official: Official
    source: str


def signer_of(event: Event, design: CertificateDesign | None = None) -> Signer:
    """Who signs the event's daftar hadir: its own official when named, else the certificate
    design's (``design``, read when not given), else nobody."""
    if event.daftar_hadir_signer_name:
        own = Official(
            event.daftar_hadir_signer_position,
            event.daftar_hadir_signer_name,
            event.daftar_hadir_signer_nip,
        )
        return Signer(own, SignerSource.EVENT)
    design = design or saved_design(event)
    if design is not None and design.signer_name:
        official = Official(design.signer_position, design.signer_name, design.signer_nip)
        return Signer(official, SignerSource.CERTIFICATE)
    return Signer(Official(), SignerSource.NONE)


def _people(event: Event, category: str) -> list[Participant]:
    query = (
        select(Participant)
        .where(Participant.event_id == event.id, Participant.category == category)
        .order_by(Participant.name, Participant.id)
    )
    return list(db.session.scalars(query))


def sheet_rows(event: Event, day: date, category: str) -> list[SheetRow]:
    """Everyone of the role, with the day's first entry and last exit (``day_attendance``, the
    check-in's one owner of "present that day") and the signature they drew that day."""
    present, signed = day_attendance(event, day), signatures_on(event, day)
    rows = []
    for person in _people(event, category):
        seen = present.get(person.id)
        rows.append(
            SheetRow(
                person.name,
                person.nip,
                person.position,
                person.agency,
                arrived=seen.first_in_at if seen else None,
                left=seen.last_out_at if seen else None,
                signature=signed.get(person.id),
            )
        )
    return rows


def _words(event: Event, number: int, category: str, town: str, rows: list[SheetRow]) -> SheetWords:
    day, lang = event_day(event, number), current_language()
    days = len(event_dates(event.starts_at, event.ends_at, event.timezone))
    written = format_date(day, "EEEE, d MMMM y", locale=lang)
    on_day = format_date(day, "d MMMM y", locale=lang)
    return SheetWords(
        title=str(TITLES[category]),
        event=_("Event"),
        day=_("Day, date"),
        day_text=_("%(date)s (day %(n)d of %(days)d)", date=written, n=number, days=days)
        if days > 1
        else written,
        place=_("Place"),
        columns=(
            _("No."),  # the row number ("No" alone is the answer "Tidak")
            _("Name"),
            _("NIP"),
            _("Position"),
            _("Agency"),
            _("Arrived"),
            _("Left"),
            _("Signature"),
        ),
        dated=f"{town}, {on_day}" if town else on_day,
        acknowledged=_("Acknowledged by,"),
        nip=_("NIP"),
        present=_(
            "Present: %(n)d of %(total)d",
            n=sum(1 for row in rows if row.arrived is not None),
            total=len(rows),
        ),
        page=_("Page %(page)s"),
        sheet_name=_("Day %(n)d", n=number),
    )


def build_sheet(
    event: Event, number: int, category: str, load: Callable[[str], bytes | None]
) -> Sheet:
    """The list for day ``number`` and the role, in the request's language. ``load`` reads a
    stored file by its key (None when it is gone). Raises NotFound for a day or role the
    event does not have."""
    day, category = event_day(event, number), check_role(category)
    design, office = saved_design(event), event.office
    official, town, logo = signer_of(event, design).official, "", None
    if design is not None:
        town = design.place
        logo = load(design.logo_key) if design.logo_key else None
    if office.logo:
        logo = load(office.logo) or logo
    rows = sheet_rows(event, day, category)
    return Sheet(
        office=office.name,
        office_address=office.address,
        logo=logo,
        event_title=event.title,
        place=event.where(),
        timezone=event.timezone,
        official=official,
        words=_words(event, number, category, town, rows),
        rows=rows,
    )
