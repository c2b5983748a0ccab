"""For the scanner's browser tests: a fake camera's video, waiting for answers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import qrcode
from PIL import Image
from sqlalchemy import select

from tracker.checkin.models import CheckIn
from tracker.extensions import db


def checkins_of(participant_id: int) -> list[CheckIn]:
    """The participant's check-in rows as the database holds them now (another thread wrote)."""
    db.session.rollback()  # never read a stale snapshot, never hold SQLite's lock
    rows = list(db.session.scalars(select(CheckIn).where(CheckIn.participant_id == participant_id)))
    db.session.rollback()
    return rows


# --- the fake camera --------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 480


def qr_frame(text: str, width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    """A greyscale frame: the QR of ``text`` drawn large and centred, with a white quiet zone."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # with the border, True is dark
    modules = len(matrix)
    small = Image.new("L", (modules, modules), 255)
    small.putdata([0 if dark else 255 for row in matrix for dark in row])
    scale = (min(width, height) - 20) // modules
    big = small.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(big, ((width - big.width) // 2, (height - big.height) // 2))
    return frame


def write_y4m(path: Path, frame: Image.Image, frames: int = 10, fps: int = 10) -> Path:
    """A Y4M video (4:2:0, grey chroma) repeating one greyscale frame: Chromium's fake camera."""
    width, height = frame.size
    luma = frame.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(luma)
            out.write(chroma)  # U
            out.write(chroma)  # V
    return path


# --- the page ---------------------------------------------------------------------------------


def answer(page: Any, after_nonce: str = "") -> dict[str, str]:
    """Wait for the answer panel to show the answer to a scan newer than ``after_nonce``."""
    page.wait_for_function(
        """(before) => {
            const a = document.getElementById("scan-answer");
            return a.dataset.nonce && a.dataset.nonce !== before
                && !["checking", "idle"].includes(a.dataset.status);
        }""",
        arg=after_nonce,
    )
    panel = page.locator("#scan-answer")
    return {
        "status": panel.get_attribute("data-status") or "",
        "offline": panel.get_attribute("data-offline") or "",
        "nonce": panel.get_attribute("data-nonce") or "",
        "name": page.locator("#answer-name").inner_text(),
        "title": page.locator("#answer-title").inner_text(),
        "detail": page.locator("#answer-detail").inner_text(),
    }


def type_code(page: Any, code: str) -> None:
    """What a handheld scanner does: type into the focused field, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def open_scanner(page: Any, base: str, event_id: int, gate: str = "A") -> None:
    """Open the scanner page, name the gate, and wait until the ticket list is on the device."""
    page.goto(f"{base}/events/{event_id}/scan")
    page.wait_for_selector("#scanner[data-ready='1'][data-list]", state="attached")
    page.click("#gate-chip")  # opens "this device" and puts the cursor in the gate field
    page.fill("#gate-name", gate)
    page.locator("#scan-code").focus()


def iso_utc(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def watch_errors(page: Any) -> list[str]:
    """Script errors and console errors (a CSP refusal is one) of the page, as they happen.

    A request that fails because the test took the device offline is the browser's note, not an
    error of the page: the scanner's background refresh may be under way at that moment."""
    errors: list[str] = []

    def on_console(msg: Any) -> None:
        where = (msg.location or {}).get("url", "")
        if msg.type != "error" or where.endswith("/favicon.ico"):  # the app has no icon
            return
        if "net::ERR_INTERNET_DISCONNECTED" not in msg.text:
            errors.append(f"console: {msg.text} ({where})")

    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", on_console)
    return errors
