"""The event summary as an A4 PDF for the activity report (laporan kegiatan / LPJ).

``summary_pdf(summary, rows, labels, photo=..., extra=...)`` is pure: a Summary, the
attendance list's rows (any iterable; the view passes the batched query), the words in the
reader's language, a function that returns a photo thumbnail's bytes (or None), and the
per-person presence of an event of several days (``figures.presence_columns``). Bytes out.

The attendance list (daftar hadir) lists the people who checked in, by name; the registered
people who did not come are counted under it and listed in the XLSX and CSV. It is laid out
as tables of CHUNK rows with plain-string cells wherever the text fits its column, which keeps
20,000 rows within seconds rather than minutes.

For an event of several days the list turns to A4 landscape and shows, per person, each day's
first entry (or "–", absent), the days present, the JP earned (with an agenda) and whether
they completed: the CSV's and the XLSX's cells, from the same builder
(``columns.presence_cells``). Session columns stay in those files. Days beyond what fits the
page are left out, and a note says the XLSX has every day.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
)

from tracker import times
from tracker.summaries import numbers
from tracker.summaries.columns import presence_cells, short_day
from tracker.summaries.data import (
    NO_PRESENCE,
    AttendanceRow,
    ChecklistFacts,
    ItemFacts,
    Labels,
    PresenceColumns,
    Summary,
)
from tracker.summaries.pdf.layout import (
    FRAME_WIDTH,
    WIDE,
    WIDE_WIDTH,
    Later,
    bar_chart,
    document,
    fit,
    para,
    styles,
    table,
    table_style,
)

#: Rows per table of the attendance list: small tables split across pages cheaply.
CHUNK = 250
#: Thumbnails shown per checklist item; the rest are counted ("+2").
PHOTOS_PER_ITEM = 3
THUMB = 22 * mm

PhotoLoader = Callable[[str], bytes | None]

# Messages with placeholders (their translations are in labels.py, like every other word).
PURGED = 'Personal data anonymised on %(date)s: names read "Anonim".'
REQUIRED_COMPLIANT = "%(ok)d of %(n)d required items compliant"
UNTIL = "%(start)s to %(end)s"
ABSENT = (
    "%(n)d registered participants did not check in; the XLSX and CSV downloads list "
    "everyone registered."
)
EACH_DAY = "Each day: the first entry (%(zone)s); – absent that day."
DAYS_CUT = (
    "The first %(shown)d of %(n)d days are shown; the XLSX's participants sheet lists every day."
)
SESSIONS_ELSEWHERE = "Attendance per session is in the XLSX and CSV."


def summary_pdf(
    summary: Summary,
    rows: Iterable[AttendanceRow],
    labels: Labels,
    photo: PhotoLoader | None = None,
    extra: PresenceColumns = NO_PRESENCE,
) -> bytes:
    buffer = io.BytesIO()
    event = summary.event
    stamp = times.date_time(summary.generated_at, event.timezone)

    def footer(page: int) -> str:
        return (
            f"{event.title} · {labels['Post-event summary']} · {labels['Generated']} "
            f"{stamp} {event.zone_label} · {labels['Page']} {page}"
        )

    doc, on_page = document(buffer, event.title, footer)
    story: list[Flowable] = [
        *_heading(summary, labels),
        *_facts(summary, labels),
        *_attendance(summary, labels),
        *_sustainability(summary, labels),
        *_checklists(summary, labels, photo),
        *_attendance_list(summary, rows, labels, extra),
    ]
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _heading(summary: Summary, labels: Labels) -> list[Flowable]:
    s, event = styles(), summary.event
    out: list[Flowable] = [
        para(labels["Post-event summary"], s.small),
        para(event.title, s.title),
        para(event.organiser_unit, s.subtitle),
    ]
    if event.purged_at is not None:
        when = times.date_time(event.purged_at, event.timezone)
        out.append(para(labels.format(PURGED, date=when), s.small))
    return out


def _facts(summary: Summary, labels: Labels) -> list[Flowable]:
    s, event = styles(), summary.event
    when = times.event_when(
        event.starts_at, event.ends_at, event.timezone, labels.lang, labels[UNTIL]
    )
    venue = event.venue_label + (f", {event.venue_address}" if event.venue_address else "")
    rows = [
        (labels["Organiser"], event.organiser_unit),
        (labels["Date and time"], when),
        (labels["Venue"], venue or "–"),
    ]
    if event.topics:
        rows.append(
            (labels["Agenda topics"], "\n".join(f"{i}. {t}" for i, t in enumerate(event.topics, 1)))
        )
    if event.speakers:
        rows.append((labels["Speakers"], "\n".join(event.speakers)))
    if event.livestream_url:
        rows.append((labels["Livestream"], event.livestream_url))
    if event.expected_participants is not None:
        rows.append((labels["Expected participants"], str(event.expected_participants)))
    data = [(para(k, s.cell_bold), para(v, s.cell)) for k, v in rows]
    return [para(labels["Event"], s.h2), table(data, [40 * mm, FRAME_WIDTH - 40 * mm], False)]


def _attendance(summary: Summary, labels: Labels) -> list[Flowable]:
    s, a, lang = styles(), summary.attendance, labels.lang
    t = summary.sustainability.tumbler
    key = [
        [
            labels["Registered"],
            labels["Checked in"],
            labels["Attendance rate"],
            labels["Walk-ins"],
            labels["Agencies reached"],
        ],
        [
            numbers.number(a.registered, lang),
            numbers.number(a.checked_in, lang),
            numbers.percent_text(numbers.percent(a.checked_in, a.registered)),
            numbers.number(a.walk_ins, lang),
            numbers.number(summary.agencies_reached, lang),
        ],
    ]
    tumbler = [
        [labels["Tumbler"], labels["Yes"], labels["No"], labels["Unknown"], labels["Tumbler rate"]],
        [
            labels["Checked in"],
            numbers.number(t.yes, lang),
            numbers.number(t.no, lang),
            numbers.number(t.unknown, lang),
            numbers.percent_text(None if t.rate is None else 100 * t.rate),
        ],
    ]
    width = FRAME_WIDTH / 5
    out: list[Flowable] = [
        para(labels["Attendance"], s.h2),
        table(key, [width] * 5),
        Spacer(1, 2 * mm),
        table(tumbler, [width] * 5),
    ]
    out += _by_category(summary, labels)
    out += _by_day_and_session(summary, labels)
    out += _arrivals_chart(summary, labels)
    out += _by_agency(summary, labels)
    return out


def _split_rows(table_: dict[str, Any], name: Callable[[str], str], lang: str) -> list[list[Any]]:
    return [
        [
            fit(name(key), FRAME_WIDTH - 75 * mm),
            numbers.number(split.registered, lang),
            numbers.number(split.checked_in, lang),
            numbers.percent_text(numbers.percent(split.checked_in, split.registered)),
        ]
        for key, split in table_.items()
    ]


def _by_category(summary: Summary, labels: Labels) -> list[Flowable]:
    if not summary.attendance.by_category:
        return []
    header = [labels["Category"], labels["Registered"], labels["Checked in"], "%"]
    rows = _split_rows(summary.attendance.by_category, labels.category, labels.lang)
    return [
        para(labels["By category"], styles().h3),
        table([header, *rows], [FRAME_WIDTH - 75 * mm, 25 * mm, 25 * mm, 25 * mm], numeric_from=1),
    ]


def _by_day_and_session(summary: Summary, labels: Labels) -> list[Flowable]:
    """Per day (present, scanned out) and per session (attended), for an event of several
    days or with an agenda."""
    a, lang, zone = summary.attendance, labels.lang, ZoneInfo(summary.event.timezone)
    if len(a.by_day) < 2 and not a.by_session:
        return []
    days = [
        [d.day.isoformat(), numbers.number(d.present, lang), numbers.number(d.checked_out, lang)]
        for d in a.by_day
    ]
    out: list[Flowable] = [
        para(labels["Per day"], styles().h3),
        table(
            [[labels["Day"], labels["Present"], labels["Checked out"]], *days],
            [FRAME_WIDTH - 50 * mm, 25 * mm, 25 * mm],
            numeric_from=1,
        ),
    ]
    if a.by_session:
        rows = [
            [
                fit(x.title, FRAME_WIDTH - 95 * mm),
                x.day.isoformat(),
                x.starts_at.astimezone(zone).strftime("%H:%M"),
                numbers.number(x.jp, lang),
                numbers.number(x.attended, lang),
            ]
            for x in a.by_session
        ]
        header = [labels["Session"], labels["Day"], labels["Starts"], "JP", labels["Attended"]]
        widths = [FRAME_WIDTH - 95 * mm, 25 * mm, 20 * mm, 25 * mm, 25 * mm]
        out += [
            para(labels["Per session"], styles().h3),
            table([header, *rows], widths, numeric_from=3),
        ]
    return out


def _by_agency(summary: Summary, labels: Labels) -> list[Flowable]:
    if not summary.attendance.by_agency:
        return []
    header = [labels["Agency"], labels["Registered"], labels["Checked in"], "%"]

    def name(key: str) -> str:
        return key or labels["(no agency)"]

    rows = _split_rows(summary.attendance.by_agency, name, labels.lang)
    return [
        para(labels["By agency"], styles().h3),
        table([header, *rows], [FRAME_WIDTH - 75 * mm, 25 * mm, 25 * mm, 25 * mm], numeric_from=1),
    ]


def _arrivals_chart(summary: Summary, labels: Labels) -> list[Flowable]:
    arrivals = summary.attendance.arrivals
    if not arrivals:
        return []
    tz = summary.event.timezone
    names = [times.clock(start, tz) for start, _ in arrivals]
    every = max(1, len(names) // 16)
    title = f"{labels['Arrivals over time']} ({summary.event.zone_label})"
    chart = bar_chart([n for _, n in arrivals], names, title, every=every)
    return [Spacer(1, 3 * mm), chart]


def _sustainability(summary: Summary, labels: Labels) -> list[Flowable]:
    s, lang = styles(), labels.lang
    data, why = summary.sustainability, summary.assumptions
    t, b, w, score = data.tumbler, data.bottles_avoided, data.waste, data.compliance
    streams = ", ".join(
        f"{labels.stream(k)} {numbers.number(v, lang)} kg" for k, v in w.kg.items() if v
    )
    rows = [
        (
            labels["Tumbler rate"],
            f"{numbers.percent_text(None if t.rate is None else 100 * t.rate)} "
            f"({numbers.number(t.yes, lang)}/{numbers.number(t.checked_in, lang)})",
            why.get("tumbler", ""),
        ),
        (
            labels["Single-use bottles avoided (estimate)"],
            numbers.number(b.estimate, lang),
            why.get("bottles_avoided", ""),
        ),
        (
            labels["Waste weighed"],
            f"{numbers.number(w.total_kg, lang)} kg" + (f" ({streams})" if streams else ""),
            why.get("waste", ""),
        ),
        (
            labels["Refill water"],
            "–" if data.refill_litres is None else f"{numbers.number(data.refill_litres, lang)} L",
            why.get("refill_litres", ""),
        ),
        (
            labels["Compliance score (all checklists)"],
            _score_text(score, labels),
            why.get("compliance", ""),
        ),
    ]
    header = [labels["Figure"], labels["Value"], labels["Assumption"]]
    body = [[para(a, s.cell_bold), para(v, s.cell), para(n, s.cell)] for a, v, n in rows]
    out: list[Flowable] = [
        para(labels["Sustainability"], s.h2),
        table([header, *body], [45 * mm, 45 * mm, FRAME_WIDTH - 90 * mm]),
    ]
    return out + _waste_entries(summary, labels)


def _score_text(score: Any, labels: Labels) -> str:
    if score.percent is None:
        return labels["No required item answered yet"]
    counts = labels.format(REQUIRED_COMPLIANT, ok=score.compliant, n=score.applicable)
    extra = f"; {labels['Not answered']}: {score.open}" if score.open else ""
    return f"{score.percent}% · {counts}{extra}"


def _waste_entries(summary: Summary, labels: Labels) -> list[Flowable]:
    entries = summary.waste_entries
    if not entries:
        return []
    tz, lang = summary.event.timezone, labels.lang
    header = [labels["Time"], labels["Stream"], "kg", labels["Note"], labels["Recorded by"]]
    rows = [
        [
            times.date_time(e.recorded_at, tz),
            labels.stream(e.stream),
            numbers.number(e.kg, lang),
            fit(e.note, 60 * mm),
            fit(e.recorded_by, FRAME_WIDTH - 135 * mm),
        ]
        for e in entries
    ]
    widths = [30 * mm, 30 * mm, 15 * mm, 60 * mm, FRAME_WIDTH - 135 * mm]
    return [para(labels["Waste"], styles().h3), table([header, *rows], widths)]


def _checklists(summary: Summary, labels: Labels, photo: PhotoLoader | None) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [para(labels["Checklists"], s.h2)]
    if not summary.checklists:
        return [*out, para(labels["No checklist was attached."], s.body)]
    for checklist in summary.checklists:
        out += _checklist(summary, checklist, labels, photo)
    return out


def _checklist(
    summary: Summary, checklist: ChecklistFacts, labels: Labels, photo: PhotoLoader | None
) -> list[Flowable]:
    s, tz = styles(), summary.event.timezone
    title = f"{checklist.title_in(labels.lang)} (v{checklist.version})"
    lines = [f"{labels['Legal basis']}: {checklist.basis_label}"] if checklist.basis_label else []
    lines.append(f"{labels['Score']}: {_score_text(checklist.score, labels)}")
    if checklist.signed_off_at is not None:
        lines.append(
            f"{labels['Signed off by']}: {checklist.signed_off_name}, "
            f"{checklist.signed_off_position} · {times.date_time(checklist.signed_off_at, tz)} "
            f"{summary.event.zone_label}"
        )
    else:
        lines.append(labels["Not signed off"])
    header = [
        "No.",
        labels["Item"],
        labels["Status"],
        labels["Value"],
        labels["Note"],
        labels["Photos"],
    ]
    widths = [9 * mm, 62 * mm, 22 * mm, 18 * mm, 42 * mm, FRAME_WIDTH - 153 * mm]
    rows = [_item_row(item, labels, photo) for item in checklist.items]
    items = Table([header, *rows], colWidths=widths, repeatRows=1)
    items.setStyle(table_style())
    return [
        KeepTogether([para(title, s.h3), *(para(line, s.small) for line in lines)]),
        items,
    ]


def _item_row(item: ItemFacts, labels: Labels, photo: PhotoLoader | None) -> list[Any]:
    s = styles()
    text_ = item.text_in(labels.lang) + (" *" if item.required else "")
    return [
        str(item.position),
        para(text_, s.cell),
        para(labels.status(item.status), s.cell),
        para(labels.answer(item), s.cell),
        para(item.note, s.cell),
        _thumbnails(item, photo),
    ]


def _thumbnails(item: ItemFacts, photo: PhotoLoader | None) -> Any:
    if not item.photos:
        return ""
    if photo is None:
        return str(len(item.photos))
    shown: list[Flowable] = []
    for ref in item.photos[:PHOTOS_PER_ITEM]:
        data = photo(ref.thumb_key)
        if data is None:
            continue
        ratio = ref.height / ref.width if ref.width else 1.0
        shown.append(Image(io.BytesIO(data), width=THUMB, height=THUMB * ratio))
    hidden = len(item.photos) - len(shown)
    if hidden:
        shown.append(para(f"+{hidden}", styles().small))
    return shown


def _attendance_list(
    summary: Summary, rows: Iterable[AttendanceRow], labels: Labels, extra: PresenceColumns
) -> list[Flowable]:
    s, a = styles(), summary.attendance
    if extra.days:
        layout = _days_layout(summary, labels, extra)
    else:
        layout = _one_day_layout(summary, labels)
    turn: list[Flowable] = [NextPageTemplate(WIDE)] if extra.days else []
    out: list[Flowable] = [*turn, PageBreak(), para(labels["Attendance list"], s.h2)]
    absent = a.registered - a.checked_in
    if absent:
        out.append(para(labels.format(ABSENT, n=absent), s.small))
    out += [para(note, s.small) for note in layout.notes]
    present = (row for row in rows if row.checked_in_at is not None)
    tables = _list_tables(layout, present)
    first = next(tables, None)
    if first is None:
        return [*out, para(labels["Nobody has checked in."], s.body)]
    # The rest made as the layout reaches them, the rows read as they are needed: a few
    # tables in memory at a time whatever the number of people.
    return [*out, first, Later(tables)]


@dataclass(frozen=True)
class _ListLayout:
    """The attendance list's columns: headings, widths, and one person's cells after the
    number (the cells of text columns already wrapped to their width)."""

    header: list[Any]
    widths: list[float]
    cells: Callable[[AttendanceRow], list[Any]]
    notes: tuple[str, ...] = ()
    numeric_from: int | None = None


_LIST_WIDTHS = [10 * mm, 46 * mm, 54 * mm, 30 * mm, 20 * mm, FRAME_WIDTH - 160 * mm]


def _one_day_layout(summary: Summary, labels: Labels) -> _ListLayout:
    """One day: the check-in time (a date and time when the event spans midnight)."""
    event, w = summary.event, _LIST_WIDTHS
    one_day = event.local(event.starts_at).date() == event.local(event.ends_at).date()
    when = times.clock if one_day else times.date_time
    header = [
        "No.",
        labels["Name"],
        labels["Agency"],
        labels["Position"],
        f"{labels['Check-in']} ({event.zone_label})",
        labels["Tumbler"],
    ]

    def cells(row: AttendanceRow) -> list[Any]:
        return [
            fit(row.name, w[1]),
            fit(row.agency, w[2]),
            fit(row.position, w[3]),
            when(row.checked_in_at, event.timezone),
            labels.tumbler(row.tumbler),
        ]

    return _ListLayout(header, w, cells)


#: A day's column on the landscape list: "08:30", and "Hari ke-10" wrapped under its date.
DAY_WIDTH = 12 * mm
#: No., name, agency, position; the position is the first to go for more days. The columns
#: after the days fit their Indonesian headings' longest word ("Menyelesaikan").
_DAYS_FIXED = {"no": 9 * mm, "name": 38 * mm, "agency": 38 * mm, "position": 28 * mm}
_TUMBLER, _DAYS_PRESENT, _JP, _COMPLETED = 18 * mm, 20 * mm, 11 * mm, 30 * mm


def _day_slots(extra: PresenceColumns) -> tuple[bool, int]:
    """Whether the position column stays, and how many day columns fit beside it."""
    tail = _TUMBLER + _DAYS_PRESENT + _COMPLETED + (_JP if extra.sessions else 0)
    room = WIDE_WIDTH - tail - sum(_DAYS_FIXED.values())
    if len(extra.days) * DAY_WIDTH <= room:
        return True, len(extra.days)
    return False, int((room + _DAYS_FIXED["position"]) // DAY_WIDTH)


def _days_layout(summary: Summary, labels: Labels, extra: PresenceColumns) -> _ListLayout:
    """Several days: per day the first entry or "–", days present, JP, completed; the cells
    are ``presence_cells``', which the CSV and XLSX write too."""
    event, n_days = summary.event, len(extra.days)
    with_position, shown = _day_slots(extra)
    fixed = (
        dict(_DAYS_FIXED)
        if with_position
        else {k: v for k, v in _DAYS_FIXED.items() if k != "position"}
    )
    tail = [_DAYS_PRESENT, *([_JP] if extra.sessions else []), _COMPLETED]
    spare = WIDE_WIDTH - sum(fixed.values()) - _TUMBLER - shown * DAY_WIDTH - sum(tail)
    fixed["name"] += spare / 2  # what the days leave goes to the names and agencies
    fixed["agency"] += spare / 2
    header = ["No.", labels["Name"], labels["Agency"]]
    header += [labels["Position"]] if with_position else []
    header += [labels["Tumbler"], *_day_headings(extra.days[:shown], labels)]
    header += [labels["Days present"], *(["JP"] if extra.sessions else []), labels["Completed"]]
    widths = [*fixed.values(), _TUMBLER, *[DAY_WIDTH] * shown, *tail]
    yes, no = labels["Yes"], labels["No"]

    def clock(at: Any) -> str:
        return times.clock(at, event.timezone)

    def cells(row: AttendanceRow) -> list[Any]:
        text = [fit(row.name, fixed["name"]), fit(row.agency, fixed["agency"])]
        if with_position:
            text.append(fit(row.position, fixed["position"]))
        presence = presence_cells(extra, row.participant_id, clock, yes, no)
        days = ["–" if cell is None else cell for cell in presence[:shown]]
        jp = [str(presence[-2])] if extra.sessions else []
        totals = [str(presence[n_days]), *jp, presence[-1]]
        return [*text, labels.tumbler(row.tumbler), *days, *totals]

    notes = [labels.format(EACH_DAY, zone=event.zone_label)]
    if shown < n_days:
        notes.append(labels.format(DAYS_CUT, shown=shown, n=n_days))
    if extra.sessions:
        notes.append(labels[SESSIONS_ELSEWHERE])
    return _ListLayout(header, widths, cells, tuple(notes), numeric_from=len(header) - len(tail))


def _day_headings(days: Sequence[date], labels: Labels) -> list[str]:
    return [
        f"{labels.format('Day %(n)d', n=n)} {short_day(day, labels)}"
        for n, day in enumerate(days, start=1)
    ]


def _list_tables(layout: _ListLayout, rows: Iterator[AttendanceRow]) -> Iterator[Table]:
    chunk: list[list[Any]] = []
    number = 0
    for row in rows:
        number += 1
        chunk.append([str(number), *layout.cells(row)])
        if len(chunk) == CHUNK:
            yield _list_table(layout, chunk)
            chunk = []
    if chunk:
        yield _list_table(layout, chunk)


def _list_table(layout: _ListLayout, chunk: list[list[Any]]) -> Table:
    return table([layout.header, *chunk], layout.widths, numeric_from=layout.numeric_from)
