"""A signed certificate carries a trusted time (PAdES B-T) from an RFC 3161 timestamp authority:
a real one over HTTP here, answering as a TSA does (pyHanko's own TSA answers, with a
certificate made in the test), and validated back with pyHanko."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.certificates.helpers import self_signed
from tests.certificates.test_files import _issued, _pkcs12
from tests.messages.conftest import free_port
from tracker.certificates import files, services
from tracker.db import utcnow
from tracker.extensions import db

BASE = "http://localhost"


def _tsa_identity() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA Uji Coba")])
    usage = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING])
    return self_signed(name, [(usage, True)])


class Tsa:
    def __init__(self) -> None:
        cert, key = _tsa_identity()
        self.cert = asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
        der_key = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
        self.stamper = DummyTimeStamper(self.cert, keys.PrivateKeyInfo.load(der_key))
        self.requests = 0


@pytest.fixture
def tsa() -> Iterator[tuple[Tsa, str]]:
    state = Tsa()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server interface
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = state.stamper.request_tsa_response(request).dump()
            state.requests += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_port}/tsa"
    server.shutdown()
    server.server_close()


def _validated(data: bytes, *roots: asn1_x509.Certificate):
    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    context = ValidationContext(trust_roots=list(roots))
    with ThreadPoolExecutor(max_workers=1) as pool:  # pyHanko runs an event loop of its own
        return pool.submit(
            validate_pdf_signature, signature, context, ts_validation_context=context
        ).result()


def _signing_event(clock, users):
    p12, signing_cert = _pkcs12(b"rahasia")
    event, _people, (cert, *_rest) = _issued(clock, users, people=1, checked_in=1)
    register = services.register_for(event, utcnow())
    services.set_signing(register, p12, "rahasia", users.organiser, utcnow())
    db.session.commit()
    return cert, asn1_x509.Certificate.load(signing_cert.public_bytes(Encoding.DER))


def test_a_signed_certificate_carries_the_authoritys_time(clock, users, app, tsa, monkeypatch):
    authority, url = tsa
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", url)
    cert, signer_root = _signing_event(clock, users)
    data = files.render_one(cert, BASE)
    db.session.commit()
    assert authority.requests == 1 and cert.pdf_key
    status = _validated(data, signer_root, authority.cert)
    assert status.intact and status.valid and status.trusted
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    assert abs(stamp.timestamp - utcnow()) < dt.timedelta(minutes=5)


def test_without_the_authority_it_is_signed_now_and_stamped_next_time(
    clock, users, app, tsa, monkeypatch
):
    authority, url = tsa
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", f"http://127.0.0.1:{free_port()}/tsa")
    cert, signer_root = _signing_event(clock, users)
    first = files.render_one(cert, BASE)
    db.session.commit()
    status = _validated(first, signer_root)
    assert status.intact and status.valid and status.timestamp_validity is None
    assert cert.pdf_key == ""  # not kept: signed again, with its time, when asked again
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", url)
    second = files.render_one(cert, BASE)
    db.session.commit()
    assert cert.pdf_key and authority.requests == 1
    assert _validated(second, signer_root, authority.cert).timestamp_validity.valid
