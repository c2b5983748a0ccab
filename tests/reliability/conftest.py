"""Fixtures for the reliability tests: a brand-new database of the suite's kind per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.databases import new_database


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path) -> Iterator[str]:
    """An empty database, so servers started by the test never touch the suite's."""
    with new_database(database_url, tmp_path) as url:
        yield url
