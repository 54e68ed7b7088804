"""Live across laptops (issue 19 item 2) on a real PostgreSQL: every write to messages,
recipients, events and accounts NOTIFYs; another process's Listener hears a send as it
commits (by notification, not by polling), says when its link drops, and comes back."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from app.services.config import Settings
from app.services.storage import notify_triggers
from app.services.team import connection, live
from app.services.team import status as team_status
from tests.services.team.test_leases import Proc
from tests.support.postgres import PostgresServer, postgres_server, postgres_url  # noqa: F401


def _schema(url: str) -> None:
    """The team database as Postier makes it (the engine's migrations + NOTIFY triggers)."""
    from app.services.storage.postgres import PostgresDatabase

    PostgresDatabase(url).connect().close()
    with connection.connect(url, "test") as conn:
        notify_triggers.ensure_triggers(conn)


def _insert_message(url: str, subject: str) -> float:
    """One 'send' as the outbox records it: message + recipient + event, one transaction.
    Returns the wall-clock time right after COMMIT."""
    with connection.connect(url, "test", autocommit=False) as conn:
        mid = conn.execute(
            "INSERT INTO messages (account_email, message_id, envid, from_addr, subject,"
            " created_at) VALUES ('contact@acme.test', %s, %s, 'contact@acme.test', %s,"
            " '2026-12-02T10:00:00+00:00') RETURNING id",
            (f"<{subject}@acme.test>", subject, subject)).fetchone()[0]
        rid = conn.execute("INSERT INTO recipients (message_id, address, updated_at) VALUES"
                           " (%s, 'client@example.test', '2026-12-02T10:00:00+00:00')"
                           " RETURNING id", (mid,)).fetchone()[0]
        conn.execute("INSERT INTO events (recipient_id, at, status, source) VALUES"
                     " (%s, '2026-12-02T10:00:01+00:00', 'sent', 'smtp')", (rid,))
        conn.commit()
        return time.time()


def test_triggers_are_installed_once_and_idempotent(postgres_url: str) -> None:  # noqa: F811
    from app.services.storage.postgres import PostgresDatabase

    PostgresDatabase(postgres_url).connect().close()
    with connection.connect(postgres_url, "test") as conn:
        first = notify_triggers.ensure_triggers(conn)
        assert notify_triggers.triggers_installed(conn)
        assert notify_triggers.ensure_triggers(conn) is False  # already there: nothing done
        notify_triggers.install_triggers(conn)  # CREATE OR REPLACE: safe to run again
        names = {r[0] for r in conn.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'postier_notify_%'").fetchall()}
    assert names == {f"postier_notify_{t}" for t in notify_triggers.WATCHED_TABLES}
    assert first in (True, False)  # the engine may have installed them already


def test_a_send_committed_by_one_process_is_heard_by_another_process(
        postgres_url: str) -> None:  # noqa: F811
    _schema(postgres_url)
    env = {**os.environ, "POSTIER_DATABASE_URL": postgres_url}
    listener = Proc("listen", env=env)
    try:
        first = listener.wait_for("connected")
        assert first is not None and first["connected"] is True, listener.stderr()
        committed = _insert_message(postgres_url, "Devis 12")
        heard = listener.wait_for("changed", timeout=10)
        assert heard is not None, listener.stderr()
        # One notification per table the transaction wrote, folded into one call.
        assert set(heard["changed"]) == {"messages", "recipients", "events"}
        print(f"cross-process latency: {(heard['t'] - committed) * 1000:.1f} ms")
        # A rolled-back write says nothing.
        before = len(listener.lines)
        with connection.connect(postgres_url, "test", autocommit=False) as conn:
            conn.execute("UPDATE messages SET subject = 'x'")
            conn.rollback()
        _insert_message(postgres_url, "Devis 13")
        assert listener.wait_for("changed", timeout=10)
        deadline = time.monotonic() + 10
        while len(listener.lines) == before and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [line.get("changed") for line in listener.lines[before:]] == [
            ["events", "messages", "recipients"]]
    finally:
        listener.kill()


def test_listener_says_offline_when_the_server_stops_and_catches_up_when_back(
        postgres_server: PostgresServer, postier_env: Path) -> None:  # noqa: F811
    url = postgres_server.create_database()
    _schema(url)
    states: list[tuple[bool, str | None]] = []
    changes: list[set[str]] = []
    up, down = threading.Event(), threading.Event()

    def on_state(connected: bool, error: object) -> None:
        states.append((connected, getattr(error, "code", None)))
        (up if connected else down).set()

    listener = live.Listener(url, changes.append, on_state).start()
    try:
        assert up.wait(20)
        up.clear()
        postgres_server.stop()
        assert down.wait(30), states
        assert (False, "TEAM_DATABASE_UNREACHABLE") in states
        postgres_server.start()  # same port again
        assert up.wait(60), states
        # What changed while it was away was not heard: it asks for a full refresh.
        deadline = time.monotonic() + 10
        while {live.ANY} not in changes and time.monotonic() < deadline:
            time.sleep(0.02)
        assert {live.ANY} in changes
    finally:
        listener.stop()
        if not postgres_server.running():
            postgres_server.start()


def test_team_status_names_the_server_without_password(
        postgres_server: PostgresServer, postier_env: Path) -> None:  # noqa: F811
    postgres_server.add_role("marie", "s3cret-pw") if not _role_exists(postgres_server) else None
    url = postgres_server.url("postgres", user="marie")
    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": url})
    status = team_status.check(settings)
    assert status.configured and not status.ok
    assert status.error is not None and status.error["code"] == "TEAM_DATABASE_AUTH_FAILED"
    connection.store_password(url, "s3cret-pw")  # the keyring, nowhere else
    status = team_status.check(settings)
    assert status.ok and status.server_version and status.password_in_keyring
    assert status.url == f"postgresql://marie@127.0.0.1:{postgres_server.port}/postgres"
    assert "s3cret" not in repr(status.to_dict())
    # A password typed into the URL works but is never shown.
    with_pw = postgres_server.url("postgres", user="marie", password="s3cret-pw")
    assert connection.redacted(with_pw) == status.url
    assert "s3cret" not in connection.target(with_pw).shown()


def _role_exists(server: PostgresServer) -> bool:
    with connection.connect(server.url(), "test") as conn:
        return bool(conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'marie'").fetchone())
