"""Signatures drawn at check-in: checked and re-encoded, kept per person and day, taken on the
door page and from the scanner (API), printed on the daftar hadir, erased with the person."""

from __future__ import annotations

import base64
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import select

from tests.checkin.test_door import _open_door, _walk_in
from tests.factories import open_event
from tracker.checkin import services
from tracker.checkin.models import CheckIn, Signature
from tracker.checkin.signatures import read_signature, save_signature
from tracker.db import utcnow
from tracker.errors import Conflict, ValidationFailed
from tracker.events.models import Participant
from tracker.extensions import db
from tracker.privacy.services import anonymise


def drawn(fmt: str = "PNG", size=(600, 200), ink: bool = True, mode: str = "RGBA") -> bytes:
    """A pad's picture: a dark stroke on a transparent (or white) background."""
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else "white")
    if ink:
        ImageDraw.Draw(image).line([(40, 150), (200, 40), (330, 160), (560, 50)], "black", 6)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def data_url(raw: bytes, kind: str = "png") -> str:
    return f"data:image/{kind};base64," + base64.b64encode(raw).decode()


@pytest.fixture
def signing(app, users):
    event, people = open_event()
    event.ask_signature = True
    db.session.commit()
    return event, people


def _scan(event, person, nonce=None, code=None, at=None):
    scan = services.ScanInput(code=code or person.ticket_code, gate="A", nonce=nonce, scanned_at=at)
    services.check_in(event, scan, None, utcnow())
    db.session.commit()


# --- checking what was sent ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_drawn_signature_is_kept_as_a_small_png_of_its_ink(fmt):
    mode = "RGBA" if fmt != "JPEG" else "RGB"
    png = read_signature(data_url(drawn(fmt, mode=mode), fmt.lower()))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.mode == "L"
    assert image.width <= 600 and image.height <= 200
    assert image.getpixel((0, 0)) > 200  # on white, not on a black (once transparent) ground
    assert len(png) < 20_000


@pytest.mark.parametrize(
    "sent",
    [
        "not a data url",
        "data:image/png;base64,",
        "data:image/png;base64,@@@@",
        "data:text/html;base64," + base64.b64encode(b"<script>").decode(),
        data_url(b"GIF89a not really"),
        data_url(b"%PDF-1.4 a pdf"),
        data_url(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "svg+xml"),
        b"\x89PNG\r\n\x1a\n truncated",
    ],
)
def test_what_is_not_an_image_is_refused_with_a_clear_message(sent):
    with pytest.raises(ValidationFailed) as refused:
        read_signature(sent)
    assert "not an image" in refused.value.fields["signature"]


def test_an_empty_pad_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        read_signature(data_url(drawn(ink=False)))
    assert "empty" in refused.value.message


def test_a_huge_picture_is_refused_before_it_is_decoded():
    with pytest.raises(ValidationFailed):
        read_signature(drawn(size=(5000, 5000)))
    with pytest.raises(ValidationFailed) as refused:
        read_signature(b"\x89PNG" + b"0" * 600_000)
    assert "too large" in refused.value.message


def test_one_signature_per_person_and_day_the_latest_kept(signing):
    event, (wayan, *_rest) = signing
    with pytest.raises(Conflict):  # not checked in yet
        save_signature(event, wayan.id, read_signature(drawn()), "scanner", utcnow())
    _scan(event, wayan)
    first = save_signature(event, wayan.id, read_signature(drawn()), "scanner", utcnow())
    again = save_signature(
        event, wayan.id, read_signature(drawn("JPEG", mode="RGB")), "door", utcnow()
    )
    db.session.commit()
    assert first.id == again.id and again.method == "door"
    assert db.session.query(Signature).count() == 1


# --- the door page ------------------------------------------------------------------------


def _door_check_in(client, event, who, **extra):
    page, door_pass = _open_door(client, event)
    data = {"door_pass": door_pass, "who": who, "tumbler": "yes", **extra}
    return page, client.post(f"/door/{event.id}/checkin", data=data)


def test_the_door_page_shows_the_pad_when_the_event_asks(signing, client):
    event, _people = signing
    page, _answer = _door_check_in(client, event, "nobody@example.org")
    assert 'id="signature-pad"' in page and "js/signature-door.js" in page
    event.ask_signature = False
    db.session.commit()
    page, _door_pass = _open_door(client, event)
    assert "signature-pad" not in page and "<script" not in page


def test_the_door_keeps_the_signature_with_the_check_in(signing, client):
    event, (wayan, *_rest) = signing
    _page, answer = _door_check_in(
        client, event, "0812-3000-4000", signature=data_url(drawn()), pad="1"
    )
    assert 'data-status="checked_in"' in answer.get_data(as_text=True)
    signature = db.session.scalar(select(Signature))
    assert (signature.participant_id, signature.method) == (wayan.id, "door")


def test_a_signature_that_is_not_an_image_checks_nobody_in(signing, client):
    event, _people = signing
    _page, answer = _door_check_in(
        client, event, "0812-3000-4000", signature="data:image/png;base64,AAAA", pad="1"
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="signature-error"' in html and "bukan gambar" in html
    assert 'value="0812-3000-4000"' in html  # what they typed is still there
    assert db.session.query(CheckIn).count() == 0 and db.session.query(Signature).count() == 0


def test_a_shown_pad_left_empty_is_asked_for_without_a_pad_the_list_is_signed_by_hand(
    signing, client
):
    event, _people = signing
    _page, answer = _door_check_in(client, event, "0812-3000-4000", pad="1")
    assert answer.status_code == 422 and db.session.query(CheckIn).count() == 0
    _page, answer = _door_check_in(client, event, "0812-3000-4000")  # no JavaScript
    assert 'data-status="checked_in"' in answer.get_data(as_text=True)
    assert db.session.query(Signature).count() == 0


def test_a_walk_in_signs_in_the_registration_form(signing, client):
    event, _people = signing
    event.allow_walk_ins = True
    db.session.commit()
    page, _door_pass = _open_door(client, event)
    assert 'id="w-signature-pad"' in page and 'data-signature="w-signature"' in page
    answer = _walk_in(client, event, signature=data_url(drawn()), pad="1")
    assert 'data-status="checked_in"' in answer.get_data(as_text=True)
    komang = db.session.scalar(select(Participant).where(Participant.source == "walk_in"))
    signature = db.session.scalar(select(Signature))
    assert (signature.participant_id, signature.method) == (komang.id, "door")
    assert signature.day.isoformat() == "2026-07-21"


def test_a_walk_ins_bad_signature_registers_nobody(signing, client):
    event, _people = signing
    event.allow_walk_ins = True
    db.session.commit()
    answer = _walk_in(client, event, signature="data:image/png;base64,AAAA", pad="1")
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="w-signature-error"' in html and "bukan gambar" in html
    assert 'value="Komang Ayu Lestari"' in html  # what they typed is still there
    empty = _walk_in(client, event, pad="1")  # the pad shown, nothing drawn
    assert empty.status_code == 422 and 'id="w-signature-error"' in empty.get_data(as_text=True)
    assert db.session.scalar(select(Participant).where(Participant.source == "walk_in")) is None
    assert db.session.query(CheckIn).count() == 0
    # Without JavaScript there is no pad: registered, to sign the printed list.
    plain = _walk_in(client, event)
    assert 'data-status="checked_in"' in plain.get_data(as_text=True)
    assert db.session.query(Signature).count() == 0


# --- the scanner's API ----------------------------------------------------------------------


def test_the_scanner_sends_the_signature_after_the_check_in(signing, api):
    event, (wayan, luh, _made) = signing
    url = f"/api/v1/events/{event.id}/signatures"
    staff = api("staff")
    early = staff.post(url, json={"participant_id": wayan.id, "image": data_url(drawn())})
    assert early.status_code == 409
    _scan(event, wayan)
    kept = staff.post(url, json={"participant_id": wayan.id, "image": data_url(drawn())})
    assert kept.status_code == 201 and kept.get_json()["day"] == "2026-07-21"
    bad = staff.post(url, json={"participant_id": wayan.id, "image": "data:image/png;base64,AA"})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]["signature"]
    assert staff.post(url, json={"participant_id": 999999, "image": "x"}).status_code == 404
    assert staff.post(url, json={"participant_id": wayan.id}).status_code == 422
    assert api(None).post(url, json={"participant_id": luh.id, "image": "x"}).status_code == 401


def test_a_queued_signature_goes_with_its_scans_nonce_and_is_kept_once(signing, api):
    """The offline scanner's queue: the scan first, then its signature naming the scan's
    nonce; a retry of the upload (the answer lost) neither fails nor adds a second one."""
    event, (wayan, _luh, _made) = signing
    url = f"/api/v1/events/{event.id}/signatures"
    staff = api("staff")
    body = {"participant_id": wayan.id, "image": data_url(drawn()), "nonce": "scan-1"}
    assert staff.post(url, json=body).status_code == 409  # the scan has not arrived yet
    assert db.session.query(Signature).count() == 0
    _scan(event, wayan, nonce="scan-1", at=utcnow() - timedelta(minutes=10))
    first = staff.post(url, json=body)
    again = staff.post(url, json=body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.get_json() == again.get_json()
    assert first.get_json()["day"] == "2026-07-21"
    (signature,) = db.session.scalars(select(Signature))
    assert (signature.participant_id, signature.method) == (wayan.id, "scanner")
    # Signed when the person was scanned, not when the phone found the network again.
    assert signature.signed_at == _checked_in_at(wayan)


def _checked_in_at(person):
    return db.session.scalar(
        select(CheckIn.checked_in_at).where(CheckIn.participant_id == person.id)
    )


def test_a_refused_scans_signature_is_attached_to_nobody(signing, api):
    event, (wayan, luh, _made) = signing
    url = f"/api/v1/events/{event.id}/signatures"
    staff = api("staff")
    _scan(event, wayan, nonce="bad-1", code="not-a-ticket-code")  # answered "invalid"
    _scan(event, luh, nonce="luh-1")
    refused = staff.post(
        url, json={"participant_id": wayan.id, "image": data_url(drawn()), "nonce": "bad-1"}
    )
    assert refused.status_code == 409
    # Luh's scan, with Wayan's id: not Wayan's signature either.
    other = staff.post(
        url, json={"participant_id": wayan.id, "image": data_url(drawn()), "nonce": "luh-1"}
    )
    assert other.status_code == 409
    not_image = staff.post(
        url, json={"participant_id": luh.id, "image": "data:image/png;base64,AA", "nonce": "luh-1"}
    )
    assert not_image.status_code == 422
    assert not_image.get_json()["error"]["fields"]["signature"]
    assert db.session.query(Signature).count() == 0


def test_a_queued_signature_of_an_undone_check_in_is_refused(signing, api, users):
    event, (wayan, *_rest) = signing
    _scan(event, wayan, nonce="scan-1")
    services.undo_check_in(event, wayan.id, None, utcnow())
    db.session.commit()
    answer = api("staff").post(
        f"/api/v1/events/{event.id}/signatures",
        json={"participant_id": wayan.id, "image": data_url(drawn()), "nonce": "scan-1"},
    )
    assert answer.status_code == 409
    assert db.session.query(Signature).count() == 0


def test_an_earlier_signature_arriving_late_leaves_the_newer_one(signing, api):
    """Signed offline on the scanner at 08:50, again on the door page at 09:00; the scanner's
    queue syncs at 09:05: the door's signature, the newer, is the one on the list."""
    event, (wayan, *_rest) = signing
    _scan(event, wayan, nonce="scan-1", at=utcnow() - timedelta(minutes=10))
    newer = read_signature(drawn("JPEG", mode="RGB"))
    save_signature(event, wayan.id, newer, "door", utcnow())
    db.session.commit()
    answer = api("staff").post(
        f"/api/v1/events/{event.id}/signatures",
        json={"participant_id": wayan.id, "image": data_url(drawn()), "nonce": "scan-1"},
    )
    assert answer.status_code == 201
    (signature,) = db.session.scalars(select(Signature))
    assert (signature.png, signature.method) == (newer, "door")


def test_the_scanner_page_knows_the_event_asks(signing, as_role):
    event, _people = signing
    html = as_role("staff").get(f"/events/{event.id}/scan").get_data(as_text=True)
    assert 'id="signature-dialog"' in html
    assert re.search(r'"signature": \{"ask": true, "url": "/api/v1/events/\d+/signatures"\}', html)


# --- on the daftar hadir, and erased with the person ----------------------------------------


def test_the_signature_is_printed_on_the_persons_row(signing, as_role):
    event, (wayan, _luh, made) = signing
    for person in (wayan, made):
        _scan(event, person)
    png = read_signature(drawn())
    save_signature(event, wayan.id, png, "door", utcnow())
    db.session.commit()
    client = as_role("organiser")
    pdf = client.get(f"/events/{event.id}/daftar-hadir/1/participant.pdf").data
    (image,) = [img for page in PdfReader(io.BytesIO(pdf)).pages for img in page.images]
    assert image.image.size == Image.open(io.BytesIO(png)).size  # Wayan's; Made signs by hand
    answer = client.get(f"/events/{event.id}/daftar-hadir/1/participant.xlsx")
    sheet = load_workbook(io.BytesIO(answer.data)).active
    (picture,) = sheet._images
    row = picture.anchor._from.row + 1
    assert sheet.cell(row, 2).value == "I Wayan Sudarsana"
    assert picture.anchor._from.col == 7  # the column "Tanda tangan"


def test_signatures_are_erased_with_the_persons_data(signing):
    event, (wayan, *_rest) = signing
    _scan(event, wayan)
    save_signature(event, wayan.id, read_signature(drawn()), "door", utcnow())
    db.session.commit()
    anonymise([wayan], utcnow())
    db.session.commit()
    assert db.session.query(Signature).count() == 0
