"""Door devices: paired by a QR on the organiser's screen, limited to scanning one event.

Services flush; the caller commits. Pairing and revoking are audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from tracker import audit
from tracker.auth.models import DeviceAccount, DoorDevice, Principal
from tracker.extensions import db

#: How long the QR on the organiser's screen may be scanned; it works once.
PAIRING_TTL = timedelta(minutes=10)
#: The cookie that carries a paired device's secret.
DEVICE_COOKIE = "tracker_door_device"
#: A device's last use is written at most this often.
LAST_USED_RESOLUTION = timedelta(minutes=5)
LABEL_MAX = 64


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_pairing(
    event_id: int, label: str, expires_at: datetime, actor: Principal, now: datetime
) -> tuple[DoorDevice, str]:
    """A device waiting to be paired, and the one-time code its QR carries."""
    code = secrets.token_urlsafe(24)
    device = DoorDevice(
        event_id=event_id,
        label=" ".join((label or "").split())[:LABEL_MAX],
        pairing_hash=_hash(code),
        paired_by_id=actor.id,
        created_at=now,
        expires_at=expires_at,
    )
    db.session.add(device)
    db.session.flush()
    audit.record(
        "device.pairing",
        now=now,
        actor=actor,
        event_id=event_id,
        subject_type="device",
        subject_id=device.id,
        details={"label": device.label, "expires_at": expires_at.isoformat()},
    )
    return device, code


def pair(code: str, now: datetime) -> tuple[DoorDevice, str] | None:
    """Pair the device that opened the QR: its secret (for the cookie), once; None when the
    code is unknown, used, older than PAIRING_TTL, revoked or past the device's expiry."""
    if not code or len(code) > 64:
        return None
    device = db.session.scalar(select(DoorDevice).where(DoorDevice.pairing_hash == _hash(code)))
    if device is None or device.revoked_at is not None or device.paired_at is not None:
        return None
    if now - device.created_at > PAIRING_TTL or now >= device.expires_at:
        return None
    token = secrets.token_urlsafe(32)
    device.pairing_hash, device.token_hash, device.paired_at = None, _hash(token), now
    db.session.flush()
    audit.record(
        "device.pair",
        now=now,
        actor_label=f"device {device.label}",
        event_id=device.event_id,
        subject_type="device",
        subject_id=device.id,
    )
    return device, token


_D = DoorDevice.__table__.c
#: Built once, plain columns: every request of a device runs it.
_LIVE = select(_D.id, _D.event_id, _D.label, _D.paired_by_id, _D.last_used_at).where(
    _D.token_hash == bindparam("token_hash"),
    _D.revoked_at.is_(None),
    _D.expires_at > bindparam("now"),
)


def live_device(token: str, now: datetime) -> tuple[DeviceAccount, datetime | None] | None:
    """The account a live device's secret stands for, and its last use; None when unknown,
    revoked or expired."""
    if not token or len(token) > 64:
        return None
    row = db.session.connection().execute(_LIVE, {"token_hash": _hash(token), "now": now}).first()
    if row is None:
        return None
    device_id, event_id, label, paired_by, last_used = row
    name = f"device {label or device_id}"
    return DeviceAccount(paired_by, f"{name} (#{device_id})", name, device_id, event_id), last_used


def due(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at > LAST_USED_RESOLUTION


def note_device_use(device_id: int, now: datetime) -> None:
    db.session.execute(
        update(DoorDevice.__table__).where(_D.id == device_id).values(last_used_at=now)
    )


def devices_of(event_id: int) -> list[DoorDevice]:
    """The event's devices, newest first (paired, waiting, revoked and expired alike)."""
    query = (
        select(DoorDevice)
        .where(DoorDevice.event_id == event_id)
        .order_by(DoorDevice.created_at.desc(), DoorDevice.id.desc())
    )
    return list(db.session.scalars(query))


def get_device(event_id: int, device_id: int) -> DoorDevice | None:
    device = db.session.get(DoorDevice, device_id)
    return device if device is not None and device.event_id == event_id else None


def revoke(device: DoorDevice, actor: Principal, now: datetime) -> None:
    """The device stops working at once (its next request is refused)."""
    if device.revoked_at is None:
        device.revoked_at = now
        device.pairing_hash = None
        db.session.flush()
        audit.record(
            "device.revoke",
            now=now,
            actor=actor,
            event_id=device.event_id,
            subject_type="device",
            subject_id=device.id,
            details={"label": device.label},
        )
