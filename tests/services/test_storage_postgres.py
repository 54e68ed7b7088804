"""The storage layer on a real PostgreSQL (tests/support/postgres.py) next to SQLite:
the same migration ladder, the same API, errors that name the server and never a password."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.services import storage
from app.services.storage import Account, AccountStore, StorageError, open_database
from app.services.storage.postgres import PostgresDatabase, convert, migration_statements, safe_url
from tests.support.postgres import PostgresServer


def _tables_pg(db: storage.Database) -> dict[str, set[str]]:
    with db.reading() as conn:
        rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = 'public' AND table_name <> 'postier_schema'"
                            ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def _tables_sqlite(db: storage.Database) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    with db.reading() as conn:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
        for name in names:
            found[name] = {r[1] for r in conn.execute(f"PRAGMA table_info({name})")}
    return found


def test_every_migration_runs_on_both_engines_to_the_same_tables(
        postgres_url: str, tmp_path: Path) -> None:
    """Version by version on PostgreSQL (each step checked), and the end result has the same
    tables and columns as SQLite's."""
    pg = open_database(postgres_url)
    lite = open_database(tmp_path / "local.sqlite3")
    assert pg.engine == "postgresql" and lite.engine == "sqlite"
    assert _tables_pg(pg) == _tables_sqlite(lite)
    with pg.reading() as conn:
        assert pg.schema_version(conn) == storage.SCHEMA_VERSION  # type: ignore[attr-defined]
    with lite.reading() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == storage.SCHEMA_VERSION


def test_each_version_step_by_step(postgres_server: PostgresServer) -> None:
    """Every step alone, from an empty database: a step that fails names its version."""
    import psycopg

    url = postgres_server.create_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', "
                     "deterministic = false)")
        for version in range(storage.SCHEMA_VERSION):
            with conn.transaction():
                for statement in migration_statements(version):
                    conn.execute(statement)  # type: ignore[arg-type]
    # and a database left at version 1 by an older Postier is brought forward
    old = postgres_server.create_database()
    with psycopg.connect(old, autocommit=True) as conn:
        conn.execute("CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', "
                     "deterministic = false)")
        conn.execute("CREATE TABLE postier_schema (version INTEGER NOT NULL)")
        with conn.transaction():
            for statement in migration_statements(0):
                conn.execute(statement)  # type: ignore[arg-type]
            conn.execute("INSERT INTO postier_schema VALUES (1)")
    db = open_database(old)
    with db.reading() as c:
        assert db.schema_version(c) == storage.SCHEMA_VERSION  # type: ignore[attr-defined]
        assert c.execute("SELECT is_test FROM messages").fetchall() == []  # v2's column


def _account(email: str = "Contact@Exemple.fr") -> Account:
    return Account(email=email, username=email, imap_host="imap.exemple.fr", imap_port=993,
                   imap_security="ssl", smtp_host="smtp.exemple.fr", smtp_port=465,
                   smtp_security="ssl")


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_accounts_and_settings_behave_the_same(engine: str, tmp_path: Path,
                                               postgres_server: PostgresServer) -> None:
    target = (postgres_server.create_database() if engine == "postgresql"
              else str(tmp_path / "p.sqlite3"))
    db = open_database(target if engine == "postgresql" else Path(target))
    store = AccountStore(db)
    added = store.add(_account(), signature_images=[("logo", "image/png", b"\x89PNG\x00")])
    assert added.id and added.id > 0
    with pytest.raises(StorageError) as caught:  # NOCASE: same address, other case
        store.add(_account("contact@exemple.FR"))
    assert caught.value.code == "ACCOUNT_EXISTS"
    assert store.get("CONTACT@exemple.fr") is not None
    assert store.signature_images(added.id) == [("logo", "image/png", b"\x89PNG\x00")]
    store.update_fields("Contact@Exemple.fr", label="Compta", needs_attention=True)
    got = store.require("Contact@Exemple.fr")
    assert (got.label, got.needs_attention) == ("Compta", 1)
    db.set_setting("tracking.last", "42")
    db.set_setting("tracking.last", "43")
    assert db.get_setting("tracking.last") == "43"
    assert store.remove("contact@exemple.fr") and store.list() == []
    with db.reading() as conn:
        row = conn.execute("SELECT ? AS a, 'lit?%' AS b", (1,)).fetchone()
    assert row is not None and (row["a"], row[1], row.keys()) == (1, "lit?%", ["a", "b"])


def test_integrity_error_is_the_one_the_modules_catch(postgres_url: str) -> None:
    db = open_database(postgres_url)
    with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
        conn.execute("INSERT INTO groups (name) VALUES (?)", ("Clients",))
        conn.execute("INSERT INTO groups (name) VALUES (?)", ("CLIENTS",))
    with db.reading() as conn:  # rolled back as a whole
        assert conn.execute("SELECT COUNT(*) FROM groups").fetchone()[0] == 0


def test_unreachable_server_names_the_host_never_the_password(
        postgres_server: PostgresServer) -> None:
    postgres_server.add_role("compta", "Tr3s-S3cret")
    wrong = postgres_server.url("postgres", "compta", "not-the-password")
    cases = [(wrong, "TEAM_DATABASE_AUTH_FAILED"),
             (postgres_server.url("no_such_db"), "TEAM_DATABASE_UNREACHABLE"),
             (f"postgresql://compta:Tr3s-S3cret@127.0.0.1:{_closed_port()}/team",
              "TEAM_DATABASE_UNREACHABLE")]
    for url, code in cases:
        with pytest.raises(StorageError) as caught:
            open_database(url)
        err = caught.value
        assert err.code == code, err.message
        assert "127.0.0.1" in err.message
        assert "S3cret" not in err.message and "not-the-password" not in err.message
    assert "S3cret" not in safe_url("postgresql://a:Tr3s-S3cret@h/db")
    assert PostgresDatabase(wrong).describe().endswith("/postgres")


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(StorageError) as caught:
        storage.database_for("mysql://x/y")
    assert caught.value.code == "DATABASE_ERROR"


def test_placeholders_outside_literals_only() -> None:
    assert convert("SELECT '?', ? WHERE a LIKE 'x%'") == "SELECT '?', %s WHERE a LIKE 'x%%'"


def _closed_port() -> int:
    from tests.support.postgres import free_port

    return free_port()


def test_laptops_opening_a_new_team_database_at_once_migrate_it_once(
        postgres_server: PostgresServer) -> None:
    """Four processes' first open of an empty database at the same moment: one runs each
    migration (the advisory lock), the others wait and then see it done, none fails."""
    import subprocess
    import sys

    url = postgres_server.create_database()
    code = ("import sys; from app.services.storage import open_database; "
            "open_database(sys.argv[1]); print('ok')")
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in outputs]
    db = open_database(url)
    with db.reading() as conn:
        assert db.schema_version(conn) == storage.SCHEMA_VERSION  # type: ignore[attr-defined]
        assert conn.execute("SELECT COUNT(*) FROM postier_schema").fetchone()[0] == 1


def test_a_thread_reuses_its_connection_and_replaces_one_the_server_dropped(
        postgres_server: PostgresServer) -> None:
    """One connection per thread, kept between reads and transactions (no connect per
    query); a server restart in between is noticed before use: the next read just works."""
    import threading

    db = open_database(postgres_server.create_database())

    def backend() -> int:
        with db.reading() as conn:
            return int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])

    first = backend()
    with db.transaction() as conn:
        conn.execute("INSERT INTO groups (name) VALUES (?)", ("Clients",))
        assert int(conn.execute("SELECT pg_backend_pid()").fetchone()[0]) == first
        with db.reading() as inner:  # nested: a second connection, not the one in use
            second = int(inner.execute("SELECT pg_backend_pid()").fetchone()[0])
            assert second != first
    first = backend()
    assert first == second  # one of the two is kept (the first given back), not both
    other: list[int] = []
    worker = threading.Thread(target=lambda: other.append(backend()))
    worker.start()
    worker.join()
    assert other and other[0] != first  # threads never share one

    with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
        conn.execute("INSERT INTO groups (name) VALUES (?)", ("clients",))
    assert backend() == first  # rolled back and kept: idle again

    postgres_server.admin("SELECT pg_terminate_backend(%s)", first)
    assert backend() not in (first, 0)  # a terminated backend: replaced, no error
    postgres_server.stop()
    postgres_server.start()
    with db.reading() as conn:
        assert conn.execute("SELECT name FROM groups").fetchall() == [("Clients",)]


def test_personal_settings_stay_personal_on_a_team_database(
        postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The draft being written, window sizes and which events were notified are one
    person's; quiet hours and the like are the team's. On this computer's own file nothing
    changes."""
    from app.services.tracking import notify_rules

    team = open_database(postgres_url)
    monkeypatch.setenv("LOGNAME", "anne")
    team.set_setting("compose/draft", '{"subject": "Devis Anne"}')
    team.set_setting("window/main", "10,10,800,600")
    team.set_setting("quiet_hours.start", "19:00")
    notify_rules.collect(team)  # Anne's starting point
    monkeypatch.setenv("LOGNAME", "marc")
    assert team.get_setting("compose/draft") is None
    assert team.get_setting("window/main") is None
    assert team.get_setting("quiet_hours.start") == "19:00"
    team.set_setting("compose/draft", '{"subject": "Relance Marc"}')
    monkeypatch.setenv("LOGNAME", "anne")
    assert team.get_setting("compose/draft") == '{"subject": "Devis Anne"}'
    with team.reading() as conn:
        keys = {r[0] for r in conn.execute("SELECT key FROM settings").fetchall()}
    assert team.setting_key("notify.last_event_id") in keys
    assert not any(k.startswith("notify.last_event_id@marc") for k in keys)

    local = open_database(tmp_path / "own.sqlite3")
    local.set_setting("compose/draft", "x")
    assert local.setting_key("compose/draft") == "compose/draft"
    monkeypatch.setenv("LOGNAME", "marc")
    assert local.get_setting("compose/draft") == "x"


def test_each_colleague_has_their_own_notifications(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bounce on the shared table is told once to each colleague, in their own history
    and unread count (not once per laptop to everyone); a failing account likewise."""
    from app.services.tracking import notify_rules as nr
    from tests.support import sent_messages as sm

    team = open_database(postgres_url)
    ids = sm.demo(team)
    for person in ("anne", "marc"):
        monkeypatch.setenv("LOGNAME", person)
        first = nr.collect(team, "en")  # each one's starting point and the failing account
        assert [n.kind for n in first] == ["sync_failed"]
    sm.add_event(team, ids["sent"], "hard_bounce", "bounce", "user_unknown", "550 5.1.1")
    for person in ("anne", "marc"):
        monkeypatch.setenv("LOGNAME", person)
        assert [n.kind for n in nr.collect(team, "en")] == ["bounce"]
        assert nr.collect(team, "en") == []
    monkeypatch.setenv("LOGNAME", "anne")
    assert [n.kind for n in nr.history(team)] == ["bounce", "sync_failed"]
    nr.mark_all_seen(team)
    assert nr.unseen_count(team) == 0
    monkeypatch.setenv("LOGNAME", "marc")
    assert nr.unseen_count(team) == 2 and len(nr.history(team)) == 2
