"""Events that have ended, with people checked in, and a saved certificate design."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.factories import add_people, make_event
from tests.messages.helpers import check_in_now
from tracker.certificates import services
from tracker.db import utcnow
from tracker.extensions import db

SIGNER = {
    "signer_name": "I Gede Made Artawan, S.Sos., M.Si.",
    "signer_position": "Kepala Dinas Komunikasi dan Informatika Kabupaten Tabanan",
    "signer_nip": "197501012000031001",
}


def design(event, **overrides) -> None:
    data = services.DesignInput(
        title="SERTIFIKAT",
        body=services.default_design(event).body,
        jp="32",
        place="Tabanan",
        **{**SIGNER, **overrides},
    )
    services.save_design(event, data, None, utcnow())
    db.session.commit()


def finished_training(clock, people: int = 4, checked_in: int = 3, **event_fields):
    """A training that started an hour ago and ends in six (checked in now); the clock is then
    moved past its end. Returns (event, participants)."""
    event = make_event(**event_fields)
    registered = add_people(event, people)
    for person in registered[:checked_in]:
        check_in_now(event, person)
    design(event)
    clock.shift(timedelta(hours=6, minutes=1))
    return event, registered


def self_signed(
    name: x509.Name, extensions: list[tuple[x509.ExtensionType, bool]]
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A self-signed RSA certificate made here (an office's test signing certificate, a test
    timestamp authority), valid from a year ago for ten years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))
        .not_valid_after(now + dt.timedelta(days=3650))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(key, hashes.SHA256()), key
