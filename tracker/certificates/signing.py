"""Signing certificates (PAdES, with pyHanko) when the office has a signing certificate, and
keeping that PKCS#12 safe at rest.

The office uploads its PKCS#12 file (the certificate and private key, e.g. from its TTE
provider, or a test one) with its password. Both are stored encrypted (Fernet, with a key
derived from SECRET_KEY by HKDF), so a copy of the database alone cannot sign; changing
SECRET_KEY means uploading the file again. The signature is PAdES baseline B, which a PDF
reader shows as signed by the certificate's holder and unaltered since; with a timestamp
authority configured (RFC 3161, ``SIGNING_TSA_URL``) it is baseline B-T, whose signing time is
vouched for by the authority rather than by the signer's clock. No Flask here.

pyHanko (with aiohttp for the timestamp authority) and cryptography's PKCS#12 are imported
inside the functions that use them: they weigh about 35 MB, and a web worker that never signs
(signing runs on the job worker) should not hold them (README, gunicorn settings).
"""

from __future__ import annotations

import asyncio
import base64
import io
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

if TYPE_CHECKING:
    from pyhanko.sign import signers

#: The space kept in the PDF for the CMS signature: the certificate and its chain fit
#: (a chain of three RSA-4096 certificates is about 6 KB).
SIGNATURE_BYTES = 16_384
#: More room for the authority's timestamp token, which carries the authority's certificates.
TIMESTAMP_BYTES = 16_384
#: Seconds to wait for the timestamp authority before signing without its time.
TSA_TIMEOUT = 10
#: After the authority failed, signing goes on without it for this many seconds rather than
#: waiting on it for every certificate (a worker signing 2,000 would wait 10 s each).
TSA_PAUSE = 300
_tsa_paused_until: dict[str, float] = {}


class SigningError(ValueError):
    """The PKCS#12 cannot sign: ``str()`` says why (for the person who uploaded it)."""


def _box(secret_key: str) -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tracker signing p12")
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(secret_key.encode())))


def seal(data: bytes, secret_key: str) -> bytes:
    return _box(secret_key).encrypt(data)


def unseal(token: bytes, secret_key: str) -> bytes:
    """Raises SigningError when SECRET_KEY changed since the file was stored."""
    try:
        return _box(secret_key).decrypt(token)
    except InvalidToken:
        raise SigningError("stored with another SECRET_KEY: upload the PKCS#12 again") from None


@dataclass(frozen=True)
class SigningIdentity:
    subject: str
    not_after: datetime


def inspect_pkcs12(data: bytes, password: str, now: datetime) -> SigningIdentity:
    """Who the PKCS#12 names. Raises SigningError for a wrong password, a file that is not a
    PKCS#12, one without a key or certificate, or a certificate not valid now."""
    from cryptography.hazmat.primitives.serialization import pkcs12  # lazy: module doc

    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(data, password.encode() or None)
    except (ValueError, TypeError):
        raise SigningError("not a PKCS#12 file, or the password is wrong") from None
    if key is None or cert is None:
        raise SigningError("the file holds no certificate with its private key")
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise SigningError("the certificate is not valid today")
    return SigningIdentity(cert.subject.rfc4514_string()[:300], cert.not_valid_after_utc)


def load_signer(data: bytes, password: str) -> signers.SimpleSigner:
    """Raises SigningError when pyHanko cannot use the file."""
    from pyhanko.sign import signers  # lazy: module doc

    signer = signers.SimpleSigner.load_pkcs12_data(data, (), passphrase=password.encode() or None)
    if signer is None:
        raise SigningError("not a PKCS#12 file, or the password is wrong")
    return signer


def sign_pdf(
    pdf: bytes, signer: signers.SimpleSigner, reason: str, location: str, tsa_url: str = ""
) -> tuple[bytes, bool]:
    """The PDF with a PAdES signature over all of it (an incremental update), and whether the
    signature carries the timestamp authority's time. When the authority at ``tsa_url`` does
    not answer, the PDF is signed without a timestamp (False): the caller may keep it or try
    again later.

    pyHanko's synchronous API runs its own event loop, which Python refuses inside a thread
    where one is running already (an async server, a browser-driving test): then it signs in
    a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _sign_timestamped(pdf, signer, reason, location, tsa_url)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_sign_timestamped, pdf, signer, reason, location, tsa_url).result()


def _sign_timestamped(
    pdf: bytes, signer: signers.SimpleSigner, reason: str, location: str, tsa_url: str
) -> tuple[bytes, bool]:
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError  # lazy: module doc

    if tsa_url and _tsa_paused_until.get(tsa_url, 0.0) <= time.monotonic():
        try:
            return _sign(pdf, signer, reason, location, tsa_url), True
        except TimestampRequestError:
            _tsa_paused_until[tsa_url] = time.monotonic() + TSA_PAUSE
    return _sign(pdf, signer, reason, location, ""), False


def _sign(
    pdf: bytes, signer: signers.SimpleSigner, reason: str, location: str, tsa_url: str
) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # lazy: module doc
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    meta = signers.PdfSignatureMetadata(
        field_name="Signature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    timestamper = HTTPTimeStamper(tsa_url, timeout=TSA_TIMEOUT) if tsa_url else None
    # Room for the signature set aside up front: otherwise pyHanko signs once more only to
    # measure the signature's size (half of the time per certificate).
    reserved = SIGNATURE_BYTES + (TIMESTAMP_BYTES if timestamper else 0)
    out = signers.sign_pdf(
        writer, meta, signer=signer, timestamper=timestamper, bytes_reserved=reserved
    )
    return out.getvalue()
