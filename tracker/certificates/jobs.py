"""The certificates' jobs on the worker: sign what was issued (when the office signs), and make
all of an event's certificates into one PDF or a ZIP."""

from __future__ import annotations

import logging

from sqlalchemy import select

from tracker.certificates import files
from tracker.certificates.models import Certificate, CertificateBundle
from tracker.db import begin_write, utcnow
from tracker.extensions import db
from tracker.jobs import JobQueue
from tracker.storage import get_storage

BUNDLE = "certificates.bundle"
SIGN = "certificates.sign"
log = logging.getLogger(__name__)


def make_bundle(bundle_id: int) -> None:
    """Render the bundle and keep it; a failure is written on the bundle, with its reason.

    A ZIP may sign certificates not signed yet, which writes: it takes the write lock first
    (SQLite cannot turn a reading transaction into a writing one while others write)."""
    bundle = db.session.get(CertificateBundle, bundle_id)
    if bundle is None or bundle.status != "queued":
        return
    zipped = bundle.format == "zip"
    if zipped:
        db.session.rollback()
        begin_write()
        bundle = db.session.get(CertificateBundle, bundle_id)
    make = files.all_in_zip if zipped else files.all_in_one_pdf
    try:
        data, count = make(bundle.event, bundle.base_url)
        key = get_storage().save(data, "application/zip" if zipped else "application/pdf")
    except Exception as exc:  # noqa: BLE001 - any failure is shown to the organiser
        log.exception("certificate bundle %s failed", bundle_id)
        db.session.rollback()
        _finish(bundle_id, status="failed", error=str(exc)[:480] or type(exc).__name__)
        return
    if not zipped:
        db.session.rollback()  # the PDF only read; the bundle's row is written alone
    _finish(bundle_id, status="ready", storage_key=key, count=count)


def _finish(bundle_id: int, **values: object) -> None:
    begin_write()
    bundle = db.session.get(CertificateBundle, bundle_id)
    for name, value in values.items():
        setattr(bundle, name, value)
    bundle.finished_at = utcnow()
    db.session.commit()


def sign_issued(event_id: int, base_url: str) -> None:
    """Render and sign each valid certificate of the event not signed yet (one commit each)."""
    ids = db.session.scalars(
        select(Certificate.id).where(
            Certificate.event_id == event_id,
            Certificate.revoked_at.is_(None),
            Certificate.pdf_key == "",
        )
    ).all()
    db.session.rollback()
    for cert_id in ids:
        begin_write()
        cert = db.session.get(Certificate, cert_id)
        files.render_one(cert, base_url)
        db.session.commit()


def register_certificate_jobs(queue: JobQueue) -> None:
    queue.add(BUNDLE, make_bundle)
    queue.add(SIGN, sign_issued)
