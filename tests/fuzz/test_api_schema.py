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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask_migrate import upgrade
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
from tests.reliability.databases import new_database
from tracker.api.openapi import build_spec
from tracker.auth.services import create_user, issue_token
from tracker.db import utcnow
from tracker.demo import make_demo
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


#: Failures found here in other features' code, reported with the request that reproduces
#: them (tests/test_bad_input.py holds each as a strict xfail). Remove the entry with the fix.
#: Not strict here: whether the suite's few fixed examples hit the bug can change.
KNOWN: dict[str, str] = {}


def _operations() -> list:
    """Every (method, path) the description lists, read at collection time (no database)."""
    from tracker.api import views  # noqa: F401 - registers every module's paths

    found = []
    for path, operations in build_spec()["paths"].items():
        for method in operations:
            label = f"{method.upper()} {path}"
            marks = [pytest.mark.xfail(reason=KNOWN[label])] if label in KNOWN else []
            found.append(pytest.param(method.upper(), path, id=label, marks=marks))
    return found


@dataclass
class World:
    app: Flask
    schema: Any
    headers: dict[str, str]
    ids: dict[str, int]


@pytest.fixture(scope="module")
def world(make_app, database_url, tmp_path_factory) -> Iterator[World]:
    """An app on a database of its own, with the demo event and an organiser's token, made
    once for every operation: fuzzed writes pile up there, never in the suite's database."""
    with new_database(database_url, tmp_path_factory.mktemp("fuzz")) as url:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            event = make_demo(utcnow()).event
            organiser = create_user(
                "fuzz@diskominfo.test", "correct horse battery", "organiser", offices=[event.office]
            )
            person = db.session.scalars(
                select(Participant).where(Participant.event_id == event.id)
            ).first()
            ids = {"event_id": event.id, "participant_id": person.id}
            headers = {"Authorization": f"Bearer {issue_token(organiser, 'fuzz')}"}
            db.session.commit()
            db.session.remove()
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        schema.config.generation.update(deterministic=not LONG)
        yield World(app, schema, headers, ids)
        with app.app_context():
            db.engine.dispose()


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


@pytest.mark.parametrize(("method", "path"), _operations())
def test_the_api_keeps_its_description(world, method, path):
    operation = world.schema[path][method]

    @examples(IN_SUITE)
    @given(case=_cases(operation))
    def send(case) -> None:
        _aim(case, world)
        # Each request in a context of its own, as in production (see tests/conftest.py).
        contextvars.Context().run(case.call_and_validate, headers=world.headers, checks=CHECKS)

    send()
