"""The import's column-mapping step (issue 11, point 3): a column that is not recognised is
listed, the organiser assigns any column to a field, and the next file with the same headings
is read the same way.

The files are made as an office makes them, with openpyxl: a title row merged over the table,
headings the reader does not know ("Peserta", "Asal Kecamatan", "Kontak"), a "No" column and
phone numbers typed as numbers.
"""

from __future__ import annotations

import io
import json
import re

from openpyxl import Workbook
from sqlalchemy import func, select

from tests.conftest import log_in
from tests.factories import make_event
from tracker.events.models import ColumnAssignment, Participant
from tracker.extensions import db

HEADINGS = ["No", "Peserta", "Instansi/OPD", "Asal Kecamatan", "No. HP (WA)", "NIK"]


def office_list(people: list[tuple[str, str, str, int]]) -> bytes:
    """A list with a merged title, the headings in row 3, numbers typed as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Daftar Hadir"
    sheet.append(["DAFTAR HADIR RAPAT KOORDINASI PENGELOLAAN SAMPAH"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(HEADINGS)
    for number, (name, agency, district, phone) in enumerate(people, start=1):
        sheet.append([number, name, agency, district, phone, 5102010101900001 + number])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FIRST = [
    ("Ni Made Ari Widayani", "Dinas Kesehatan", "Kediri", 81234567890),
    ("I Nyoman Arta", "Bappeda", "Tabanan", 81338765432),
]
SECOND = [("Kadek Dwi Ananta", "BPBD", "Marga", 81239001234)]
#: The choices for the list above: Peserta is the name, Asal Kecamatan is not imported.
CHOICES = {"column-0-1": "name", "column-0-2": "agency", "column-0-3": "", "column-0-4": "phone"}


def upload(client, event, data: bytes) -> str:
    response = client.post(
        f"/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(data), "daftar_hadir.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def to_create(page: str) -> int:
    return int(re.search(r"<strong>(\d+)</strong>", page).group(1))


def _count(event) -> int:
    return db.session.scalar(select(func.count()).where(Participant.event_id == event.id))


def test_an_unrecognised_name_column_is_assigned_and_remembered(client, users):
    event = make_event()
    log_in(client, users.organiser)

    preview = upload(client, event, office_list(FIRST))  # kept, though no name was recognised
    page = client.get(preview).get_data(as_text=True)
    assert "Peserta" in page and "Asal Kecamatan" in page  # listed, not dropped
    assert 'role="alert"' in page and to_create(page) == 0
    assert 'name="column-0-1"' in page
    assert 'name="column-0-5"' not in page  # the NIK column has no choice

    applied = client.post(preview.rstrip("/") + "/columns", data=CHOICES)
    assert applied.status_code == 302
    page = client.get(preview).get_data(as_text=True)
    assert to_create(page) == 2 and "+6281234567890" in page and "Kediri" not in page

    # The next file with the same headings is read the same way at once.
    second = upload(client, event, office_list(SECOND))
    page = client.get(second).get_data(as_text=True)
    assert to_create(page) == 1 and "Kadek Dwi Ananta" in page
    assert client.post(second).status_code == 302
    assert _count(event) == 1


def test_another_organisers_choices_do_not_apply(client, users):
    event = make_event()
    log_in(client, users.organiser)
    client.post(upload(client, event, office_list(FIRST)) + "/columns", data=CHOICES)

    log_in(client, users.admin)
    page = client.get(upload(client, event, office_list(SECOND))).get_data(as_text=True)

    assert to_create(page) == 0 and 'role="alert"' in page


def test_two_columns_for_one_field_are_refused_with_their_letters(client, users):
    event = make_event()
    log_in(client, users.organiser)
    preview = upload(client, event, office_list(FIRST))

    answer = client.post(
        preview + "/columns", data={**CHOICES, "column-0-3": "agency"}, follow_redirects=True
    )

    assert "C, D" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ColumnAssignment)) == 0


def test_a_national_id_column_cannot_be_assigned(client, users):
    event = make_event()
    log_in(client, users.organiser)
    preview = upload(client, event, office_list(FIRST))

    client.post(preview + "/columns", data={**CHOICES, "column-0-1": "", "column-0-5": "name"})
    page = client.get(preview).get_data(as_text=True)

    assert to_create(page) == 0  # no name column: the NIK column was not taken as one
    assert "5102010101900002" not in page
    assert db.session.scalar(select(func.count()).select_from(ColumnAssignment)) == 0


def test_a_field_that_does_not_exist_is_refused(client, users):
    event = make_event()
    log_in(client, users.organiser)
    preview = upload(client, event, office_list(FIRST))

    client.post(preview + "/columns", data={**CHOICES, "column-0-3": "nik"})

    assert db.session.scalar(select(func.count()).select_from(ColumnAssignment)) == 0


def test_read_by_the_headings_again(client, users):
    event = make_event()
    log_in(client, users.organiser)
    preview = upload(client, event, office_list(FIRST))
    client.post(preview + "/columns", data=CHOICES)
    assert to_create(client.get(preview).get_data(as_text=True)) == 2

    client.post(preview + "/columns", data={"by_headings": "1"})

    assert to_create(client.get(preview).get_data(as_text=True)) == 0
    assert db.session.scalar(select(func.count()).select_from(ColumnAssignment)) == 0


def test_a_recognised_column_can_be_left_out(client, users):
    event = make_event()
    log_in(client, users.organiser)
    data = office_list(FIRST)
    preview = upload(client, event, data)
    client.post(preview + "/columns", data={**CHOICES, "column-0-4": ""})

    assert client.post(preview).status_code == 302
    phones = db.session.scalars(select(Participant.phone).where(Participant.event_id == event.id))
    assert list(phones) == [None, None]


# --- the API ------------------------------------------------------------------------------


def _post(client, event, data: bytes, **fields):
    return client.post(
        f"/api/v1/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(data), "daftar_hadir.xlsx"), **fields},
        content_type="multipart/form-data",
    )


def test_the_api_takes_columns_by_heading_row_key(api):
    event = make_event()
    client = api("organiser")
    refused = _post(client, event, office_list(FIRST), dry_run="1")
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert "Peserta" in error["unknown_columns"]
    [heading_row] = error["heading_rows"]
    assert heading_row["rows"] == [3]

    # The NIK column (F) is never read, whatever the columns say.
    columns = json.dumps(
        {heading_row["key"]: {"B": "name", "C": "agency", "E": "phone", "F": "name"}}
    )
    answer = _post(client, event, office_list(FIRST), columns=columns).get_json()

    assert answer["created"] == 2
    read = {c["heading"]: (c["field"], c["assigned"]) for c in answer["columns"]}
    assert read["Peserta"] == ("name", True) and read["NIK"] == (None, False)
    assert _count(event) == 2


def test_the_api_refuses_columns_that_are_not_json_of_fields(api):
    event = make_event()
    client = api("organiser")
    for bad in ("[", '["name"]', '{"k": {"B": "nik"}}', '{"k": {"B2": "name"}}'):
        answer = _post(client, event, office_list(FIRST), columns=bad)
        assert answer.status_code == 422
        assert "columns" in answer.get_json()["error"]["fields"]
