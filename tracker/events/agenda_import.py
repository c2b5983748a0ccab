"""The agenda from a spreadsheet (CSV or XLSX, read safely by tracker.events.roster_file).

The first row whose cells name a title column (Materi, Judul, Topik, Sesi, Acara, Title) is
the heading row; below it each row with a title is a session. Recognised headings, by their
words: the day (Tanggal, Hari, Date: 2026-07-21, 21/07/2026, or the day's number in the event,
"1" or "Hari 2"), the times (Mulai / Selesai, or one Waktu / Jam column "09.00 - 10.30"),
Ruang, Narasumber (several separated by ";" or new lines) and JP. Everything or nothing is
added: a row that cannot be read is refused with its row number and why.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from flask_babel import gettext as _

from tracker.auth.models import Principal
from tracker.errors import ValidationFailed
from tracker.events.agenda import SessionInput, add_session
from tracker.events.days import event_dates
from tracker.events.models import AgendaSession, Event
from tracker.events.roster_file import RosterFileError, open_spreadsheet

MAX_SESSIONS = 200
_HEADINGS = {
    "title": ("materi", "judul", "topik", "sesi", "acara", "title", "session", "kegiatan"),
    "day": ("tanggal", "hari", "date", "day", "tgl"),
    "starts": ("mulai", "start", "starts", "dari"),
    "ends": ("selesai", "end", "ends", "sampai", "akhir"),
    "when": ("waktu", "jam", "time", "pukul"),
    "room": ("ruang", "ruangan", "room", "tempat"),
    "speakers": ("narasumber", "pemateri", "pembicara", "speaker", "speakers", "fasilitator"),
    "jp": ("jp", "jpl", "jam pelajaran"),
}
_TIME = re.compile(r"(\d{1,2})[.:](\d{2})")


def _field(heading: object) -> str | None:
    words = re.sub(r"[^a-z ]+", " ", str(heading or "").lower()).split()
    text = " ".join(words)
    if text in _HEADINGS["jp"]:
        return "jp"
    for name, names in _HEADINGS.items():
        if any(word in names for word in words):
            return name
    return None


def _day(value: object, days: list[date]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    number = re.fullmatch(r"(?:hari\s*(?:ke)?[- ]?)?(\d{1,2})", text.lower())
    if number and len(text) <= 10 and int(number.group(1)) <= len(days):
        return days[int(number.group(1)) - 1] if int(number.group(1)) >= 1 else None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    return None


def _times(value: object) -> list[time]:
    if isinstance(value, datetime):
        return [value.time()]
    if isinstance(value, time):
        return [value]
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time typed as a number
        minutes = round(value * 24 * 60)
        return [time(minutes // 60, minutes % 60)]
    found = []
    for hour, minute in _TIME.findall(str(value or "")):
        if int(hour) < 24 and int(minute) < 60:
            found.append(time(int(hour), int(minute)))
    return found


def _row_session(cells: dict[str, object], days: list[date]) -> SessionInput | str:
    """The session a row describes, or why it cannot be read."""
    day = _day(cells.get("day"), days) if "day" in cells else (days[0] if len(days) == 1 else None)
    if day is None:
        return _("no day of the event (a date, or the day's number)")
    times = _times(cells.get("starts")) + _times(cells.get("ends")) + _times(cells.get("when"))
    if len(times) < 2:
        return _("no start and end time (e.g. 09.00 and 10.30)")
    jp_text = str(cells.get("jp") or "0").strip().replace(",", ".")
    try:
        jp = int(float(jp_text or "0"))
    except ValueError:
        return _("JP is not a number")
    names = re.split(r"[;\n]+", str(cells.get("speakers") or ""))
    speakers: list[int | str] = [n.strip() for n in names if n.strip()]
    title = str(cells.get("title") or "").strip()
    room = str(cells.get("room") or "").strip()
    return SessionInput(title, day, times[0], times[1], room, jp, speakers)


def read_agenda(event: Event, filename: str, data: bytes) -> list[SessionInput]:
    """The sessions in the file. Raises ValidationFailed naming the rows that cannot be read
    (or the file, when it is not a spreadsheet or has no title column)."""
    days = event_dates(event.starts_at, event.ends_at, event.timezone)
    sessions: list[SessionInput] = []
    problems: dict[str, str] = {}
    try:
        with open_spreadsheet(filename, data) as book:
            for sheet in book.sheets[:1]:
                columns: dict[int, str] | None = None
                for row in sheet.rows:
                    if columns is None:
                        named = {i: _field(v) for i, v in enumerate(row.values)}
                        if "title" in named.values():
                            columns = {i: f for i, f in named.items() if f is not None}
                        continue
                    cells = {f: row.values[i] for i, f in columns.items() if i < len(row.values)}
                    if not str(cells.get("title") or "").strip():
                        continue
                    made = _row_session(cells, days)
                    if isinstance(made, str):
                        problems[str(row.number)] = made
                    else:
                        sessions.append(made)
                    if len(sessions) > MAX_SESSIONS:
                        break
    except RosterFileError as exc:
        raise ValidationFailed(str(exc), {"file": str(exc)}) from None
    if not sessions and not problems:
        message = _("No agenda found: give the title column a heading such as Materi or Judul.")
        raise ValidationFailed(message, {"file": message})
    if problems or len(sessions) > MAX_SESSIONS:
        raise ValidationFailed(
            _("Some rows could not be read; nothing was added."),
            {_("row %(n)s", n=n): why for n, why in problems.items()},
        )
    return sessions


def import_agenda(
    event: Event, filename: str, data: bytes, actor: Principal | None, now: datetime
) -> list[AgendaSession]:
    """Add every session of the file, or none. Raises ValidationFailed with the rows refused
    (a session outside the event's days names its row)."""
    added = []
    for number, session in enumerate(read_agenda(event, filename, data), start=1):
        try:
            added.append(add_session(event, session, actor, now))
        except ValidationFailed as exc:
            fields = {f"{_('session %(n)d', n=number)}: {k}": v for k, v in exc.fields.items()}
            raise ValidationFailed(
                _(
                    "Session %(n)d (%(title)s) was refused; nothing was added.",
                    n=number,
                    title=session.title,
                ),
                fields,
            ) from None
    return added
