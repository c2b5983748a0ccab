"""Fixtures for the compliance tests: an event, the built-in templates, a checklist."""

from __future__ import annotations

import pytest

from tests.factories import make_event
from tracker.compliance.models import EventChecklist
from tracker.compliance.services import attach_template, load_builtin_templates
from tracker.db import utcnow
from tracker.events.models import Event
from tracker.extensions import db
from tracker.storage import LocalStorage


@pytest.fixture
def event(app, users) -> Event:
    return make_event(users.organiser)


@pytest.fixture
def builtins(app):
    created = load_builtin_templates(utcnow())
    db.session.commit()
    return created


@pytest.fixture
def checklist(event, users, builtins) -> EventChecklist:
    """The Pergub Bali 97/2018 checklist attached to the event."""
    attached = attach_template(event, "pergub-bali-97-2018", users.organiser, utcnow())
    db.session.commit()
    return attached


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")
