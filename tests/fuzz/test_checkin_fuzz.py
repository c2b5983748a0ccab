"""Whatever a scanner sends, the check-in service answers with an outcome or a DomainError.

Codes are anything a camera or a handheld scanner may read (junk, ticket URLs, codes of another
event, whitespace), with any gate, device, nonce, tumbler answer and device time. The service is
called as the API and the door pages call it, and its transaction committed like theirs.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.factories import open_event
from tests.fuzz.profiles import examples
from tracker.checkin import services
from tracker.checkin.models import CheckIn, Method, ScanResult
from tracker.db import utcnow
from tracker.errors import DomainError
from tracker.extensions import db


@pytest.fixture
def door(app, users):
    """An open event, a closed one whose tickets are 'another event', and the staff member."""
    event, people = open_event()
    other, strangers = open_event("Rapat Koordinasi", status="closed", people=None)
    return event, [p.ticket_code for p in people], [p.ticket_code for p in strangers], users.staff


#: Any text, NUL and lone surrogates included: tracker.guard refuses NUL in requests, but the
#: service is also called from pages and must drop what no database can store by itself.
_chars = st.characters(exclude_categories=[])


def _text(**kwargs) -> st.SearchStrategy[str]:
    return st.text(_chars, **kwargs)


def _code(ours: list[str], theirs: list[str]) -> st.SearchStrategy[str]:
    known = st.sampled_from(ours + theirs)
    return st.one_of(
        _text(max_size=120),
        known,
        known.map(lambda c: f"https://tracker.example/t/{c}?src=poster#x"),
        known.map(lambda c: f"  {c}\r\n"),
        known.map(lambda c: c[:-1]),
        st.from_regex(r"[A-Za-z0-9_-]{1,43}", fullmatch=True),
    )


_moments = st.one_of(
    st.none(),
    st.datetimes(timezones=st.timezones()),
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda t: t.replace(tzinfo=dt.UTC)
    ),
    st.datetimes(),  # naive: "no zone given"
)


def _scan(draw, ours: list[str], theirs: list[str]) -> services.ScanInput:
    by_id = draw(st.booleans())
    return services.ScanInput(
        code=None if by_id else draw(_code(ours, theirs)),
        participant_id=draw(st.integers(-(2**31), 2**31 - 1)) if by_id else None,
        brought_tumbler=draw(st.one_of(st.none(), st.booleans())),
        gate=draw(_text(max_size=50)),
        device=draw(_text(max_size=64)),
        method=draw(st.sampled_from([m.value for m in Method])),
        nonce=draw(st.one_of(st.none(), _text(min_size=1, max_size=64))),
        scanned_at=draw(_moments),
    )


@examples(80)
@given(data=st.data())
def test_any_scan_gets_an_outcome_or_a_domain_error(door, data):
    event, ours, theirs, staff = door
    scans = data.draw(st.lists(st.builds(lambda: None), min_size=1, max_size=4))
    for _ in scans:
        scan = _scan(data.draw, ours, theirs)
        try:
            outcome = services.check_in(event, scan, staff, utcnow())
        except DomainError:
            db.session.rollback()
            continue
        db.session.commit()
        assert isinstance(outcome.result, ScanResult)
        assert outcome.http_status in (200, 201, 404, 409)
        if outcome.result in (ScanResult.CHECKED_IN, ScanResult.ALREADY):
            assert outcome.person is not None and outcome.checked_in_at is not None
    # Whatever came in, nobody is checked in twice and only this event's people are.
    rows = db.session.execute(select(CheckIn.participant_id, CheckIn.event_id)).all()
    assert len({pid for pid, _event in rows}) == len(rows)
    assert {event_id for _pid, event_id in rows} <= {event.id}
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) <= len(ours)
