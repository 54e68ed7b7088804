"""Test-only keyring backend: a JSON file named by POSTIER_TEST_KEYRING_FILE.

Tests run CLI subprocesses that must see the secret stored by another process, so an
in-memory backend is not enough. Never used outside tests.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

_LOCK = threading.Lock()


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["POSTIER_TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def _save(self, data: dict[str, str]) -> None:
        # Atomic replace: threads (token refresh) and processes (CLI) read while one writes,
        # and a half-written file must never be seen.
        path = self._path()
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        with _LOCK:
            data = self._load()
            data[f"{service}\x00{username}"] = password
            self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        with _LOCK:
            data = self._load()
            if data.pop(f"{service}\x00{username}", None) is None:
                raise PasswordDeleteError("not found")
            self._save(data)
