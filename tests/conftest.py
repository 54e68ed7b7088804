"""Shared fixtures: a fresh POSTIER_HOME and a file-backed test keyring per test.

Tests that need a server must fail, not skip, when CI=true: use ``require_tool``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# A real PostgreSQL (team mode, issue 19) for any test that asks: postgres_server, postgres_url,
# engine_target (the test runs once on SQLite, once on PostgreSQL).
from tests.support.postgres import engine_target, postgres_server, postgres_url  # noqa: E402, F401

# pytest-qt creates its QApplication before any fixture runs: the platform must be set now.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def require_tool(name: str) -> str:
    """Path of an executable a test needs; missing → skip locally, fail under CI."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        message = f"{name} is not installed (run the README's test command)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def postier_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data dir and keyring file, inherited by subprocesses."""
    home = tmp_path / "postier-home"
    home.mkdir()
    monkeypatch.setenv("POSTIER_HOME", str(home))
    monkeypatch.setenv("POSTIER_TEST_KEYRING_FILE", str(tmp_path / "keyring.json"))
    # postier.toml: never this machine's (~/.config/Postier, /etc/xdg/Postier) in a test
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site-config"))
    monkeypatch.delenv("POSTIER_CONFIG", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.file_keyring.FileKeyring")
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("QT_QPA_PLATFORM", os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    import keyring

    from tests.support.file_keyring import FileKeyring

    keyring.set_keyring(FileKeyring())
    return home


def require_root() -> None:
    """Real mail daemons start as root; missing → skip locally, fail under CI."""
    if os.geteuid() != 0:
        message = "the mail server rig needs root (Dovecot and Postfix start as root)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def rig():  # noqa: ANN201 - tests.support.rig.Rig, imported lazily (needs aiosmtpd/trustme)
    """Real Dovecot + Postfix + fake remote MX on loopback, free ports, one per test session.

    See tests/support/rig.py for the endpoints, users and helpers. It lives in its own
    /tmp/postier-rig-* dir (removed at the end), not under pytest's tmp dir: that one is
    mode 0700 and Dovecot's mail user must traverse the rig's path.
    """
    require_tool("dovecot")
    require_tool("postfix")
    require_root()
    from tests.support.rig import Rig

    started = Rig.start()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="session")
def bad_servers(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Factory of misbehaving IMAP/SMTP servers (tests/support/misbehaving_server.py);
    every server started through it is stopped at the end of the session."""
    from tests.support.misbehaving_server import BadServers

    servers = BadServers(directory=tmp_path_factory.mktemp("bad-servers"))
    try:
        yield servers
    finally:
        servers.stop()


def _auth_server():  # noqa: ANN202 - Iterator[LocalAuthServer]
    from tests.support.oauth_server import LocalAuthServer

    server = LocalAuthServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def auth():  # noqa: ANN201 - Iterator[LocalAuthServer]
    """The local OAuth2 authorization server, one per test module (behind ``oauth_rig``)."""
    yield from _auth_server()


@pytest.fixture
def auth_server():  # noqa: ANN201 - Iterator[LocalAuthServer]
    """A fresh local OAuth2 authorization server per test: tests script its refusals."""
    yield from _auth_server()


@pytest.fixture(scope="module")
def oauth_rig(auth):  # noqa: ANN001,ANN201 - Iterator[OAuthRig]
    """Dovecot + Postfix where the OAuth mailbox signs in with XOAUTH2 only (introspection
    against ``auth``), one per test module: tests switch IMAP/SMTP off for it."""
    require_tool("dovecot")
    require_tool("postfix")
    require_root()
    from tests.support.oauth_rig import OAuthRig

    started = OAuthRig.start(auth)
    try:
        yield started
    finally:
        started.stop()


# PySide6 6.12 on Python 3.11 drops a reference to None/True/False on some calls that return
# nothing (QWizard.setStartId, restart...): after a long GUI run the interpreter may then abort
# while tearing itself down ("Fatal Python error: bool_dealloc", exit 134) although every test
# passed. Once pytest has printed its summary, leave with its own status and skip that teardown.
_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if _EXIT_STATUS and not hasattr(config, "workerinput"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])
