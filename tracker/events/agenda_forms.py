"""The agenda page's forms: a session, the days' doors, the completion rule, the import."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.events.agenda import SessionInput
from tracker.events.models import AgendaSession
from tracker.forms import AppForm, choices
from tracker.i18n import day_label


class SessionForm(AppForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    day = SelectField(_l("Day"), validators=[DataRequired()])
    starts = TimeField(_l("Starts"), validators=[DataRequired()])
    ends = TimeField(_l("Ends"), validators=[DataRequired()])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=200)])
    jp = IntegerField(
        _l("JP (training hours)"), default=0, validators=[Optional(), NumberRange(0, 40)]
    )
    speakers = TextAreaField(
        _l("Speakers (one per line)"),
        description=_l(
            "Names of the event's narasumber; a name not registered yet is added as a speaker."
        ),
        validators=[Optional(), Length(max=2000)],
    )

    def set_days(self, days: list[date]) -> None:
        self.day.choices = choices([(d.isoformat(), day_label(d)) for d in days])

    def to_input(self) -> SessionInput:
        names = [line.strip() for line in (self.speakers.data or "").splitlines() if line.strip()]
        return SessionInput(
            self.title.data or "",
            date.fromisoformat(self.day.data),
            self.starts.data,
            self.ends.data,
            self.room.data or "",
            self.jp.data or 0,
            list(names),
        )

    def fill_from(self, session: AgendaSession, timezone: str) -> None:
        zone = ZoneInfo(timezone)
        self.title.data, self.room.data, self.jp.data = session.title, session.room, session.jp
        self.day.data = session.day.isoformat()
        self.starts.data = session.starts_at.astimezone(zone).time()
        self.ends.data = session.ends_at.astimezone(zone).time()
        self.speakers.data = "\n".join(s.participant.name for s in session.speakers)


class CompletionForm(AppForm):
    rule = SelectField(
        _l("Who completes the training"),
        choices=choices(
            [
                ("every_day", _l("Present on every day")),
                ("jp_percent", _l("At least a share of the agenda's JP")),
            ]
        ),
    )
    percent = IntegerField(_l("Share of JP (%)"), default=80, validators=[NumberRange(1, 100)])


class AgendaImportForm(AppForm):
    file = FileField(
        _l("Agenda (XLSX or CSV)"),
        description=_l(
            "Columns: Tanggal or Hari, Mulai, Selesai (or Waktu 09.00 - 10.30), Materi, Ruang, "
            "Narasumber (several separated by ;), JP."
        ),
        validators=[
            FileRequired(),
            FileAllowed(["xlsx", "csv", "txt"], _l("Upload an .xlsx or .csv file.")),
        ],
    )
