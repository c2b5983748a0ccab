"""The certificate as a person holds it: read back from the PDF (text, and the QR code decoded
from the rendered page), checked on its verification page, signed and validated."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.certificates.helpers import SIGNER, finished_training, self_signed
from tests.checkin.test_tickets import _pdf_qr_codes, _pdf_text
from tracker.certificates import files, services
from tracker.db import utcnow
from tracker.extensions import db

BASE = "http://localhost"


def _issued(clock, users, **kw):
    event, people = finished_training(clock, **kw)
    services.issue_all(event, users.organiser, utcnow())
    db.session.commit()
    return event, people, services.event_certificates(event)


def test_the_pdf_reads_back_and_its_qr_opens_the_verification_page(clock, users, client, tmp_path):
    event, _people, (cert, *_rest) = _issued(clock, users, people=1, checked_in=1)
    data = files.render_one(cert, BASE)
    text = _pdf_text(data)
    assert "SERTIFIKAT" in text and cert.number in text and cert.name in text
    assert "sebagai Peserta" in text and "32 jam pelajaran (JP)" in text
    assert SIGNER["signer_name"] in text and "NIP. " + SIGNER["signer_nip"] in text
    (url,) = _pdf_qr_codes(data, tmp_path)
    assert url == f"{BASE}/v/{cert.code}"
    page = client.get(url.removeprefix(BASE))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-status="valid"' in html
    for fact in (cert.name, event.title, "32", event.organiser_unit, "2026"):
        assert fact in html
    assert cert.agency not in html and cert.number not in html  # nothing else
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_a_revoked_certificate_says_so_and_is_not_handed_out_again(clock, users, client):
    event, people, (cert, *_rest) = _issued(clock, users, people=1, checked_in=1)
    services.revoke(cert, users.organiser, utcnow(), "Titip absen")
    db.session.commit()
    html = client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert 'data-status="revoked"' in html and "Titip absen" not in html
    again = client.get(f"/t/{people[0].ticket_code}/certificate.pdf")
    assert again.status_code == 410
    assert cert.number in again.get_data(as_text=True)


def test_an_unknown_code_is_not_found(client, app):
    assert client.get("/v/not-a-real-code").status_code == 404


def test_the_participant_downloads_theirs_from_the_ticket_link(clock, users, client):
    event, people, _certs = _issued(clock, users, people=2, checked_in=1)
    ticket = client.get(f"/t/{people[0].ticket_code}").get_data(as_text=True)
    assert f"/t/{people[0].ticket_code}/certificate.pdf" in ticket
    answer = client.get(f"/t/{people[0].ticket_code}/certificate.pdf")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    assert client.get(f"/t/{people[1].ticket_code}/certificate.pdf").status_code == 404


def test_all_in_one_pdf_has_a_page_per_valid_certificate(clock, users, tmp_path):
    event, _people, certs = _issued(clock, users, people=3, checked_in=3)
    services.revoke(certs[1], users.organiser, utcnow(), "salah orang")
    db.session.commit()
    data, count = files.all_in_one_pdf(event, BASE)
    from pypdf import PdfReader

    assert count == 2 and len(PdfReader(io.BytesIO(data)).pages) == 2


# --- signing (PAdES), validated with pyHanko -------------------------------------------------


def _pkcs12(password: bytes) -> tuple[bytes, x509.Certificate]:
    """A self-signed signing certificate, made here (as an office's test certificate)."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Kepala Diskominfo Kabupaten Tabanan"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pemerintah Kabupaten Tabanan"),
        ]
    )
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    cert, key = self_signed(
        name, [(x509.BasicConstraints(ca=True, path_length=None), True), (usage, True)]
    )
    data = pkcs12.serialize_key_and_certificates(
        b"tte", key, cert, None, BestAvailableEncryption(password)
    )
    return data, cert


def test_a_signed_certificate_validates(clock, users):
    p12, signing_cert = _pkcs12(b"rahasia")
    event, _people, (cert, *_rest) = _issued(clock, users, people=1, checked_in=1)
    register = services.register_for(event, utcnow())
    services.set_signing(register, p12, "rahasia", users.organiser, utcnow())
    db.session.commit()
    data = files.render_one(cert, BASE)
    db.session.commit()
    assert cert.pdf_key  # kept: every download is the same signed file
    assert files.render_one(cert, BASE) == data
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    trust = asn1_x509.Certificate.load(signing_cert.public_bytes(_der()))
    context = ValidationContext(trust_roots=[trust])
    with ThreadPoolExecutor(max_workers=1) as pool:  # pyHanko runs an event loop of its own
        status = pool.submit(validate_pdf_signature, signature, context).result()
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert "Ditandatangani secara elektronik" in _pdf_text(data)


def test_a_wrong_password_or_a_file_that_is_not_pkcs12_is_refused(clock, users):
    import pytest

    from tracker.errors import ValidationFailed

    p12, _cert = _pkcs12(b"rahasia")
    event, _people, _certs = _issued(clock, users, people=1, checked_in=1)
    register = services.register_for(event, utcnow())
    for data, password in ((p12, "salah"), (b"not a p12", "x")):
        with pytest.raises(ValidationFailed) as caught:
            services.set_signing(register, data, password, users.organiser, utcnow())
        assert "p12" in caught.value.fields


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER
