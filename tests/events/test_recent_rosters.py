"""The confirmation takes the rows the preview read moments ago (the same bytes, columns and
language) instead of reading the file again; who is registered is checked again every time."""

from __future__ import annotations

import pytest

from tests.factories import make_event
from tracker.db import utcnow
from tracker.events import roster_import as imports
from tracker.events.registration import ParticipantInput, register_participants

LIST = b"Nama;No HP\r\nAyu;0813-1111-2222\r\nBagus;0812-3456-7890\r\n"


@pytest.fixture
def reads(monkeypatch):
    """How many times a file is really read."""
    count = []
    real = imports.read_roster

    def counted(*args, **kwargs):
        count.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "read_roster", counted)
    monkeypatch.setattr(imports, "_recent_rosters", imports._RecentRosters())
    return count


def test_the_same_upload_is_read_once_and_registrations_since_are_still_caught(app, reads):
    event = make_event()
    preview = imports.read_plan(event, "peserta.csv", LIST)
    assert [row for row, _ in preview.to_create] == [2, 3]
    register_participants(event, [ParticipantInput(name="Bagus", phone="+6281234567890")], utcnow())
    confirm = imports.read_plan(event, "peserta.csv", LIST)
    assert len(reads) == 1
    assert [row for row, _ in confirm.to_create] == [2]
    assert [problem.row for problem in confirm.duplicates] == [3]


def test_other_bytes_or_other_columns_are_read_again(app, reads):
    event = make_event()
    imports.read_plan(event, "peserta.csv", LIST)
    imports.read_plan(event, "peserta.csv", LIST + b"Citra;0813-9999-0000\r\n")
    imports.read_plan(event, "peserta.csv", LIST, columns={"x": {0: "name"}})
    assert len(reads) == 3


def test_a_plan_changed_by_its_caller_leaves_the_next_one_as_read(app, reads):
    event = make_event()
    first = imports.read_plan(event, "peserta.csv", LIST)
    first.sheets[0].notes.append("changed")
    first.errors.append(first.duplicates[0] if first.duplicates else None)
    second = imports.read_plan(event, "peserta.csv", LIST)
    assert "changed" not in second.sheets[0].notes
    assert second.errors == []
    assert len(reads) == 1


def test_only_a_few_rosters_are_held(app, reads):
    event = make_event()
    for n in range(5):
        imports.read_plan(event, "peserta.csv", LIST + b"Orang %d;\r\n" % n)
    assert len(imports._recent_rosters.entries) == imports._recent_rosters.size


def test_a_confirmed_upload_leaves_nothing_behind_in_the_worker(app, users, reads):
    event = make_event()
    other = LIST + b"Citra;0813-9999-0000\r\n"
    imports.read_plan(event, "lain.csv", other)
    pending = imports.stage_upload(event, users.organiser, "peserta.csv", LIST)
    assert imports.plan_pending(event, pending, users.organiser).to_create
    assert len(imports._recent_rosters.entries) == 2
    assert imports.confirm(event, pending, users.organiser, utcnow()) == 2
    # The other upload's rows stay for its own confirmation; this one's are gone.
    assert len(imports._recent_rosters.entries) == 1
    imports.read_plan(event, "lain.csv", other)
    assert len(reads) == 2
