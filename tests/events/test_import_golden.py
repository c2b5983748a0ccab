"""A 2,000-row list as an office makes it, imported through the organiser's pages, gives the
participants, the refused rows and the duplicates recorded in tests/data/import_golden.json.

The record was made before the import was made faster (bench/FINDINGS.md, "The 20,000-row
import's CPU"); the reader, the checks and the insert may change how they work, not what they
give. ``GOLDEN_WRITE=1`` writes the record again (read the diff before committing it).
"""

from __future__ import annotations

import io
import json
import os
import random
from pathlib import Path

from sqlalchemy import select

from tests.conftest import log_in
from tests.events.office_files import HEADINGS, SIGNATURE, TITLES, SheetSpec, excel_xlsx
from tests.factories import make_event
from tracker.events.models import Participant
from tracker.events.roster_import import get_pending, plan_pending
from tracker.extensions import db

GOLDEN = Path(__file__).parent.parent / "data" / "import_golden.json"
PEOPLE = 2_000
AGENCIES = ["Dinas Kesehatan Kabupaten Tabanan", "Bappeda Kabupaten Tabanan", "BPBD Tabanan"]


def _phone(rng: random.Random, i: int) -> object:
    """Phone numbers as offices have them: numbers (the 0 lost), floats, text in every
    spelling, landlines, and some that cannot be read."""
    digits = f"8{rng.choice('1235789')}{i:09d}"[:11]
    return rng.choice(
        [
            int(digits),
            float("62" + digits),
            "0" + digits[:3] + "-" + digits[3:7] + "-" + digits[7:],
            "+62 " + digits,
            "0361 " + f"{i % 1000000:06d}",
            "6,28123E+12",
            "0800 123",
            None,
            "",
        ]
    )


def _email(rng: random.Random, i: int) -> object:
    return rng.choice(
        [f"peserta{i}@tabanankab.go.id", f" Peserta{i}@Gmail.com ", None, "bukan-email", ""]
    )


def _people(rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(1, PEOPLE + 1):
        if i % 400 == 1:
            rows.append([None, f"{'ABCDE'[i // 400]}. {rng.choice(['NARASUMBER', 'PESERTA'])}"])
        if i % 97 == 0:
            rows.append([])
        twin = i - 1 if i % 53 == 0 else i  # the same phone and e-mail as the row above
        own = random.Random(twin)
        name = rng.choice(["Ni Made Ari", "I Nyoman Arta", "Kadek Dwi", ""]) + f" {i}"
        rows.append(
            [
                i,
                name if i % 211 else f"{name}, NIP. 19700101 199003 1 005",
                float(19850312201001100 + i) if i % 3 == 0 else None,
                "Tabanan, 12 Juli 1985" if i % 5 == 0 else None,
                rng.choice(AGENCIES) if i % 7 else None,
                rng.choice(["Kepala Seksi", "Staf", "Perencana Ahli Muda", "x" * 201]),
                _phone(own, twin),
                _email(own, twin),
                None,
            ]
        )
    return rows


def roster_file() -> bytes:
    rows = TITLES + HEADINGS + _people(random.Random(2026)) + SIGNATURE
    merges = ["A1:I1", "A2:I2", "A3:I3", "G5:H5"] + [f"{column}5:{column}6" for column in "ABCDEFI"]
    merges += [f"E{n}:E{n + 1}" for n in range(40, 40 + 2 * 30, 2)]  # agencies merged down
    return excel_xlsx(SheetSpec("Daftar Peserta", rows, merges, bordered=9))


def _outcome(event_id: int, preview: dict[str, object]) -> dict[str, object]:
    people = db.session.execute(
        select(
            Participant.name,
            Participant.agency,
            Participant.position,
            Participant.category,
            Participant.email,
            Participant.phone,
        )
        .where(Participant.event_id == event_id)
        .order_by(Participant.name, Participant.email, Participant.phone)
    )
    return {**preview, "participants": [list(person) for person in people]}


def _one_item_a_line(outcome: dict[str, object]) -> str:
    """JSON with one row a line, so a change to the record reads as a short diff."""
    lists = (
        f"{json.dumps(key)}: [\n" + ",\n".join(json.dumps(x, ensure_ascii=False) for x in items)
        for key, items in outcome.items()
    )
    return "{\n" + "\n],\n".join(lists) + "\n]\n}\n"


def test_a_long_office_list_imports_as_recorded(client, users):
    event = make_event()
    log_in(client, users.organiser)
    staged = client.post(
        f"/events/{event.id}/participants/import",
        data={"file": (io.BytesIO(roster_file()), "daftar_peserta.xlsx")},
        content_type="multipart/form-data",
    )
    assert staged.status_code == 302
    preview_url = staged.headers["Location"]
    assert client.get(preview_url).status_code == 200
    pending = get_pending(event, int(preview_url.rstrip("/").rsplit("/", 1)[-1]), users.organiser)
    plan = plan_pending(event, pending, users.organiser)
    preview = {
        "errors": [[p.row, p.message] for p in plan.errors],
        "duplicates": [[p.row, p.message, p.duplicate_of] for p in plan.duplicates],
        "notes": [note for sheet in plan.sheets for note in sheet.notes],
    }
    assert client.post(preview_url).status_code == 302
    outcome = _outcome(event.id, preview)
    if os.environ.get("GOLDEN_WRITE"):
        GOLDEN.write_text(_one_item_a_line(outcome))
    recorded = json.loads(GOLDEN.read_text())
    assert len(outcome["participants"]) == len(recorded["participants"]) > 500
    for key in ("errors", "duplicates", "notes", "participants"):
        assert outcome[key] == recorded[key], key
