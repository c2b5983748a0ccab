"""The sustainability figures, with exact numbers: the day of the brief, 09:15 and 15:00."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.compliance.helpers import check_in
from tests.factories import WITA, make_event
from tracker import audit
from tracker.checkin.services import ScanInput
from tracker.checkin.services import check_in as check_in_service
from tracker.compliance import measurements, services
from tracker.db import utcnow
from tracker.errors import NotFound, ValidationFailed
from tracker.events.models import Participant
from tracker.extensions import db
from tracker.summaries import sustainability as figures

TUESDAY_NINE = datetime(2026, 7, 21, 9, 0, tzinfo=WITA)


def test_an_event_without_data_has_empty_figures(app, event):
    data = figures.sustainability(event)
    assert data.tumbler.checked_in == 0 and data.tumbler.rate is None
    assert data.bottles_avoided.estimate == 0
    assert data.bottles_avoided.bottles_per_participant == 2.0
    assert data.waste.kg == {"organic": 0.0, "inorganic": 0.0, "residue": 0.0, "recyclable": 0.0}
    assert data.waste.total_kg == 0 and data.refill_litres is None
    assert data.compliance.ratio is None


def test_tumbler_rate_counts_checked_in_people_only(app, event):
    # 40 registered, 36 in: 33 with a tumbler, 2 without, 1 nobody asked (the brief's 09:15).
    check_in(event, [True] * 33 + [False] * 2 + [None], absent=4)
    tumbler = figures.sustainability(event).tumbler
    assert (tumbler.checked_in, tumbler.yes, tumbler.no, tumbler.unknown) == (36, 33, 2, 1)
    assert tumbler.rate == pytest.approx(33 / 36)


def test_bottles_avoided_is_yes_times_assumption_times_days(app, users, event):
    check_in(event, [True] * 33 + [False] * 3)
    bottles = figures.sustainability(event).bottles_avoided
    assert (bottles.tumbler_yes, bottles.bottles_per_participant, bottles.days) == (33, 2.0, 1)
    assert bottles.estimate == 66
    measurements.update_settings(event, users.staff, utcnow(), bottles_per_participant="1,5")
    assert figures.sustainability(event).bottles_avoided.estimate == 49.5
    why = figures.assumptions(figures.sustainability(event))["bottles_avoided"]
    assert "33" in why and "1.5" in why  # the numbers the estimate rests on, in either language


def test_a_two_day_training_counts_the_days_people_attended(app, users):
    event = make_event(users.organiser, starts_at=TUESDAY_NINE, hours=31)  # to Wed 16:00
    check_in(event, [True] * 10 + [False] * 2)
    bottles = figures.sustainability(event).bottles_avoided
    assert (bottles.days, bottles.tumbler_days, bottles.estimate) == (2, 10, 20)  # Tuesday only
    wednesday = TUESDAY_NINE + timedelta(days=1)
    for person in db.session.scalars(select(Participant).where(Participant.event_id == event.id)):
        check_in_service(event, ScanInput(participant_id=person.id), None, wednesday)
    db.session.commit()
    bottles = figures.sustainability(event).bottles_avoided
    assert (bottles.tumbler_days, bottles.estimate) == (20, 40)  # the ten came both days
    assert "20" in figures.assumptions(figures.sustainability(event))["bottles_avoided"]


def test_an_event_ending_at_midnight_wita_is_one_day(app, users):
    start = datetime(2026, 7, 21, 23, 0, tzinfo=WITA)  # 15:00 UTC, the same UTC day
    event = make_event(users.organiser, starts_at=start, hours=0)
    assert figures.event_days(event) == 1


def test_an_evening_past_midnight_is_one_day_not_two(app, users):
    start = datetime(2026, 7, 21, 19, 0, tzinfo=WITA)  # 19:00 to 01:00 WITA
    event = make_event(users.organiser, starts_at=start, hours=6)
    check_in(event, [True] * 10)
    bottles = figures.sustainability(event).bottles_avoided
    assert bottles.days == 1 and bottles.estimate == 20  # not doubled by the date change


def test_waste_entries_add_up_by_stream(app, users, event):
    now = utcnow()
    measurements.record_waste(event, "organic", 2.5, users.staff, now)
    measurements.record_waste(event, "organic", "1,25", users.staff, now, note="sisa snack")
    measurements.record_waste(event, "residue", "0.4", users.organiser, now)
    measurements.record_waste(event, "recyclable", 0.001, users.staff, now)
    db.session.commit()
    waste = figures.sustainability(event).waste
    assert waste.kg == {"organic": 3.75, "inorganic": 0.0, "residue": 0.4, "recyclable": 0.001}
    assert waste.total_kg == 4.151 and waste.entries == 4
    entries = measurements.list_waste(event)
    assert {e.recorded_by_label for e in entries} == {"Staff", "Organiser"}
    assert entries[-1].grams == 2500 and entries[-1].recorded_by_id == users.staff.id
    logged = audit.entries(action_prefix="sustainability.waste")
    assert len(logged) == 4 and logged[-1].details == {"stream": "organic", "grams": 2500}


def test_a_mistaken_weighing_can_be_removed(app, users, event):
    wrong = measurements.record_waste(event, "inorganic", 120, users.staff, utcnow())
    measurements.record_waste(event, "inorganic", 1.2, users.staff, utcnow())
    measurements.delete_waste(event, wrong.id, users.organiser, utcnow())
    db.session.commit()
    assert figures.sustainability(event).waste.kg["inorganic"] == 1.2
    entry = audit.entries(action_prefix="sustainability.waste_delete")[0]
    assert entry.details["grams"] == 120_000 and entry.actor_id == users.organiser.id
    with pytest.raises(NotFound):
        measurements.delete_waste(event, wrong.id, users.organiser, utcnow())


@pytest.mark.parametrize(
    ("stream", "kg", "field"),
    [
        ("plastik", 1, "stream"),
        ("organic", 0, "kg"),
        ("organic", "-2", "kg"),
        ("organic", "dua", "kg"),
        ("organic", "0.0004", "kg"),
        ("organic", "NaN", "kg"),
        ("organic", 100_001, "kg"),
    ],
)
def test_bad_weighings_are_refused(app, users, event, stream, kg, field):
    with pytest.raises(ValidationFailed) as caught:
        measurements.record_waste(event, stream, kg, users.staff, utcnow())
    assert field in caught.value.fields


def test_refill_litres_and_the_assumption_are_stored_and_audited(app, users, event):
    measurements.update_settings(event, users.staff, utcnow(), refill_litres="57,5")
    measurements.update_settings(event, users.staff, utcnow(), bottles_per_participant=3)
    db.session.commit()
    data = figures.sustainability(event)
    assert data.refill_litres == 57.5 and data.bottles_avoided.bottles_per_participant == 3.0
    first, second = reversed(audit.entries(action_prefix="sustainability.settings"))
    assert first.details == {
        "before": {"refill_litres": None, "bottles_per_participant": 2.0},
        "after": {"refill_litres": 57.5, "bottles_per_participant": 2.0},
    }
    assert second.details["after"]["bottles_per_participant"] == 3.0
    measurements.update_settings(event, users.staff, utcnow(), refill_litres="")
    assert figures.sustainability(event).refill_litres is None


@pytest.mark.parametrize(
    "change",
    [
        {"refill_litres": "-1"},
        {"bottles_per_participant": "-1"},
        {"bottles_per_participant": 51},
        {"refill_litres": "banyak"},
    ],
)
def test_bad_settings_are_refused(app, users, event, change):
    with pytest.raises(ValidationFailed):
        measurements.update_settings(event, users.staff, utcnow(), **change)


def test_compliance_covers_every_checklist_of_the_event(app, users, event, checklist):
    logistics = services.attach_template(event, "event-logistics", users.organiser, utcnow())
    now = utcnow()
    for item in checklist.items[:3]:
        services.answer_item(item, {"status": "compliant"}, users.staff, now)
    power = [i for i in logistics.items if "power" in i.template_item.text_en][0]
    services.answer_item(
        power, {"status": "non_compliant", "note": "Stopkontak kurang"}, users.staff, now
    )
    db.session.commit()
    score = figures.sustainability(event).compliance
    assert (score.compliant, score.non_compliant, score.applicable) == (3, 1, 4)
    assert score.ratio == 0.75 and score.open == (7 - 3) + (9 - 1)
    assert [i.id for i in score.non_compliant_items] == [power.id]
