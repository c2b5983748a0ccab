"""The organiser's pages: event form, participant form, and the import with its preview."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import log_in
from tests.events.office_files import daftar_peserta, excel_xlsx
from tests.factories import add_people, make_event
from tracker.events.models import Event, Participant, ParticipantImport
from tracker.extensions import db

DATA = Path(__file__).parent.parent / "data"

EVENT_FORM = {
    "title": "Pelatihan Pengelolaan Media Sosial",
    "organiser_unit": "Diskominfo Kab. Tabanan",
    "starts_at": "2025-07-22T09:00",
    "ends_at": "2025-07-22T15:00",
    "timezone": "Asia/Makassar",
    "venue_id": "0",
    "new_venue_name": "Kantor Diskominfo Tabanan",
    "new_venue_room": "Ruang Rapat",
    "topics": "Strategi komunikasi\r\nDesain visual dengan Canva\r\n",
    "speakers": "",
    "status": "open",
    "expected_participants": "40",
}


def _count(event_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Participant.event_id == event_id))


def test_organiser_creates_an_event_in_local_time(client, users):
    log_in(client, users.organiser)
    response = client.post("/events/new", data=EVENT_FORM)
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(2025, 7, 22, 1, 0, tzinfo=UTC)
    assert event.topics == ["Strategi komunikasi", "Desain visual dengan Canva"]
    assert event.venue.room == "Ruang Rapat"
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "09.00" in page or "09:00" in page  # shown in WITA, not UTC
    assert "WITA" in page


def test_the_edit_form_shows_local_times(client, users):
    event = make_event(starts_at=datetime(2025, 7, 22, 1, 0, tzinfo=UTC))
    log_in(client, users.organiser)
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="2025-07-22T09:00"' in page


def test_an_invalid_event_form_shows_errors_and_saves_nothing(client, users):
    log_in(client, users.organiser)
    response = client.post("/events/new", data={**EVENT_FORM, "ends_at": "2025-07-22T08:00"})
    assert response.status_code == 200
    assert b'role="alert"' in response.data
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_a_bad_date_is_a_form_error(client, users):
    log_in(client, users.organiser)
    response = client.post("/events/new", data={**EVENT_FORM, "starts_at": "kemarin"})
    assert response.status_code == 200 and b'aria-invalid="true"' in response.data


def test_add_participant_with_errors_then_fixed(client, users):
    event = make_event()
    log_in(client, users.organiser)
    url = f"/events/{event.id}/participants/new"
    person = {
        "name": "Ni Made Ari Widayani",
        "agency": "Dinas Kesehatan",
        "category": "participant",
        "phone": "0812",
        "legal_basis": "public_service",
    }
    bad = client.post(url, data=person)
    assert bad.status_code == 200 and b'id="phone-error"' in bad.data
    assert _count(event.id) == 0
    good = client.post(url, data={**person, "phone": "0812-3456-7890"})
    assert good.status_code == 302
    duplicate = client.post(url, data={**person, "name": "Ari", "phone": "+62 812 3456 7890"})
    assert duplicate.status_code == 200 and _count(event.id) == 1


def test_staff_see_participants_without_contacts(client, users):
    event = make_event()
    add_people(event, 2)
    log_in(client, users.staff)
    page = client.get(f"/events/{event.id}/participants").get_data(as_text=True)
    assert "Peserta 000" in page and "@tabanankab.go.id" not in page


def test_import_preview_then_confirm(client, users):
    event = make_event()
    log_in(client, users.organiser)
    with (DATA / "peserta_rusak.xlsx").open("rb") as handle:
        response = client.post(
            f"/events/{event.id}/participants/import",
            data={"file": (handle, "peserta_rusak.xlsx")},
            content_type="multipart/form-data",
        )
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert _count(event.id) == 0  # the preview saves nothing
    to_create = int(re.search(r"<strong>(\d+)</strong>", page).group(1))
    assert to_create > 0
    confirmed = client.post(preview_url)
    assert confirmed.status_code == 302
    assert _count(event.id) == to_create
    assert db.session.scalar(select(func.count()).select_from(ParticipantImport)) == 0


def test_import_of_a_non_spreadsheet_is_a_form_error(client, users):
    event = make_event()
    log_in(client, users.organiser)
    with (DATA / "bukan_spreadsheet.xlsx").open("rb") as handle:
        response = client.post(
            f"/events/{event.id}/participants/import",
            data={"file": (handle, "bukan_spreadsheet.xlsx")},
            content_type="multipart/form-data",
        )
    assert response.status_code == 200 and b'id="file-error"' in response.data


def test_another_organisers_pending_import_is_not_visible(client, users):
    event = make_event()
    pending = ParticipantImport(
        event_id=event.id, user_id=users.admin.id, filename="x.csv", content=b"Nama\nA\n"
    )
    db.session.add(pending)
    db.session.commit()
    log_in(client, users.organiser)
    assert client.get(f"/events/{event.id}/participants/import/{pending.id}").status_code == 404


def _new_event_form(client) -> dict[str, str]:
    page = client.get("/events/new").get_data(as_text=True)
    key = re.search(r'name="submission" type="hidden" value="([^"]+)"', page)
    assert key, "the new-event form carries its one-time key"
    return {**EVENT_FORM, "submission": key.group(1)}


def test_posting_the_new_event_form_twice_makes_one_event(client, users):
    log_in(client, users.organiser)
    form = _new_event_form(client)
    first = client.post("/events/new", data=form)
    again = client.post("/events/new", data=form)  # a double click, or the browser resending

    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    another = client.post("/events/new", data=_new_event_form(client))  # a new form: a new event
    assert another.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Event)) == 2


def test_two_posts_of_one_form_at_the_same_moment_make_one_event(app, users):
    import threading

    clients = [app.test_client() for _ in range(4)]
    for each in clients:
        log_in(each, users.organiser)
    form = _new_event_form(clients[0])
    barrier = threading.Barrier(len(clients))
    answers: list[object] = [None] * len(clients)

    def post(index: int) -> None:
        barrier.wait(timeout=10)
        answers[index] = clients[index].post("/events/new", data=form).headers.get("Location")

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    event_id = db.session.scalar(select(Event.id))
    assert answers == [f"/events/{event_id}"] * len(clients)


def _stage(client, event, name: str, data: bytes) -> str:
    response = client.post(
        f"/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_the_preview_lists_every_column_and_how_the_file_was_read(client, users):
    event = make_event()
    log_in(client, users.organiser)
    page = client.get(_stage(client, event, "daftar.xlsx", excel_xlsx(daftar_peserta())))
    text = page.get_data(as_text=True)
    for heading in ("Tempat, Tanggal Lahir", "Kontak No. HP (WA)", "Tanda Tangan", "NIP"):
        assert f'-heading">{heading}</td>' in text
    assert "Mengetahui," in text  # the note on where the list ends
    assert _count(event.id) == 0


def test_an_upload_whose_rows_cannot_be_read_is_dropped_at_its_preview(client, users):
    """The upload only opens the file and finds its headings; the preview reads the rows and,
    when they cannot be read (here: more than the limit), says so on the upload page."""
    event = make_event()
    log_in(client, users.organiser)
    data = b"Nama\n" + b"Ni Made\n" * 50_001  # under 500 kB: the test client keeps it in memory
    preview = _stage(client, event, "peserta.csv", data)

    answer = client.get(preview, follow_redirects=True)

    assert answer.request.path == f"/events/{event.id}/participants/import"
    assert "50000" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ParticipantImport)) == 0


def test_the_event_page_offers_the_semicolon_ticket_links_for_excel(client, users):
    event = make_event(users.organiser)
    log_in(client, users.organiser)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    link = f"/events/{event.id}/ticket-links.csv?sep=semicolon"
    assert f'href="{link}"' in page and "Excel" in page
    first = client.get(link).get_data(as_text=True).splitlines()[0]
    assert ";" in first and "," not in first.replace(", ", "")


def test_a_name_longer_than_the_limit_is_refused_with_a_message_not_cut(client, users):
    """The browser is not told a maxlength (it would cut a pasted name in silence); the form
    refuses the long name and says why, and nothing is saved."""
    event = make_event()
    log_in(client, users.organiser)
    url = f"/events/{event.id}/participants/new"
    page = client.get(url).get_data(as_text=True)
    name_input = re.search(r'<input[^>]*id="name"[^>]*>', page).group(0)
    assert "maxlength" not in name_input
    person = {
        "name": "Ni Made " + "Ari " * 60,
        "agency": "Dinas",
        "category": "participant",
        "email": "ari@tabanankab.go.id",
        "legal_basis": "public_service",
    }
    refused = client.post(url, data=person)
    assert refused.status_code == 200 and b'id="name-error"' in refused.data
    assert "200" in re.search(
        r'id="name-error"[^>]*>([^<]*)<', refused.get_data(as_text=True)
    ).group(1)
    assert _count(event.id) == 0
