"""build_summary takes its numbers from check-in and compliance; the attendance list is batched."""

from __future__ import annotations

from tests.summaries.helpers import FORMULA_NAME, TOPICS, UNICODE_NAME
from tracker.checkin.attendance import attendance
from tracker.privacy.services import anonymise
from tracker.summaries.figures import attendance_rows, build_summary
from tracker.summaries.sustainability import sustainability


def test_the_summary_is_the_features_own_figures(built):
    summary = build_summary(built.event)
    assert summary.attendance == attendance(built.event)
    assert summary.sustainability == sustainability(built.event)
    a, t = summary.attendance, summary.sustainability.tumbler
    assert (a.registered, a.checked_in, a.walk_ins) == (13, 9, 1)
    assert (t.yes, t.no, t.unknown) == (5, 2, 2)
    assert summary.agencies_reached == 4
    assert summary.event.topics == tuple(TOPICS)
    assert summary.event.venue_label == "Ruang Rapat, Kantor Diskominfo Tabanan"
    assert summary.event.zone_label == "WITA"


def test_checklists_carry_every_item_photo_and_the_sign_off(built):
    (checklist,) = build_summary(built.event).checklists
    assert checklist.template_key == "pergub-bali-97-2018" and checklist.version == 1
    assert len(checklist.items) == len(built.checklist.items)
    failed = [i for i in checklist.items if i.status == "non_compliant"]
    assert len(failed) == 1 and failed[0].note == "Katering memakai sedotan"
    assert len(failed[0].photos) == 1 and failed[0].photos[0].thumb_key
    assert (checklist.score.compliant, checklist.score.applicable) == (6, 7)
    assert checklist.signed_off_name == "I Nyoman Arta Sukma Witra"


def test_waste_entries_read_oldest_first(built):
    entries = build_summary(built.event).waste_entries
    assert [e.stream for e in entries] == ["organic", "inorganic", "residue"]
    assert [e.kg for e in entries] == [4.2, 1.1, 0.3]


def test_attendance_rows_come_in_batches_by_name(built):
    rows = list(attendance_rows(built.event, batch=2))
    assert len(rows) == built.registered
    assert [r.number for r in rows] == list(range(1, built.registered + 1))
    names = [r.name for r in rows]
    assert names == sorted(names)
    assert FORMULA_NAME in names and UNICODE_NAME in names
    absent = [r for r in rows if r.checked_in_at is None]
    assert len(absent) == 4 and all(r.tumbler is None and r.method == "" for r in absent)
    walk_in = next(r for r in rows if r.name == "Made Walk-in")
    assert walk_in.method == "walk_in" and walk_in.tumbler is True


def test_present_only_lists_the_people_checked_in(built):
    rows = list(attendance_rows(built.event, present_only=True, batch=3))
    assert len(rows) == built.checked_in
    assert all(r.checked_in_at is not None for r in rows)


def test_the_figures_survive_the_retention_purge(built):
    before = build_summary(built.event)
    anonymise(built.people, before.generated_at)
    after = build_summary(built.event)
    assert after.attendance.registered == before.attendance.registered
    assert after.attendance.checked_in == before.attendance.checked_in
    assert after.sustainability.tumbler == before.sustainability.tumbler
    assert FORMULA_NAME not in {r.name for r in attendance_rows(built.event)}
