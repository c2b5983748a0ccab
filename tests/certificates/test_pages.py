"""The certificate pages: the design with its preview, issuing in one click, overrides and
revoking, the office's register, and all certificates as one file made on the worker."""

from __future__ import annotations

import io
import zipfile

from PIL import Image
from sqlalchemy import select

from tests.certificates.helpers import finished_training
from tests.factories import add_people, make_event
from tracker.audit import AuditEntry
from tracker.certificates import services
from tracker.certificates.models import CertificateBundle, CertificateDesign
from tracker.extensions import db


def _design_form(**overrides):
    data = {
        "language": "id",
        "title": "SERTIFIKAT",
        "body": "Atas partisipasinya sebagai {role} dalam {event} ({jp} JP).",
        "speaker_body": "",
        "committee_body": "",
        "jp": "24,5",
        "place": "Tabanan",
        "signer_position": "Kepala Dinas",
        "signer_name": "I Gede Artawan",
        "signer_nip": "197501012000031001",
    }
    data.update(overrides)
    return data


def _png(color=(30, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), color).save(out, "PNG")
    return out.getvalue()


def test_saving_the_design_with_a_logo(as_role):
    event = make_event()
    data = _design_form()
    data["logo"] = (io.BytesIO(_png()), "logo.png")
    answer = as_role("organiser").post(
        f"/events/{event.id}/certificates/design", data=data, content_type="multipart/form-data"
    )
    assert answer.status_code == 302
    design = db.session.scalar(select(CertificateDesign))
    assert str(design.jp) == "24.5" and design.logo_key


def test_a_placeholder_that_does_not_exist_or_a_bad_image_is_refused(as_role):
    event = make_event()
    client = as_role("organiser")
    page = client.post(f"/events/{event.id}/certificates/design", data=_design_form(body="{nama}"))
    assert page.status_code == 200 and "{nama}" in page.get_data(as_text=True)
    data = _design_form()
    data["background"] = (io.BytesIO(b"MZ not an image"), "bg.jpg")
    page = client.post(
        f"/events/{event.id}/certificates/design", data=data, content_type="multipart/form-data"
    )
    assert page.status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(CertificateDesign)) == 0


def test_the_live_preview_is_a_picture_of_the_page(as_role):
    event = make_event()
    answer = as_role("organiser").post(
        f"/events/{event.id}/certificates/preview.png", data=_design_form(title="PIAGAM")
    )
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    with Image.open(io.BytesIO(answer.data)) as image:
        assert image.width > image.height  # A4 landscape


def test_one_click_issues_to_everyone_who_completed(as_role, clock):
    event, people = finished_training(clock, people=3, checked_in=2)
    client = as_role("organiser")
    page = client.get(f"/events/{event.id}/certificates").get_data(as_text=True)
    assert "(2)" in page
    assert client.post(f"/events/{event.id}/certificates/issue").status_code == 302
    assert len(services.event_certificates(event)) == 2
    client.post(f"/events/{event.id}/certificates/issue")
    assert len(services.event_certificates(event)) == 2
    # The one who did not come: only with a reason.
    client.post(f"/events/{event.id}/certificates/people/{people[2].id}/issue", data={"reason": ""})
    assert len(services.event_certificates(event)) == 2
    client.post(
        f"/events/{event.id}/certificates/people/{people[2].id}/issue",
        data={"reason": "Narasumber pengganti, hadir tanpa tiket"},
    )
    assert len(services.event_certificates(event)) == 3


def test_revoking_from_the_page(as_role, clock):
    event, _people = finished_training(clock, people=1, checked_in=1)
    client = as_role("organiser")
    client.post(f"/events/{event.id}/certificates/issue")
    (cert,) = services.event_certificates(event)
    client.post(f"/events/{event.id}/certificates/{cert.id}/revoke", data={"reason": "Data keliru"})
    db.session.refresh(cert)
    assert cert.revoked_reason == "Data keliru"
    assert client.get(f"/events/{event.id}/certificates/{cert.id}.pdf").status_code == 410


def test_the_register_pattern_is_checked(as_role, app):
    event = make_event()
    client = as_role("organiser")
    bad = client.post(f"/events/{event.id}/certificates/register", data={"pattern": "SERT/{year}"})
    assert bad.status_code == 200 and "{seq}" in bad.get_data(as_text=True)
    good = client.post(
        f"/events/{event.id}/certificates/register",
        data={"pattern": "{seq:03}/SERT/DISKOMINFO-TBN/{year}"},
    )
    assert good.status_code == 302


def test_all_certificates_as_one_pdf_and_a_zip_made_on_the_worker(as_role, clock, jobs):
    event, _people = finished_training(clock, people=3, checked_in=3)
    client = as_role("organiser")
    client.post(f"/events/{event.id}/certificates/issue")
    for fmt in ("pdf", "zip"):
        client.post(f"/events/{event.id}/certificates/bundles", data={"format": fmt})
    jobs.run_pending()
    db.session.commit()
    bundles = {b.format: b for b in db.session.scalars(select(CertificateBundle))}
    assert {b.status for b in bundles.values()} == {"ready"}
    pdf = client.get(f"/events/{event.id}/certificates/bundles/{bundles['pdf'].id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    archive = client.get(f"/events/{event.id}/certificates/bundles/{bundles['zip'].id}")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zipped:
        assert len(zipped.namelist()) == 3
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"export.certificates_pdf", "export.certificates_zip"} <= actions


def test_staff_may_not_issue(as_role, clock):
    event = make_event()
    add_people(event, 1)
    assert as_role("staff").get(f"/events/{event.id}/certificates").status_code == 403
