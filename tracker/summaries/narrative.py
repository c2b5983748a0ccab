"""The news paragraph, drafted from the records, in Bahasa Indonesia and in English.

Both are written here rather than through the Babel catalogue: the page shows both whatever its
own language, and each is prose in its own right (the Indonesian follows the press releases the
organisers send, e.g. "Diskominfo Kabupaten Tabanan menggelar Pelatihan ... pada Selasa
(22/7/2025) di Ruang Rapat ..."), not a translation of the other.

The rule: a sentence is written only from a fact that is in the records. No venue, no topics,
no speakers, no check-ins, no tumbler answers, no checklist answered, no waste weighed: the
sentence is left out, never filled in with a guess. The bottles-avoided estimate is left out
too: it rests on an assumption, and a news paragraph has no room to state it.
Pure functions: a Summary in, text out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from babel.dates import format_date

from tracker.summaries.data import ChecklistFacts, Summary
from tracker.summaries.numbers import number
from tracker.times import local

LANGUAGES = ("id", "en")

#: The checklist that holds the tumbler rule: with it attached, the paragraph cites the rule.
TUMBLER_BASIS_KEY = "pergub-bali-97-2018"
#: The tumbler rule's own basis: the Regional Secretary's circular, which implements the Pergub
#: (the Pergub itself restricts bags, polystyrene and straws, not bottles).
TUMBLER_RULE = {
    "id": "SE Sekda Provinsi Bali Nomor 2 Tahun 2025 yang melaksanakan "
    "Peraturan Gubernur Bali Nomor 97 Tahun 2018",
    "en": "SE Sekda Provinsi Bali No. 2 Tahun 2025, implementing "
    "Peraturan Gubernur Bali No. 97 Tahun 2018",
}
#: Those who came besides the participants, as the paragraph names them ("didampingi 3
#: narasumber"), in this order.
_OTHERS = {
    "id": {
        "speaker": ("narasumber",) * 2,
        "committee": ("panitia",) * 2,
        "press": ("awak media",) * 2,
    },
    "en": {
        "speaker": ("speaker", "speakers"),
        "committee": ("committee member", "committee members"),
        "press": ("member of the press", "members of the press"),
    },
}

#: Abbreviated unit names written out at first mention in Indonesian press style.
_LONG_UNITS = {
    "Diskominfo": "Dinas Komunikasi dan Informatika (Diskominfo)",
    "Kemkomdigi": "Kementerian Komunikasi dan Digital (Kemkomdigi)",
}
_WORDS = {
    "id": "nol satu dua tiga empat lima enam tujuh delapan sembilan sepuluh".split(),
    "en": "zero one two three four five six seven eight nine ten".split(),
}
_STREAMS = {
    "id": {
        "organic": "organik",
        "inorganic": "anorganik",
        "residue": "residu",
        "recyclable": "dapat didaur ulang",
    },
    "en": {
        "organic": "organic",
        "inorganic": "inorganic",
        "residue": "residue",
        "recyclable": "recyclable",
    },
}


def narratives(summary: Summary) -> dict[str, str]:
    """{"id": ..., "en": ...}: both paragraphs, whatever the reader's language."""
    return {lang: narrative(summary, lang) for lang in LANGUAGES}


def narrative(summary: Summary, lang: str) -> str:
    writers = _INDONESIAN if lang == "id" else _ENGLISH
    sentences = (write(summary) for write in writers)
    return " ".join(s for s in sentences if s)


# --- shared helpers -----------------------------------------------------------------------


def _join(items: Sequence[str], last: str, serial_comma: bool, commas: bool = False) -> str:
    """a, b, dan c / a, b and c; semicolons when an item has a comma of its own (unless
    ``commas``: a decimal comma, as in "4,2 kg", is no reason for them)."""
    items = [i.strip() for i in items if i.strip()]
    if len(items) <= 1:
        return "".join(items)
    sep = "; " if not commas and any("," in i for i in items) else ", "
    serial = len(items) > 2 and (serial_comma or sep == "; ")
    tail = (sep.rstrip() if serial else "") + f" {last} "
    return sep.join(items[:-1]) + tail + items[-1]


def _count_word(n: int, lang: str) -> str:
    return _WORDS[lang][n] if 0 <= n <= 10 else str(n)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole)


def _tumbler_checklist(summary: Summary) -> ChecklistFacts | None:
    return next((c for c in summary.checklists if c.template_key == TUMBLER_BASIS_KEY), None)


def _people(summary: Summary) -> tuple[int, int]:
    """(came, registered) of the participants (peserta) alone, apart from speakers, committee
    and press; everyone's when nobody is in the participant category."""
    a = summary.attendance
    split = a.by_category.get("participant")
    if split is None or not split.registered:
        return a.checked_in, a.registered
    return split.checked_in, split.registered


def _others(summary: Summary, lang: str) -> list[str]:
    """ "3 narasumber", "2 panitia": the others who came, by category; none when nobody is in
    the participant category (then everyone was counted as a participant)."""
    by_category = summary.attendance.by_category
    if not by_category.get("participant") or not by_category["participant"].registered:
        return []
    words = []
    for key, (one, many) in _OTHERS[lang].items():
        split = by_category.get(key)
        if split and split.checked_in:
            words.append(
                f"{number(split.checked_in, lang)} {one if split.checked_in == 1 else many}"
            )
    return words


def _answered_checklists(summary: Summary) -> list[ChecklistFacts]:
    return [c for c in summary.checklists if c.score.applicable]


def _waste_parts(summary: Summary, lang: str, template: str) -> list[str]:
    kg = summary.sustainability.waste.kg
    return [
        template.format(stream=_STREAMS[lang].get(stream, stream), kg=number(value, lang))
        for stream, value in kg.items()
        if value > 0
    ]


# --- Bahasa Indonesia ---------------------------------------------------------------------


def _unit_id(unit: str) -> str:
    first, _, rest = unit.strip().partition(" ")
    if first in _LONG_UNITS and _LONG_UNITS[first] not in unit:
        return f"{_LONG_UNITS[first]} {rest}".strip()
    return unit.strip()


def _day_id(day: date) -> str:
    weekday = format_date(day, "EEEE", locale="id")
    return f"{weekday} ({day.day}/{day.month}/{day.year})"


def _opening_id(summary: Summary) -> str:
    event = summary.event
    start = local(event.starts_at, event.timezone)
    days = summary.event.days
    when = f"pada {_day_id(days[0])}"
    if len(days) > 1:
        when += f" hingga {_day_id(days[-1])}"
    else:
        when += f" pukul {start:%H.%M} {event.zone_label}"
    where = f" di {event.venue_label}" if event.venue_label else ""
    return f"{_unit_id(event.organiser_unit)} menggelar {event.title.strip()} {when}{where}."


def _attendance_id(summary: Summary) -> str:
    a = summary.attendance
    came, registered = _people(summary)
    if not a.registered:
        return ""
    if not a.checked_in:
        return f"Sebanyak {number(registered, 'id')} peserta terdaftar dalam kegiatan ini."
    text = (
        f"Kegiatan ini diikuti {number(came, 'id')} dari {number(registered, 'id')} "
        f"peserta terdaftar ({_percent(came, registered)}%)"
    )
    if summary.agencies_reached:
        text += f" yang berasal dari {number(summary.agencies_reached, 'id')} instansi"
    others = _others(summary, "id")
    if others:
        text += f", didampingi {_join(others, 'dan', True)}"
    if a.walk_ins:
        text += f". Sebanyak {number(a.walk_ins, 'id')} orang mendaftar di lokasi"
    return text + "."


def _topics_id(summary: Summary) -> str:
    topics = summary.event.topics
    if not topics:
        return ""
    if len(topics) == 1:
        return f"Materi yang disampaikan adalah {topics[0].strip()}."
    count = _count_word(len(topics), "id").capitalize()
    return f"{count} topik disampaikan, yaitu {_join(topics, 'dan', True)}."


def _speakers_id(summary: Summary) -> str:
    speakers = summary.event.speakers
    if not speakers:
        return ""
    return f"Narasumber dalam kegiatan ini adalah {_join(speakers, 'dan', True)}."


def _livestream_id(summary: Summary) -> str:
    url = summary.event.livestream_url
    return f"Kegiatan ini juga disiarkan secara langsung melalui {url}." if url else ""


def _tumbler_id(summary: Summary) -> str:
    t = summary.sustainability.tumbler
    if not t.checked_in or not (t.yes or t.no):  # nobody was asked: no fact to state
        return ""
    text = (
        f"Sebanyak {number(t.yes, 'id')} dari {number(t.checked_in, 'id')} orang yang hadir "
        f"({_percent(t.yes, t.checked_in)}%) membawa tumbler sendiri"
    )
    basis = _tumbler_checklist(summary)
    return text + (f" sesuai {TUMBLER_RULE['id']}." if basis else ".")


def _compliance_id(summary: Summary) -> str:
    checked = _answered_checklists(summary)
    score = summary.sustainability.compliance
    if not checked or not score.applicable:
        return ""
    if len(checked) == 1:
        c = checked[0]
        what = f"daftar periksa {c.title}" + (f" ({c.basis_label})" if c.basis_label else "")
    else:
        what = f"{_count_word(len(checked), 'id')} daftar periksa"
    return (
        f"Pemeriksaan kepatuhan dengan {what} mencatat {score.compliant} dari "
        f"{score.applicable} butir wajib terpenuhi ({score.percent}%)."
    )


def _waste_id(summary: Summary) -> str:
    parts = _waste_parts(summary, "id", "{stream} {kg} kg")
    if not parts:
        return ""
    return f"Sampah kegiatan dipilah dan ditimbang: {_join(parts, 'dan', True, commas=True)}."


def _refill_id(summary: Summary) -> str:
    litres = summary.sustainability.refill_litres
    if not litres:
        return ""
    return f"Sebanyak {number(litres, 'id')} liter air minum disajikan dari stasiun isi ulang."


# --- English ------------------------------------------------------------------------------


def _day_en(day: date) -> str:
    return format_date(day, "EEEE, d MMMM y", locale="en")


def _opening_en(summary: Summary) -> str:
    event = summary.event
    start = local(event.starts_at, event.timezone)
    days = summary.event.days
    if len(days) > 1:
        when = f"from {_day_en(days[0])}, to {_day_en(days[-1])}"
    else:
        when = f"on {_day_en(days[0])}, at {start:%H:%M} {event.zone_label}"
    where = f", in {event.venue_label}" if event.venue_label else ""
    return f"{event.organiser_unit.strip()} held {event.title.strip()} {when}{where}."


def _attendance_en(summary: Summary) -> str:
    a = summary.attendance
    came, registered = _people(summary)
    if not a.registered:
        return ""
    if not a.checked_in:
        return f"A total of {number(registered, 'en')} participants registered for the event."
    text = (
        f"The event was attended by {number(came, 'en')} of the "
        f"{number(registered, 'en')} registered participants "
        f"({_percent(came, registered)}%)"
    )
    agencies = summary.agencies_reached
    if agencies:
        text += f" from {number(agencies, 'en')} agenc{'y' if agencies == 1 else 'ies'}"
    others = _others(summary, "en")
    if others:
        text += f", joined by {_join(others, 'and', False)}"
    if a.walk_ins == 1:
        text += ". One person registered at the door"
    elif a.walk_ins:
        text += f". A total of {number(a.walk_ins, 'en')} people registered at the door"
    return text + "."


def _topics_en(summary: Summary) -> str:
    topics = summary.event.topics
    if not topics:
        return ""
    if len(topics) == 1:
        return f"The topic was {topics[0].strip()}."
    count = _count_word(len(topics), "en").capitalize()
    return f"{count} topics were presented: {_join(topics, 'and', False)}."


def _speakers_en(summary: Summary) -> str:
    speakers = summary.event.speakers
    if not speakers:
        return ""
    if len(speakers) == 1:
        return f"The speaker was {speakers[0].strip()}."
    return f"The speakers were {_join(speakers, 'and', False)}."


def _livestream_en(summary: Summary) -> str:
    url = summary.event.livestream_url
    return f"The event was also streamed live at {url}." if url else ""


def _tumbler_en(summary: Summary) -> str:
    t = summary.sustainability.tumbler
    if not t.checked_in or not (t.yes or t.no):
        return ""
    text = (
        f"{number(t.yes, 'en')} of the {number(t.checked_in, 'en')} people present "
        f"({_percent(t.yes, t.checked_in)}%) brought their own tumbler"
    )
    basis = _tumbler_checklist(summary)
    return text + (f", under {TUMBLER_RULE['en']}." if basis else ".")


def _compliance_en(summary: Summary) -> str:
    checked = _answered_checklists(summary)
    score = summary.sustainability.compliance
    if not checked or not score.applicable:
        return ""
    if len(checked) == 1:
        c = checked[0]
        what = f"the checklist {c.title_in('en')}" + (
            f" ({c.basis_label})" if c.basis_label else ""
        )
    else:
        what = f"{_count_word(len(checked), 'en')} checklists"
    return (
        f"A compliance check against {what} found {score.compliant} of {score.applicable} "
        f"required items met ({score.percent}%)."
    )


def _waste_en(summary: Summary) -> str:
    parts = _waste_parts(summary, "en", "{stream} {kg} kg")
    if not parts:
        return ""
    return f"The event's waste was sorted and weighed: {_join(parts, 'and', False)}."


def _refill_en(summary: Summary) -> str:
    litres = summary.sustainability.refill_litres
    if not litres:
        return ""
    return f"Refill stations served {number(litres, 'en')} litres of drinking water."


# --- days and the agenda (both languages) ------------------------------------------------

_ORDINALS = {
    "id": ("pertama", "kedua", "ketiga", "keempat", "kelima", "keenam", "ketujuh"),
    "en": ("first", "second", "third", "fourth", "fifth", "sixth", "seventh"),
}


def _days_id(summary: Summary) -> str:
    days = summary.attendance.by_day
    if len(days) < 2 or not summary.attendance.checked_in:
        return ""
    parts = [
        f"hari {_ORDINALS['id'][n] if n < 7 else f'ke-{n + 1}'} {number(d.present, 'id')} orang"
        for n, d in enumerate(days)
    ]
    return f"Kehadiran per hari: {_join(parts, 'dan', True)}."


def _days_en(summary: Summary) -> str:
    days = summary.attendance.by_day
    if len(days) < 2 or not summary.attendance.checked_in:
        return ""
    parts = [
        f"{number(d.present, 'en')} on the {_ORDINALS['en'][n] if n < 7 else f'{n + 1}th'} day"
        for n, d in enumerate(days)
    ]
    return f"Attendance per day: {_join(parts, 'and', True)}."


def _agenda_id(summary: Summary) -> str:
    sessions = summary.attendance.by_session
    jp = sum(s.jp for s in sessions)
    if not sessions:
        return ""
    text = f"Agenda kegiatan terdiri atas {number(len(sessions), 'id')} sesi"
    return text + (f" dengan bobot {number(jp, 'id')} JP." if jp else ".")


def _agenda_en(summary: Summary) -> str:
    sessions = summary.attendance.by_session
    jp = sum(s.jp for s in sessions)
    if not sessions:
        return ""
    text = f"The agenda had {number(len(sessions), 'en')} session{'s' if len(sessions) > 1 else ''}"
    return text + (f" worth {number(jp, 'en')} JP." if jp else ".")


_Writer = Callable[[Summary], str]
_INDONESIAN: tuple[_Writer, ...] = (
    _opening_id,
    _attendance_id,
    _days_id,
    _agenda_id,
    _topics_id,
    _speakers_id,
    _livestream_id,
    _tumbler_id,
    _compliance_id,
    _waste_id,
    _refill_id,
)
_ENGLISH: tuple[_Writer, ...] = (
    _opening_en,
    _attendance_en,
    _days_en,
    _agenda_en,
    _topics_en,
    _speakers_en,
    _livestream_en,
    _tumbler_en,
    _compliance_en,
    _waste_en,
    _refill_en,
)
