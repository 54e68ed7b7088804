"""A real PostgreSQL server for the tests: Debian's binaries, a throw-away cluster on loopback.

``initdb`` into a temporary folder, ``postgres`` on 127.0.0.1 and a free high port (its unix
socket in the same folder, never /var/run/postgresql), one server per test session and a fresh
database per test. PostgreSQL refuses to run as root: as root (CI, this machine) the cluster
belongs to a dedicated system user, ``postier-pg``, created the way scripts/lab-mtas.sh creates
``postier-lab``.

Missing binaries or psycopg skip locally and FAIL under CI=true (tests/conftest.py's rule).

The fixtures are registered in tests/conftest.py: any test may ask for them::

    def test_something(postgres_url: str) -> None: ...

``postgres_url`` is ``postgresql://postier@127.0.0.1:PORT/t_N`` (trust authentication for the
``postier`` role on loopback: no password to leak). ``PostgresServer.add_role`` makes a role that
must give a password (scram-sha-256), for tests of refused logins.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")  # as tests/conftest.py
PG_USER = "postier-pg"  # the OS user the cluster runs as when the tests run as root
SUPERUSER = "postier"  # the database role the tests connect as (trust on loopback)
_counter = itertools.count(1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _missing(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def find_bindir() -> Path | None:
    """Where initdb/pg_ctl/postgres are: POSTIER_PG_BINDIR, PATH, else Debian's newest
    /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH)."""
    env = os.environ.get("POSTIER_PG_BINDIR")
    if env and (Path(env) / "initdb").exists():
        return Path(env)
    on_path = shutil.which("initdb")
    if on_path:  # a symbolic link (/usr/local/bin/initdb): the folder it points into
        return Path(on_path).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _ensure_os_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", PG_USER], check=True, capture_output=True)
        return pwd.getpwnam(PG_USER)


class PostgresServer:
    """One throw-away cluster. ``start``/``stop`` may be called again (tests of a server
    that goes away and comes back); ``close`` stops it and removes its folder."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="postier-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "run"
        self.log = self.root / "postgres.log"
        self.port = 0
        self.host = "127.0.0.1"
        self._as: pwd.struct_passwd | None = _ensure_os_user() if os.geteuid() == 0 else None
        self.socket_dir.mkdir()
        if self._as is not None:
            for path in (self.root, self.socket_dir):
                os.chown(path, self._as.pw_uid, self._as.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-E", "UTF8",
                  "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256",
                  "--no-sync")
        # Trust only the tests' own role on loopback; any other role gives a password.
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"local all {SUPERUSER} trust\n"
                       f"host all {SUPERUSER} 127.0.0.1/32 trust\n"
                       "host all all 127.0.0.1/32 scram-sha-256\n")

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, object] = {}
        if self._as is not None:
            kwargs = {"user": self._as.pw_uid, "group": self._as.pw_gid, "extra_groups": []}
        result = subprocess.run([str(self.bindir / tool), *args], capture_output=True,
                                text=True, cwd=self.root, timeout=60, **kwargs)  # type: ignore[call-overload]
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr}{log}")
        return result

    # -- life ----------------------------------------------------------------
    def start(self) -> None:
        """Start on a free port (a new one each start unless it is still free: a port
        taken in between is retried)."""
        last: Exception | None = None
        for _ in range(5):
            port = self.port or free_port()
            options = (f"-p {port} -k {self.socket_dir} -c listen_addresses={self.host} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                       "-c max_connections=200")
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w",
                          "-t", "30", "-o", options, "start")
            except RuntimeError as exc:
                last = exc
                self.port = 0
                continue
            self.port = port
            return
        raise RuntimeError(f"PostgreSQL did not start: {last}")

    def stop(self, mode: str = "fast") -> None:
        """``mode`` = fast (clients disconnected) or immediate (like a crash)."""
        if self.running():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def close(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- databases -----------------------------------------------------------
    def url(self, dbname: str = "postgres", user: str = SUPERUSER,
            password: str | None = None) -> str:
        auth = user if password is None else f"{user}:{password}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname}"

    def admin(self, sql: str, *params: object) -> None:
        """Run one statement as the superuser, outside a transaction (CREATE DATABASE…)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql, params or None)  # type: ignore[arg-type]

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; its URL."""
        name = name or f"t_{os.getpid()}_{next(_counter)}"
        self.admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a test's database (its connections ended first): the cluster stays small.
        Nothing to do when the server is stopped; a failure here never fails a test."""
        import psycopg

        name = url.rsplit("/", 1)[-1]
        if not self.running() or not name.startswith("t_"):
            return
        try:
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error:
            pass

    def add_role(self, name: str, password: str) -> None:
        """A login role that must give ``password`` (scram-sha-256 on loopback)."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(password)))


def require_postgres() -> Path:
    """The binaries' folder and psycopg, or skip (locally) / fail (CI=true)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed (pip install -e '.[test]' — scripts/bootstrap.sh)")
    bindir = find_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        _missing("PostgreSQL's server (initdb, pg_ctl) is not installed: apt-get install "
                 "postgresql (scripts/bootstrap.sh does)")
    assert bindir is not None
    return bindir


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL for the whole session, stopped and removed at the end."""
    server = PostgresServer(require_postgres())
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh empty database on the session's server (CREATE DATABASE: some 50 ms),
    dropped after the test."""
    if not postgres_server.running():  # a test stopped it: the next one gets it back
        postgres_server.start()
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def engine_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """Where a test's database lives, once per engine: the same test runs on SQLite and on
    a fresh PostgreSQL database (pass it to storage.open_database / database_for)."""
    if request.param == "sqlite":
        yield tmp_path / "engine.sqlite3"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    if not server.running():
        server.start()
    url = server.create_database()
    yield url
    server.drop_database(url)

