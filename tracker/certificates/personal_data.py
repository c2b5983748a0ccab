"""What the certificates hold about a person, for the personal-data duties (UU PDP).

A certificate is the office's record that a person earned training hours (JP), which they may
need years later, so the retention purge keeps it. An erasure request is different: the person
asks to be forgotten, so their certificates are withdrawn (revoked, so the verification page no
longer vouches for a name), the name and agency printed on them are erased and the stored PDFs
deleted. The number stays taken: a register never reuses a number.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.certificates.models import Certificate, CertificateBundle
from tracker.certificates.services import revoke
from tracker.events.models import Participant
from tracker.extensions import db
from tracker.storage import get_storage

#: A bundle of all certificates (one PDF or ZIP) is a copy made for one download: kept a day.
BUNDLE_LIFETIME = timedelta(days=1)


def certificates_of(person: Participant) -> list[dict[str, Any]]:
    """The person's certificates, for their access request."""
    query = select(Certificate).where(Certificate.participant_id == person.id)
    return [
        {
            "number": cert.number,
            "name": cert.name,
            "agency": cert.agency,
            "jp": str(cert.jp),
            "issued_at": cert.issued_at.isoformat(),
            "revoked_at": cert.revoked_at.isoformat() if cert.revoked_at else None,
        }
        for cert in db.session.scalars(query.order_by(Certificate.id))
    ]


def withdraw_for_erasure(person: Participant, actor: Any, now: datetime) -> int:
    """Revoke the person's certificates and erase what they say of the person; returns how
    many certificates were touched."""
    certs = list(
        db.session.scalars(select(Certificate).where(Certificate.participant_id == person.id))
    )
    for cert in certs:
        if cert.revoked_at is None:
            revoke(cert, actor, now, _("Withdrawn at the person's request (erasure)."))
        if cert.pdf_key:
            get_storage().delete(cert.pdf_key)
        cert.name, cert.agency, cert.pdf_key = f"#{cert.id}", "", ""
    db.session.flush()
    return len(certs)


def discard_old_bundles(now: datetime) -> int:
    """Delete the bundles made more than a day ago, and their files; returns how many."""
    old = list(
        db.session.scalars(
            select(CertificateBundle).where(CertificateBundle.requested_at < now - BUNDLE_LIFETIME)
        )
    )
    for bundle in old:
        if bundle.storage_key:
            get_storage().delete(bundle.storage_key)
        db.session.delete(bundle)
    db.session.flush()
    return len(old)
