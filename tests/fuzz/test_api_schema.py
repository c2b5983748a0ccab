"""Schemathesis against the API as it describes itself (/api/v1/openapi.json).

For every operation it sends requests built from the description, valid and invalid, with an
organiser's token, and checks that none is answered 500, that every status is one the
description lists, and that JSON answers have the documented content type and shape. Path ids
are pointed at a real event and participant most of the time, so requests get past the 404.

The suite sends a few fixed examples per operation; ``make fuzz`` (FUZZ_EXAMPLES=500) many
random ones. A failure prints the request as a curl command.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from tests.fuzz.profiles import LONG, examples
from tracker.api.openapi import build_spec
from tracker.auth.services import issue_token
from tracker.db import utcnow
from tracker.events.demo import make_demo
from tracker.events.models import Participant
from tracker.extensions import db

#: Examples per operation in the suite (fixed seed); FUZZ_EXAMPLES for the long run.
IN_SUITE = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) the description lists, read at collection time (no database)."""
    from tracker.api import views  # noqa: F401 - registers every module's paths

    paths = build_spec()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


@pytest.fixture(scope="module")
def api_schema(app):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    loaded.config.generation.update(deterministic=not LONG)
    return loaded


@dataclass
class World:
    headers: dict[str, str]
    ids: dict[str, int]


@pytest.fixture
def world(app, users) -> World:
    demo = make_demo(utcnow())
    db.session.commit()
    people = db.session.scalars(
        select(Participant).where(Participant.event_id == demo.event.id).order_by(Participant.id)
    ).all()
    token = issue_token(users.organiser, "fuzz")
    db.session.commit()
    ids = {"event_id": demo.event.id}
    if people:
        ids["participant_id"] = people[0].id
    return World({"Authorization": f"Bearer {token}"}, ids)


def _aim(case, world: World) -> None:
    """Point most generated integer ids at real rows; keep some (and every invalid value)."""
    for name, real in world.ids.items():
        value = (case.path_parameters or {}).get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value % 4:
            case.path_parameters[name] = real


def _cases(operation) -> st.SearchStrategy:
    """Valid requests and, where the description allows building them, invalid ones."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    try:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # noqa: BLE001 - nothing to negate (no parameters or body)
        pass
    return st.one_of(strategies)


@pytest.mark.parametrize(("method", "path"), _operations(), ids=" ".join)
def test_the_api_keeps_its_description(api_schema, world, method, path):
    operation = api_schema[path][method]

    @examples(IN_SUITE)
    @given(case=_cases(operation))
    def send(case) -> None:
        _aim(case, world)
        # Each request in a context of its own, as in production (see tests/conftest.py).
        contextvars.Context().run(case.call_and_validate, headers=world.headers, checks=CHECKS)
        db.session.rollback()  # end this test's read snapshot, so the next case sees writes

    send()
