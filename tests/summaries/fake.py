"""A Summary built by hand, without a database or an app: for the pure renderers' tests.

It also shows what a benchmark needs to time a renderer alone: ``fake_summary(n)`` and
``fake_rows(n)`` give an event of n participants, all figures consistent with each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from tracker.checkin.attendance import Attendance, Split
from tracker.compliance.services import Score
from tracker.summaries.data import (
    AttendanceRow,
    ChecklistFacts,
    EventFacts,
    ItemFacts,
    Summary,
    WasteRow,
)
from tracker.summaries.sustainability import (
    BottlesAvoided,
    Sustainability,
    TumblerFigures,
    WasteFigures,
)

START = datetime(2025, 7, 22, 1, 0, tzinfo=UTC)  # Tuesday 22 July 2025, 09:00 WITA
AGENCIES = ["Dinas Kesehatan Kabupaten Tabanan", "Dinas Pariwisata Kabupaten Tabanan", ""]


def _answer(i: int) -> bool | None:
    return [True, True, False, None][i % 4]


def fake_rows(n: int, *, present_only: bool = False) -> Iterator[AttendanceRow]:
    """n registered; every fifth did not come; tumbler yes, yes, no, unknown in turn."""
    number = 0
    for i in range(n):
        present = i % 5 != 4
        if present_only and not present:
            continue
        number += 1
        yield AttendanceRow(
            number=number,
            name=f"Peserta {i:05d}",
            agency=AGENCIES[i % 3],
            position="Pranata Humas",
            category="participant",
            checked_in_at=START - timedelta(minutes=30) + timedelta(seconds=i) if present else None,
            method="scanner" if present else "",
            gate="A" if present else "",
            tumbler=_answer(i) if present else None,
            participant_id=i + 1,
        )


def fake_summary(n: int = 10, *, title: str = "Pelatihan Pengelolaan Media Sosial") -> Summary:
    rows = list(fake_rows(n))
    present = [r for r in rows if r.checked_in_at is not None]
    yes = sum(r.tumbler is True for r in present)
    no = sum(r.tumbler is False for r in present)
    unknown = len(present) - yes - no
    by_agency: dict[str, Split] = {}
    for r in rows:
        split = by_agency.setdefault(r.agency, Split())
        split.registered += 1
        split.checked_in += r.checked_in_at is not None
    score = Score(6, 1, 0, 0, (), ())
    item = ItemFacts(
        1,
        1,
        "Tidak ada sedotan plastik",
        "No plastic straws",
        "P97",
        True,
        "yes_no",
        "",
        "non_compliant",
        "",
        "Ada sedotan",
    )
    checklist = ChecklistFacts(
        id=1,
        template_key="pergub-bali-97-2018",
        title="Pembatasan Timbulan Sampah Plastik",
        title_en="Limiting single-use plastic",
        version=1,
        basis_label="Peraturan Gubernur Bali No. 97 Tahun 2018",
        basis_regulation="Peraturan Gubernur Bali",
        basis_number="97",
        basis_year=2018,
        basis_url="",
        score=score,
        items=(item,),
    )
    return Summary(
        event=EventFacts(
            id=1,
            title=title,
            organiser_unit="Diskominfo Kabupaten Tabanan",
            description="",
            starts_at=START,
            ends_at=START + timedelta(hours=7),
            timezone="Asia/Makassar",
            zone_label="WITA",
            venue_name="Kantor Diskominfo Tabanan",
            venue_room="Ruang Rapat",
            topics=("Strategi komunikasi", "Desain visual"),
            speakers=("I Nyoman Arta",),
        ),
        attendance=Attendance(
            registered=len(rows),
            checked_in=len(present),
            walk_ins=0,
            by_agency=by_agency,
            by_category={"participant": Split(len(rows), len(present))},
            by_method={"scanner": len(present)},
            tumbler={"yes": yes, "no": no, "unknown": unknown},
            arrivals=[(START - timedelta(minutes=30), len(present))] if present else [],
        ),
        sustainability=Sustainability(
            event_id=1,
            tumbler=TumblerFigures(len(present), yes, no, unknown),
            bottles_avoided=BottlesAvoided(yes, 2.0, 1),
            waste=WasteFigures(
                {"organic": 4.2, "inorganic": 1.1, "residue": 0.0, "recyclable": 0.0}, 2
            ),
            refill_litres=40.0,
            compliance=score,
        ),
        assumptions={
            k: f"why {k}"
            for k in ("tumbler", "bottles_avoided", "waste", "refill_litres", "compliance")
        },
        checklists=(checklist,),
        waste_entries=(WasteRow(START + timedelta(hours=6), "organic", 4.2, "", "Staff"),),
        generated_at=START + timedelta(days=1),
    )
