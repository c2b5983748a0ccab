"""The news paragraph states what the records hold, and nothing they do not."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date

from tests.factories import WITA, add_people, make_event
from tests.summaries.fake import fake_summary
from tests.summaries.helpers import SPEAKERS, TOPICS, bare_event
from tracker.checkin.services import ScanInput, check_in
from tracker.db import utcnow
from tracker.events.services import VenueInput
from tracker.extensions import db
from tracker.summaries.figures import build_summary
from tracker.summaries.narrative import _join, narrative, narratives

TUESDAY = datetime(2025, 7, 22, 9, 0, tzinfo=WITA)


def _day(summary, lang: str) -> str:
    local = summary.event.starts_at.astimezone(WITA)
    if lang == "id":
        return f"{format_date(local.date(), 'EEEE', locale='id')} ({local:%-d/%-m/%Y})"
    return format_date(local.date(), "EEEE, d MMMM y", locale="en")


def test_the_indonesian_paragraph_reads_like_the_press_release(built):
    summary = build_summary(built.event)
    text = narrative(summary, "id")
    start = summary.event.starts_at.astimezone(WITA)
    assert text.startswith(
        "Dinas Komunikasi dan Informatika (Diskominfo) Kabupaten Tabanan menggelar "
        f"Pelatihan Pengelolaan Media Sosial pada {_day(summary, 'id')} pukul "
        f"{start:%H.%M} WITA di Ruang Rapat, Kantor Diskominfo Tabanan. "
    )
    # 12 participants registered (one a walk-in), 8 came; the speaker is counted apart.
    assert (
        "Kegiatan ini diikuti 8 dari 12 peserta terdaftar (67%) yang berasal dari 4 instansi, "
        "didampingi 1 narasumber. Sebanyak 1 orang mendaftar di lokasi."
    ) in text
    assert f"Tiga topik disampaikan, yaitu {TOPICS[0]}, {TOPICS[1]}, dan {TOPICS[2]}." in text
    assert f"Narasumber dalam kegiatan ini adalah {SPEAKERS[0]} dan {SPEAKERS[1]}." in text
    assert (
        "Sebanyak 5 dari 9 orang yang hadir (56%) membawa tumbler sendiri sesuai SE Sekda "
        "Provinsi Bali Nomor 2 Tahun 2025 yang melaksanakan Peraturan Gubernur Bali Nomor 97 "
        "Tahun 2018."
    ) in text
    assert "mencatat 6 dari 7 butir wajib terpenuhi (86%)." in text
    assert "organik 4,2 kg, anorganik 1,1 kg, dan residu 0,3 kg." in text
    assert "Sebanyak 40 liter air minum disajikan dari stasiun isi ulang." in text
    assert "https://www.youtube.com/@diskominfotabanan" in text


def test_the_english_paragraph_states_the_same_facts(built):
    summary = build_summary(built.event)
    text = narratives(summary)["en"]
    assert text.startswith(
        f"Diskominfo Kabupaten Tabanan held Pelatihan Pengelolaan Media Sosial on "
        f"{_day(summary, 'en')}, at "
    )
    assert (
        "attended by 8 of the 12 registered participants (67%) from 4 agencies, joined by "
        "1 speaker. One person registered at the door."
    ) in text
    assert (
        "5 of the 9 people present (56%) brought their own tumbler, under SE Sekda Provinsi "
        "Bali No. 2 Tahun 2025, implementing Peraturan Gubernur Bali No. 97 Tahun 2018."
    ) in text
    assert "found 6 of 7 required items met (86%)." in text
    assert "organic 4.2 kg, inorganic 1.1 kg and residue 0.3 kg." in text
    assert "Refill stations served 40 litres of drinking water." in text


def test_a_fixed_date_reads_as_in_the_seed(app, users):
    event = make_event(
        users.organiser,
        starts_at=TUESDAY,
        status="closed",
        venue=VenueInput("Diskominfo Tabanan", room="Ruang Rapat"),
    )
    text = narrative(build_summary(event), "id")
    assert text == (
        "Dinas Komunikasi dan Informatika (Diskominfo) Kabupaten Tabanan menggelar Pelatihan "
        "Pengelolaan Media Sosial pada Selasa (22/7/2025) pukul 09.00 WITA di Ruang Rapat, "
        "Diskominfo Tabanan."
    )
    assert narrative(build_summary(event), "en") == (
        "Diskominfo Kabupaten Tabanan held Pelatihan Pengelolaan Media Sosial on Tuesday, "
        "22 July 2025, at 09:00 WITA, in Ruang Rapat, Diskominfo Tabanan."
    )


def test_an_evening_past_midnight_reads_as_one_day(app, users):
    evening = datetime(2025, 7, 22, 19, 0, tzinfo=WITA)  # Tuesday 19:00 to Wednesday 01:00
    event = make_event(users.organiser, starts_at=evening, hours=6, status="closed", venue=None)
    paragraphs = narratives(build_summary(event))
    assert "pada Selasa (22/7/2025) pukul 19.00 WITA." in paragraphs["id"]
    assert "Rabu" not in paragraphs["id"]
    assert "on Tuesday, 22 July 2025, at 19:00 WITA." in paragraphs["en"]


def test_a_two_day_training_names_its_first_and_last_day(app, users):
    event = make_event(users.organiser, starts_at=TUESDAY, hours=31, status="closed", venue=None)
    paragraphs = narratives(build_summary(event))
    assert "pada Selasa (22/7/2025) hingga Rabu (23/7/2025)." in paragraphs["id"]
    assert "from Tuesday, 22 July 2025, to Wednesday, 23 July 2025." in paragraphs["en"]


def test_missing_facts_are_left_out_not_invented(app, users):
    event = bare_event(users.organiser)
    summary = build_summary(event)
    day = _day(summary, "id")
    start = summary.event.starts_at.astimezone(WITA)
    paragraphs = narratives(summary)
    assert paragraphs["id"] == (
        "Dinas Komunikasi dan Informatika (Diskominfo) Kabupaten Tabanan menggelar Rapat "
        f"Koordinasi pada {day} pukul {start:%H.%M} WITA."
    )
    assert paragraphs["en"] == (
        f"Diskominfo Kabupaten Tabanan held Rapat Koordinasi on {_day(summary, 'en')}, at "
        f"{start:%H:%M} WITA."
    )
    for word in ("diikuti", "peserta", "topik", "Narasumber", "tumbler", "kepatuhan", "Sampah"):
        assert word not in paragraphs["id"]
    for word in ("attended", "participants", "topic", "speaker", "tumbler", "compliance"):
        assert word not in paragraphs["en"]


def test_registered_but_nobody_checked_in(app, users):
    from tests.factories import add_people

    event = bare_event(users.organiser)
    add_people(event, 40)
    paragraphs = narratives(build_summary(event))
    assert "Sebanyak 40 peserta terdaftar dalam kegiatan ini." in paragraphs["id"]
    assert "diikuti" not in paragraphs["id"] and "attended" not in paragraphs["en"]


def test_tumbler_answers_nobody_gave_are_not_a_fact():
    summary = fake_summary(8)
    object.__setattr__(
        summary.sustainability,
        "tumbler",
        type(summary.sustainability.tumbler)(checked_in=6, yes=0, no=0, unknown=6),
    )
    assert "tumbler" not in narrative(summary, "id") and "tumbler" not in narrative(summary, "en")


def test_the_regulation_is_cited_only_with_its_checklist():
    summary = fake_summary(8)
    assert "sesuai SE Sekda Provinsi Bali Nomor 2 Tahun 2025" in narrative(summary, "id")
    object.__setattr__(summary, "checklists", ())
    text = narrative(summary, "id")
    assert "membawa tumbler sendiri." in text and "Peraturan" not in text and "SE " not in text


def test_lists_read_naturally():
    assert _join(["a"], "dan", True) == "a"
    assert _join(["a", "b"], "dan", True) == "a dan b"
    assert _join(["a", "b", "c"], "dan", True) == "a, b, dan c"
    assert _join(["a", "b", "c"], "and", False) == "a, b and c"
    assert _join(["a, b", "c", "d"], "and", False) == "a, b; c; and d"


def test_a_two_day_event_names_both_days(app, users):
    event = make_event(users.organiser, starts_at=TUESDAY, hours=31, status="closed")
    summary = build_summary(event)
    assert "pada Selasa (22/7/2025) hingga Rabu (23/7/2025)" in narrative(summary, "id")
    assert "from Tuesday, 22 July 2025, to Wednesday, 23 July 2025" in narrative(summary, "en")


def test_participants_are_counted_apart_from_speakers_committee_and_press(app, users):
    """The seed's day: 36 participants registered, 33 came, with 3 speakers, 2 of the committee
    and a journalist; the paragraph counts the participants alone."""
    event = make_event(users.organiser)
    people = add_people(event, 36)
    for category, count in (("speaker", 3), ("committee", 2), ("press", 1)):
        people += add_people(event, count, category=category, start=len(people))
    absent = {p.id for p in people[33:36]}
    for person in people:
        if person.id not in absent:
            check_in(event, ScanInput(participant_id=person.id, method="manual"), None, utcnow())
    db.session.commit()
    summary = build_summary(event)
    assert (
        "Kegiatan ini diikuti 33 dari 36 peserta terdaftar (92%) yang berasal dari 4 instansi, "
        "didampingi 3 narasumber, 2 panitia, dan 1 awak media."
    ) in narrative(summary, "id")
    assert (
        "attended by 33 of the 36 registered participants (92%) from 4 agencies, joined by "
        "3 speakers, 2 committee members and 1 member of the press."
    ) in narrative(summary, "en")
