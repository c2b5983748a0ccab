"""The news paragraph states what the records hold, and nothing they do not."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date

from tests.factories import WITA, make_event
from tests.summaries.fake import fake_summary
from tests.summaries.helpers import SPEAKERS, TOPICS, bare_event
from tracker.events.services import VenueInput
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
    assert (
        "Kegiatan ini diikuti 9 dari 13 peserta terdaftar (69%) yang berasal dari 4 instansi, "
        "termasuk 1 peserta yang mendaftar di lokasi."
    ) in text
    assert f"Tiga topik disampaikan, yaitu {TOPICS[0]}, {TOPICS[1]}, dan {TOPICS[2]}." in text
    assert f"Narasumber dalam kegiatan ini adalah {SPEAKERS[0]} dan {SPEAKERS[1]}." in text
    assert (
        "Sebanyak 5 dari 9 peserta (56%) membawa tumbler sendiri sesuai Peraturan Gubernur Bali "
        "Nomor 97 Tahun 2018."
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
    assert "attended by 9 of the 13 registered participants (69%) from 4 agencies" in text
    assert (
        "5 of 9 participants (56%) brought their own tumbler under Peraturan Gubernur Bali "
        "No. 97 Tahun 2018."
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
    assert "sesuai Peraturan Gubernur Bali Nomor 97 Tahun 2018" in narrative(summary, "id")
    object.__setattr__(summary, "checklists", ())
    text = narrative(summary, "id")
    assert "membawa tumbler sendiri." in text and "Peraturan" not in text


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
