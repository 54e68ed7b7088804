"""Fixtures shared by the mail-layer tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.config import Settings


@pytest.fixture()
def rig_settings(rig, postier_env: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:  # noqa: ANN001
    """Settings that trust the rig's CA (its servers' certificates), in a fresh home."""
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    return Settings.from_env()
