"""One event with everything a summary reports, built through the features' own services:
participants from four agencies, check-ins with tumbler yes / no / unknown at known times, a
walk-in, absentees, the Pergub Bali 97/2018 checklist answered (one item not compliant, with
its note and photo) and signed off, waste weighed and refill water entered.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from PIL import Image

from tests.factories import WITA, make_event
from tracker.checkin.self_checkin import register_walk_in
from tracker.checkin.services import ScanInput, check_in
from tracker.compliance import measurements
from tracker.compliance.evidence import add_photo
from tracker.compliance.models import EventChecklist, ItemStatus
from tracker.compliance.services import (
    answer_item,
    attach_template,
    load_builtin_templates,
    sign_off,
)
from tracker.db import utcnow
from tracker.events.models import Event, Participant
from tracker.events.registration import ParticipantInput, register_participants
from tracker.extensions import db
from tracker.storage import get_storage

TITLE = "Pelatihan Pengelolaan Media Sosial"
UNIT = "Diskominfo Kabupaten Tabanan"
AGENCIES = [
    "Dinas Kesehatan Kabupaten Tabanan",
    "Dinas Pariwisata Kabupaten Tabanan",
    "Bappeda Kabupaten Tabanan",
    "RSUD Tabanan",
]
TOPICS = [
    "Strategi komunikasi pemerintah di era digital",
    "Desain visual media sosial menggunakan Canva",
    "Pengenalan keamanan digital",
]
SPEAKERS = ["I Nyoman Arta Sukma Witra", "Ni Made Ari Widayani"]
#: A name a spreadsheet would run as a formula, and one outside ASCII.
FORMULA_NAME = '=HYPERLINK("http://evil.example","klik")'
UNICODE_NAME = "Ni Luh Ayu Śrī Dewi"


@dataclass
class Built:
    event: Event
    people: list[Participant]
    checklist: EventChecklist
    #: What the test expects, counted by hand from what was built.
    registered: int
    checked_in: int
    walk_ins: int
    tumbler_yes: int
    tumbler_no: int
    tumbler_unknown: int
    agencies_reached: int


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def people_inputs(count: int) -> list[ParticipantInput]:
    inputs = [
        ParticipantInput(
            name=f"Peserta {i:03d}",
            agency=AGENCIES[i % len(AGENCIES)],
            position="Pranata Humas",
            category="speaker" if i == 0 else "participant",
            email=f"peserta{i}@tabanankab.go.id",
        )
        for i in range(count)
    ]
    inputs[1].name = FORMULA_NAME
    inputs[2].name = UNICODE_NAME
    return inputs


def build_event(organiser, staff, *, now: datetime | None = None) -> Built:
    """12 registered (+1 walk-in); 9 checked in: tumbler 5 yes, 2 no, 2 unknown; 4 absent."""
    now = now or utcnow()
    start = now.astimezone(WITA).replace(second=0, microsecond=0) - timedelta(hours=1)
    event = make_event(
        organiser,
        starts_at=start,
        title=TITLE,
        organiser_unit=UNIT,
        topics=TOPICS,
        speakers=SPEAKERS,
        livestream_url="https://www.youtube.com/@diskominfotabanan",
        allow_walk_ins=True,
        expected_participants=40,
    )
    people = register_participants(event, people_inputs(12), now, source="test")
    answers = [True, True, True, True, False, False, None, None]
    for index, (person, answer) in enumerate(zip(people, answers, strict=False)):
        scan = ScanInput(
            participant_id=person.id,
            brought_tumbler=answer,
            method="manual",
            gate="Pintu A",
            scanned_at=now - timedelta(minutes=40 - 3 * index),
        )
        check_in(event, scan, staff, now)
    walk_in = ParticipantInput(
        name="Made Walk-in", agency="Dinas Pariwisata Kabupaten Tabanan", phone="081299990000"
    )
    register_walk_in(event, walk_in, True, now)
    checklist = answer_checklist(event, staff, now)
    measurements.record_waste(event, "organic", "4,2", staff, now)
    measurements.record_waste(event, "inorganic", "1.1", staff, now)
    measurements.record_waste(event, "residue", "0.3", staff, now)
    measurements.update_settings(event, staff, now, refill_litres="40")
    db.session.commit()
    return Built(
        event=event,
        people=people,
        checklist=checklist,
        registered=13,
        checked_in=9,
        walk_ins=1,
        tumbler_yes=5,
        tumbler_no=2,
        tumbler_unknown=2,
        agencies_reached=4,
    )


def answer_checklist(event: Event, staff, now: datetime) -> EventChecklist:
    """Pergub 97/2018: every item compliant but the straws (with note and photo); signed off."""
    load_builtin_templates(now)
    checklist = attach_template(event, "pergub-bali-97-2018", staff, now)
    for item in checklist.items:
        if "sedotan" in item.template_item.text_id:
            add_photo(item, jpeg(), staff, now, get_storage())
            answer_item(
                item,
                {"status": ItemStatus.NON_COMPLIANT.value, "note": "Katering memakai sedotan"},
                staff,
                now,
            )
        else:
            answer_item(item, {"status": ItemStatus.COMPLIANT.value}, staff, now)
    sign_off(checklist, "I Nyoman Arta Sukma Witra", "Kepala Bidang PISKP", staff, now)
    return checklist


def bare_event(organiser) -> Event:
    """An event with no venue, no topics, no speakers, no check-ins, no checklist."""
    return make_event(organiser, venue=None, title="Rapat Koordinasi", status="closed")
