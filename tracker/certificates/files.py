"""Certificates as files: one person's PDF (signed when the office has a signing certificate),
all of an event's as one PDF or a ZIP (made on the worker), and the design's preview image.

The words come from the design, in the certificate's language; the links from the site's
address (a request's, or the one a bundle was asked from: the worker has no request).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from flask import current_app
from sqlalchemy import select, tuple_

from tracker.certificates import numbers, pdf, services, signing, texts
from tracker.certificates.models import Certificate, CertificateDesign, CertificateRegister
from tracker.db import utcnow
from tracker.events.models import Event
from tracker.extensions import db
from tracker.i18n import zone
from tracker.placeholders import fill
from tracker.storage import get_storage

#: Pages rendered per batch when all of an event's certificates go into one file: the rows
#: are read a batch at a time, so 2,000 certificates never sit in memory as ORM objects.
BATCH = 500


def verify_path(code: str) -> str:
    return f"/v/{code}"


def certificate_path(ticket_code: str) -> str:
    """Where a participant downloads theirs: beside their ticket."""
    return f"/t/{ticket_code}/certificate.pdf"


def event_dates(event: Event, language: str) -> str:
    tz = zone(event.timezone)
    first, last = event.starts_at.astimezone(tz).date(), event.ends_at.astimezone(tz).date()
    return texts.date_range(first, last, language)


def _image(key: str) -> bytes | None:
    if not key:
        return None
    try:
        return get_storage().open(key)
    except KeyError:
        return None  # a lost upload: the certificate is printed without it


def layout_for(
    event: Event,
    design: CertificateDesign,
    signed: bool = False,
    logo: bytes | None = None,
    background: bytes | None = None,
) -> pdf.Layout:
    words = texts.WORDS[design.language]
    return pdf.Layout(
        title=design.title,
        organiser=event.organiser_unit,
        number_label=words["number"],
        given_to=words["given_to"],
        place=design.place,
        signer_position=design.signer_position,
        signer_name=design.signer_name,
        nip_label=words["nip"],
        signer_nip=design.signer_nip,
        verify_label=words["verify"],
        signed_note=words["signed"] if signed else "",
        logo=logo if logo is not None else _image(design.logo_key),
        background=background if background is not None else _image(design.background_key),
    )


def face_for(
    event: Event, design: CertificateDesign, cert: Certificate, base_url: str, dates: str
) -> pdf.Face:
    language = design.language
    values = {
        "name": cert.name,
        "agency": cert.agency,
        "role": texts.role(cert.category, language),
        "event": event.title,
        "dates": dates,
        "jp": texts.jp_text(cert.jp, language),
        "organiser": event.organiser_unit,
    }
    issued = cert.issued_at.astimezone(zone(event.timezone)).date()
    return pdf.Face(
        number=cert.number,
        name=cert.name,
        agency=cert.agency,
        body=fill(services.body_for(design, cert.category), values),
        date=texts.long_date(issued, language),
        verify_url=base_url + verify_path(cert.code),
    )


def _register(event: Event) -> CertificateRegister | None:
    return db.session.get(CertificateRegister, services.register_for(event, utcnow()).id)


#: The last signer loaded, by (register, when it changed): a worker signing a whole event
#: opens the PKCS#12 once, not once per certificate.
_SIGNERS: dict[tuple[int, object], object] = {}


def _signer(register: CertificateRegister | None) -> object | None:
    if register is None or not register.signing_p12:
        return None
    key = (register.id, register.updated_at)
    if key not in _SIGNERS:
        secret = current_app.config["SECRET_KEY"]
        data = signing.unseal(register.signing_p12, secret)
        password = signing.unseal(register.signing_password or b"", secret).decode()
        _SIGNERS.clear()
        _SIGNERS[key] = signing.load_signer(data, password)
    return _SIGNERS[key]


def render_one(cert: Certificate, base_url: str) -> bytes:
    """The certificate's PDF as the person downloads it; signed (and then kept, so that every
    download is the same signed file) when the office has a signing certificate. The caller
    commits (``pdf_key`` may be set)."""
    if cert.pdf_key:
        try:
            return get_storage().open(cert.pdf_key)
        except KeyError:
            cert.pdf_key = ""
    event = cert.event
    design = services.design_for(event)
    signer = _signer(_register(event))
    layout = layout_for(event, design, signed=signer is not None)
    face = face_for(event, design, cert, base_url, event_dates(event, design.language))
    data = pdf.certificates_pdf(layout, [face], title=f"{design.title} {cert.number}")
    if signer is None:
        return data
    words = texts.WORDS[design.language]
    tsa_url = current_app.config.get("SIGNING_TSA_URL", "")
    signed, timestamped = signing.sign_pdf(
        data,
        signer,  # type: ignore[arg-type]
        words["signed"],
        design.place,
        tsa_url,
    )
    if timestamped or not tsa_url:
        # Kept, so that every download is the same file; one signed while the timestamp
        # authority was away is handed out but signed again (with its time) next time.
        cert.pdf_key = get_storage().save(signed, "application/pdf")
        db.session.flush()
    return signed


def _valid_in_batches(event: Event) -> Iterator[Certificate]:
    last = (-1, -1)
    while True:
        query = (
            select(Certificate)
            .where(
                Certificate.event_id == event.id,
                Certificate.revoked_at.is_(None),
                tuple_(Certificate.year, Certificate.seq) > last,
            )
            .order_by(Certificate.year, Certificate.seq)
            .limit(BATCH)
        )
        batch = list(db.session.scalars(query))
        if not batch:
            return
        yield from batch
        last = (batch[-1].year, batch[-1].seq)
        db.session.expunge_all()  # what was drawn is not kept


def all_in_one_pdf(event: Event, base_url: str) -> tuple[bytes, int]:
    """Every valid certificate of the event, one per page, in number order (for printing:
    not signed; the ZIP holds the signed files). Returns the PDF and the count."""
    design = services.design_for(event)
    layout = layout_for(event, design)
    dates = event_dates(event, design.language)
    count = 0

    def faces() -> Iterator[pdf.Face]:
        nonlocal count
        for cert in _valid_in_batches(event):
            count += 1
            yield face_for(event, design, cert, base_url, dates)

    title = f"{design.title} · {event.title}"
    return pdf.certificates_pdf(layout, faces(), title=title), count


def _file_name(cert: Certificate) -> str:
    safe = re.sub(r"[^A-Za-z0-9]+", "-", f"{cert.number}-{cert.name}").strip("-")
    return f"{safe[:100] or cert.id}.pdf"


def all_in_zip(event: Event, base_url: str) -> tuple[bytes, int]:
    """Every valid certificate as its own PDF (signed when the office signs), in a ZIP."""
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ids = [c.id for c in services.event_certificates(event, valid_only=True)]
        for cert_id in ids:
            cert = db.session.get(Certificate, cert_id)
            archive.writestr(_file_name(cert), render_one(cert, base_url))
            count += 1
    return buffer.getvalue(), count


def preview_png(
    event: Event, design: CertificateDesign, logo: bytes | None, background: bytes | None
) -> bytes:
    """The design as a picture (a page rendered by PDFium), for a sample person."""
    sample = Certificate(
        name="Ni Luh Putu Ariani, S.Kom.",
        agency="Dinas Pariwisata Kabupaten Tabanan",
        category="participant",
        number=_sample_number(event),
        code="contoh",
        jp=design.jp or 0,
        issued_at=event.ends_at,
    )
    layout = layout_for(event, design, logo=logo, background=background)
    face = face_for(event, design, sample, "https://…", event_dates(event, design.language))
    # Imported here: only the design's preview needs PDFium, and the web worker should not
    # hold it from its start (README, gunicorn settings).
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf.certificates_pdf(layout, [face]))
    try:
        image = document[0].render(scale=1.25).to_pil()
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()


def _sample_number(event: Event) -> str:
    register = services.register_for(event, utcnow())
    local = utcnow().astimezone(zone(event.timezone))
    return numbers.format_number(register.pattern, 1, local.year, local.month)
