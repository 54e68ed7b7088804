"""One mailbox watcher per shared account across the team (issue 19 item 3), on a real
PostgreSQL: two processes want the same mailbox, exactly one watches; kill -9 it and the
other takes over; a lease whose link dies stops its watcher."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from app.services.config import Settings
from app.services.team import connection, leases
from tests.support.postgres import PostgresServer, postgres_server, postgres_url  # noqa: F401

ROOT = Path(__file__).resolve().parents[3]
EMAIL = "contact@acme.test"


class Proc:
    """A child process printing JSON lines, read by a thread (never blocks the test)."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.popen = subprocess.Popen([sys.executable, "-m", "tests.support.team_procs", *args],
                                      cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
        self.lines: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, args=(self.popen.stdout,),
                                        daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            try:
                self.lines.append(json.loads(line))
            except ValueError:
                pass

    def wait_for(self, key: str, timeout: float = 30.0) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((line for line in self.lines if key in line), None)
            if found is not None or self.popen.poll() is not None:
                return found
            time.sleep(0.02)
        return None

    def said(self, key: str) -> bool:
        return any(key in line for line in self.lines)

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)

    def stderr(self) -> str:
        return self.popen.stderr.read() if self.popen.stderr else ""


@pytest.fixture()
def team_env(postgres_url: str) -> Iterator[dict[str, str]]:  # noqa: F811
    env = {**os.environ, "POSTIER_DATABASE_URL": postgres_url, "POSTIER_LOG": "INFO"}
    yield env


def _holders(url: str) -> list[int]:
    """pids of the processes holding EMAIL's lease, read from pg_locks/application_name."""
    with connection.connect(url, "test") as conn:
        rows = leases.current_watchers(conn, [EMAIL])
    return [int(r["by"].split()[2]) for r in rows if r["email"] == EMAIL]


def _wait_holder(url: str, not_pid: int | None = None, timeout: float = 30.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = _holders(url)
        if held and held != [not_pid]:
            return held
        time.sleep(0.05)
    return _holders(url)


def test_exactly_one_of_two_processes_watches_and_the_other_takes_over_after_kill_9(
        team_env: dict[str, str]) -> None:
    url = team_env["POSTIER_DATABASE_URL"]
    first = Proc("watch", EMAIL, env=team_env)
    second = Proc("watch", EMAIL, env=team_env)
    try:
        holders = _wait_holder(url)
        assert len(holders) == 1, holders
        winner, loser = (first, second) if holders[0] == first.popen.pid else (second, first)
        assert holders[0] == winner.popen.pid
        assert winner.wait_for("watching") is not None, winner.stderr()
        # The other one is alive, waiting for the lease, and has not watched.
        assert loser.popen.poll() is None and not loser.said("watching")
        assert _holders(url) == [winner.popen.pid]

        winner.kill()  # no goodbye: the server drops the session and its lock
        assert loser.wait_for("watching", timeout=30) is not None, loser.stderr()
        assert _wait_holder(url, not_pid=winner.popen.pid) == [loser.popen.pid]
    finally:
        first.kill()
        second.kill()


def test_lease_lost_with_its_connection_stops_the_watcher_and_waits_again(
        postgres_url: str, postier_env: Path) -> None:  # noqa: F811
    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": postgres_url})
    watching = threading.Event()
    rounds: list[str] = []
    stop = threading.Event()

    def body(held: threading.Event) -> None:
        rounds.append("start")
        watching.set()
        held.wait()
        rounds.append("stop")

    thread = threading.Thread(target=leases.run_as_sole_watcher,
                              args=(settings, EMAIL, body, stop, time.monotonic() + 60),
                              daemon=True)
    thread.start()
    try:
        assert watching.wait(20)
        watching.clear()
        # An administrator (or a network cut) ends the lease's session on the server.
        with connection.connect(postgres_url, "test") as admin:
            ended = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name LIKE %s", (f"postier pid {os.getpid()} watcher%",)
            ).fetchall()
        assert ended and all(row[0] for row in ended)
        # The watcher stopped, and it watches again once it has the lease back.
        assert watching.wait(30), rounds
        assert rounds[:3] == ["start", "stop", "start"]
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert rounds[-1] == "stop"


def test_single_pass_lease_is_refused_while_a_colleague_watches(
        postgres_url: str, postier_env: Path) -> None:  # noqa: F811
    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": postgres_url})
    colleague = leases.MailboxLease(postgres_url, EMAIL)
    assert colleague.try_acquire()
    try:
        with leases.single_pass_lease(settings, EMAIL) as ours:
            assert ours is False
        with leases.single_pass_lease(settings, "other@acme.test") as ours:
            assert ours is True
    finally:
        colleague.release()
    with leases.single_pass_lease(settings, EMAIL) as ours:
        assert ours is True


def test_on_sqlite_the_watcher_runs_without_any_lease(postier_env: Path) -> None:
    settings = Settings(home=postier_env)
    seen: list[threading.Event] = []
    stop = threading.Event()
    leases.run_as_sole_watcher(settings, EMAIL, seen.append, stop)
    assert seen == [stop]  # the caller's own stop event, untouched
    with leases.single_pass_lease(settings, EMAIL) as ours:
        assert ours is True


def test_server_down_while_waiting_is_retried_not_raised(
        postgres_server: PostgresServer, postier_env: Path) -> None:  # noqa: F811
    url = postgres_server.url("postgres").rsplit(":", 1)[0] + ":1/postgres"  # nobody there
    settings = Settings(home=postier_env, extra={"POSTIER_DATABASE_URL": url})
    stop = threading.Event()
    calls: list[object] = []
    thread = threading.Thread(target=leases.run_as_sole_watcher,
                              args=(settings, EMAIL, calls.append, stop, time.monotonic() + 3),
                              daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive() and calls == []


def test_a_frozen_holder_loses_the_lease_and_stops_watching_when_it_wakes(
        team_env: dict[str, str]) -> None:
    """A laptop that sleeps (here: SIGSTOP, its kernel still answers TCP keepalives) stops
    querying; the server ends its idle session (idle_session_timeout) and the other laptop
    takes over. When it wakes up its lease check fails and it stops watching at once."""
    url = team_env["POSTIER_DATABASE_URL"]
    first = Proc("watch", EMAIL, env=team_env)
    second = Proc("watch", EMAIL, env=team_env)
    try:
        holders = _wait_holder(url)
        assert len(holders) == 1, holders
        sleeper, other = (first, second) if holders[0] == first.popen.pid else (second, first)
        assert sleeper.wait_for("watching") is not None, sleeper.stderr()
        sleeper.popen.send_signal(signal.SIGSTOP)
        try:
            assert other.wait_for("watching", timeout=60) is not None, other.stderr()
            assert _holders(url) == [other.popen.pid]
        finally:
            sleeper.popen.send_signal(signal.SIGCONT)
        assert sleeper.wait_for("stopped", timeout=30) is not None, sleeper.stderr()
        assert _holders(url) == [other.popen.pid]  # still one watcher, the other one
    finally:
        first.kill()
        second.kill()
