"""The database the read-path tests (view index, rows, details, CSV, filter choices) run
on: each test once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.storage import Database, open_database


@pytest.fixture()
def db(engine_target: Path | str) -> Database:
    return open_database(engine_target)
