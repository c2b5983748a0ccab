"""Fixtures for the summary tests: the fully built event of helpers.build_event."""

from __future__ import annotations

import pytest

from tests.summaries.helpers import Built, build_event


@pytest.fixture
def built(app, users) -> Built:
    return build_event(users.organiser, users.staff)
