"""Storage failures: StorageError (a code from the error catalogue, a message naming the
file, a hint) and the mapping of SQLite's own errors to it."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class StorageError(Exception):
    """Raised for database problems; ``code`` is one of the error catalogue's codes."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


_WRITE_FAILURES = ("SQLITE_FULL", "SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC",
                   "SQLITE_IOERR_TRUNCATE", "SQLITE_IOERR_SHMSIZE", "SQLITE_IOERR_DIR_FSYNC")
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def database_error(path: Path, exc: BaseException) -> StorageError:
    """DATABASE_ERROR naming the file and what SQLite said, with the way out: a full disk
    (a write that failed: ENOSPC, EFBIG…) is freed, a damaged file restored from its backup
    (the damaged one is kept). The transaction was rolled back: nothing is half-written."""
    text = str(exc) or type(exc).__name__
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name in _WRITE_FAILURES or getattr(exc, "errno", None) in (errno.EFBIG, errno.ENOSPC):
        return StorageError(
            "DATABASE_ERROR", f"Postier's data file {path} could not be written (disk full or "
            f"write error: {text}); the change was cancelled, nothing was half-written.",
            "Free some disk space (or check the disk), then try again.")
    hint = None  # the catalogue's: disk space, permissions of the data folder
    if name.startswith(_DAMAGED) or "malformed" in text or "not a database" in text:
        hint = ("Run 'postier db check' to see the damage and 'postier db restore' to go back "
                "to the latest backup (the damaged file is kept beside it).")
    return StorageError("DATABASE_ERROR", f"Postier's data file {path} could not be read or "
                        f"written: {text}", hint)


def is_storage_failure(exc: BaseException) -> bool:
    """Errors of the file, not of the query: a constraint (IntegrityError) is the caller's
    business and a ProgrammingError is a bug, so both pass through unchanged."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(
        exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError))



@contextmanager
def mapped(path: Path) -> Iterator[None]:
    """Any query of the file can meet a damaged page or a full disk, not only the open:
    always the same DATABASE_ERROR naming the file, never a bare traceback."""
    try:
        yield
    except BaseException as exc:
        if is_storage_failure(exc):
            raise database_error(path, exc) from exc
        raise
