"""The agenda page: days and their doors, the completion rule, sessions added, edited,
moved, removed and imported from a spreadsheet; bad input shown beside the form."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.clock import wita
from tests.factories import PEOPLE, make_event, register
from tracker.events.agenda import agenda
from tracker.extensions import db


def _training():
    event = make_event(starts_at=wita(2026, 7, 21, 8), hours=24 + 8)
    register(event, PEOPLE)
    return event


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_sessions_added_edited_moved_and_removed_on_the_page(as_role):
    event = _training()
    page = as_role("organiser")
    base = f"/events/{event.id}/agenda"
    form = {
        "title": "Etika medsos",
        "day": "2026-07-21",
        "starts": "13:00",
        "ends": "14:30",
        "room": "Aula",
        "jp": "2",
        "speakers": "Ni Luh Ariani\nTim indonesia.go.id",
    }

    added = page.post(f"{base}/sessions", data=form)
    refused = page.post(f"{base}/sessions", data={**form, "starts": "15:00", "ends": "14:00"})
    page.post(
        f"{base}/sessions", data={**form, "title": "Canva", "starts": "09:00", "ends": "10:00"}
    )
    shown = page.get(base)

    assert added.status_code == 302
    assert refused.status_code == 422
    assert "Sesi harus selesai setelah dimulai." in refused.get_data(as_text=True)
    html = shown.get_data(as_text=True)
    assert "Etika medsos" in html and "Tim indonesia.go.id" in html and "4 JP" in html
    first, second = agenda(event)
    page.post(f"{base}/sessions/{second.id}/move/up")
    db.session.expire_all()
    assert [s.title for s in agenda(event)] == ["Canva", "Etika medsos"]
    edit = page.get(f"{base}/sessions/{first.id}")
    assert edit.status_code == 200
    page.post(f"{base}/sessions/{first.id}", data={**form, "title": "Etika (revisi)"})
    page.post(f"{base}/sessions/{second.id}/delete")
    db.session.expire_all()
    assert [s.title for s in agenda(event)] == ["Etika (revisi)"]


def test_door_times_and_the_completion_rule(as_role):
    event = _training()
    page = as_role("organiser")
    base = f"/events/{event.id}/agenda"
    saved = page.post(
        f"{base}/days",
        data={
            "opens-2026-07-21": "06:00",
            "closes-2026-07-21": "16:00",
            "opens-2026-07-22": "07:30",
            "closes-2026-07-22": "12:00",
        },
    )
    bad = page.post(
        f"{base}/days",
        data={
            "opens-2026-07-21": "06:00",
            "closes-2026-07-21": "05:00",
            "opens-2026-07-22": "late",
            "closes-2026-07-22": "12:00",
        },
    )
    rule = page.post(f"{base}/completion", data={"rule": "jp_percent", "percent": "75"})
    db.session.expire_all()

    assert saved.status_code == 302
    assert event.day_windows()[1].opens_at == wita(2026, 7, 22, 7, 30)
    assert bad.status_code == 422
    assert rule.status_code == 302
    assert (event.completion_rule, event.completion_percent) == ("jp_percent", 75)
    assert as_role("staff").get(base).status_code == 200
    assert (
        as_role("staff").post(f"{base}/completion", data={"rule": "every_day"}).status_code == 403
    )


def test_the_agenda_imported_from_a_spreadsheet(as_role):
    event = _training()
    page = as_role("organiser")
    good = _xlsx(
        [
            ["JADWAL PELATIHAN"],
            ["No", "Hari", "Waktu", "Materi", "Narasumber", "JP"],
            [1, "Hari 1", "09.00 - 10.30", "Strategi komunikasi", "I Nyoman Arta", 2],
            [
                2,
                "22/07/2026",
                "13.00-15.00",
                "Desain Canva",
                "Tim indonesiabaik.id; Ni Luh Ariani",
                3,
            ],
        ]
    )
    outside = _xlsx(
        [["Tanggal", "Mulai", "Selesai", "Judul"], ["2026-07-30", "09:00", "10:00", "X"]]
    )

    done = page.post(
        f"/events/{event.id}/agenda/import",
        data={"file": (io.BytesIO(good), "jadwal.xlsx")},
        content_type="multipart/form-data",
    )
    refused = page.post(
        f"/events/{event.id}/agenda/import",
        data={"file": (io.BytesIO(outside), "jadwal.xlsx")},
        content_type="multipart/form-data",
    )

    assert done.status_code == 302
    sessions = agenda(event)
    assert [(s.title, s.jp, len(s.speakers)) for s in sessions] == [
        ("Strategi komunikasi", 2, 1),
        ("Desain Canva", 3, 2),
    ]
    assert sessions[1].starts_at == wita(2026, 7, 22, 13)
    assert refused.status_code == 422
    assert "di luar hari kegiatan" in refused.get_data(as_text=True)
    assert len(agenda(event)) == 2  # nothing of the refused file was added


def test_the_event_page_and_the_ticket_show_the_agenda(as_role, client):
    event = _training()
    page = as_role("organiser")
    form = {
        "title": "Desain Canva",
        "day": "2026-07-22",
        "starts": "13:00",
        "ends": "14:30",
        "room": "Aula",
        "jp": "2",
        "speakers": "Tim indonesiabaik.id",
    }
    page.post(f"/events/{event.id}/agenda/sessions", data=form)
    shown = page.get(f"/events/{event.id}").get_data(as_text=True)
    person = event_people(event)[0]
    ticket = client.get(f"/t/{person.ticket_code}").get_data(as_text=True)
    for html in (shown, ticket):
        assert "Desain Canva" in html and "Tim indonesiabaik.id" in html and "2 JP" in html
        assert "13.00" in html or "13:00" in html  # Indonesian writes 13.00


def event_people(event):
    from sqlalchemy import select

    from tracker.events.models import Participant

    return list(db.session.scalars(select(Participant).where(Participant.event_id == event.id)))
