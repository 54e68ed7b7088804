import sqlite3
from pathlib import Path

import pytest

from app.services import storage
from app.services.storage import Account, AccountStore, Database, StorageError, migrations


def _account(email: str = "jean@exemple.fr") -> Account:
    return Account(email=email, username=email, imap_host="imap.exemple.fr", imap_port=993,
                   imap_security="ssl", smtp_host="smtp.exemple.fr", smtp_port=587,
                   smtp_security="starttls")


def test_fresh_database_is_at_current_schema_in_wal(tmp_path: Path) -> None:
    db = Database(tmp_path / "p.sqlite3")
    with db.reading() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == storage.SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_account_roundtrip_and_unique_email(tmp_path: Path) -> None:
    store = AccountStore(Database(tmp_path / "p.sqlite3"))
    added = store.add(_account())
    assert added.id is not None
    assert store.get("JEAN@exemple.fr").imap_port == 993  # emails compare case-insensitively
    with pytest.raises(StorageError) as err:
        store.add(_account())
    assert err.value.code == "ACCOUNT_EXISTS"
    store.update_fields("jean@exemple.fr", label="Compta")
    assert store.get("jean@exemple.fr").label == "Compta"
    assert store.remove("jean@exemple.fr") is True
    assert store.remove("jean@exemple.fr") is False
    assert store.list() == []


def test_no_secret_column_exists(tmp_path: Path) -> None:
    db = Database(tmp_path / "p.sqlite3")
    with db.reading() as conn:
        columns = [r[1] for t in ("accounts", "messages") for r in
                   conn.execute(f"PRAGMA table_info({t})")]
    assert not [c for c in columns if "password" in c or "token" in c]


def test_database_from_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {storage.SCHEMA_VERSION + 5}")
    before = path.read_bytes()
    with pytest.raises(StorageError) as err:
        Database(path).connect()
    assert err.value.code == "DATABASE_TOO_NEW"
    assert path.read_bytes() == before


def test_migration_backs_up_old_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.sqlite3"
    Database(path).connect().close()
    AccountStore(Database(path)).add(_account())
    old_version = storage.SCHEMA_VERSION
    monkeypatch.setattr(migrations, "MIGRATIONS",
                        migrations.MIGRATIONS + ["ALTER TABLE accounts ADD COLUMN color TEXT"])
    db = Database(path)
    with db.reading() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old_version + 1
        assert "color" in [r[1] for r in conn.execute("PRAGMA table_info(accounts)")]
    backups = list(tmp_path.glob(f"p.sqlite3.v{old_version}-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("SELECT email FROM accounts").fetchone()[0] == "jean@exemple.fr"


def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    db = Database(tmp_path / "p.sqlite3")
    store = AccountStore(db)
    store.add(_account())
    with pytest.raises(RuntimeError):
        with db.transaction() as conn:
            conn.execute("UPDATE accounts SET label = 'x'")
            raise RuntimeError("crash mid-change")
    assert store.get("jean@exemple.fr").label == ""
