"""The sent-messages table and the data it is kept in: ``messages`` (the window's own
listing), ``db check``, ``db restore`` and ``db migrate-to`` (this computer's history into a
team database)."""

from __future__ import annotations

import argparse
import sys

from app.commands.contract import EXIT_FAILED, EXIT_OK, CommandResult, load_settings
from app.services.errors import InputError


def cmd_messages(args: argparse.Namespace) -> CommandResult:
    from app.services.history.message_status import STATUSES

    if args.status and args.status not in STATUSES:
        raise InputError(f"--status must be one of {', '.join(STATUSES)}")
    if args.limit <= 0:
        raise InputError("--limit must be positive")
    from app.services.history import message_views as mv
    from app.services.setup.accounts import database

    # The window's own read path (same index, order and filter): the CLI lists what it shows.
    flt = mv.ViewFilter(statuses=(args.status,) if args.status else (),
                        accounts=(args.account,) if args.account else (),
                        senders=(args.sent_by,) if args.sent_by else ())
    rows = [r.to_dict() for r in mv.listing(database(load_settings()), flt, limit=args.limit)]
    text = "\n".join(f"{r['id']:>5}  {r['date']}  {r['status']:<11} {r['to']:<30} {r['subject']}"
                     for r in rows) or "(no message)"
    return CommandResult(rows, text)


def cmd_db_check(args: argparse.Namespace) -> CommandResult:
    """CLI.md "data care": PRAGMA integrity_check on the data file, read-only."""
    from app.services.storage import check_database

    settings = load_settings()
    team_url = settings.option("database.url")
    if team_url:  # team mode: the shared database, not this computer's file
        from app.services.storage.postgres import check_team_database
        from app.services.team.connection import keyring_password

        report = check_team_database(team_url, keyring_password)
        where = report["database"]
    else:
        report = check_database(settings.db_path)
        where = report["file"]
    text = f"{where}: " + ("ok" if report["ok"] else "DAMAGED\n  " + "\n  ".join(
        report["problems"][:20]))
    return CommandResult(report, text, EXIT_OK if report["ok"] else EXIT_FAILED)


def cmd_db_restore(args: argparse.Namespace) -> CommandResult:
    """The latest sound backup (or --from FILE) in place of the data file; the replaced
    file is kept beside it, renamed, never deleted."""
    from pathlib import Path

    from app.services.storage import restore_database

    if load_settings().option("database.url"):
        raise InputError("db restore puts back this computer's data file; a team database is "
                         "restored from its server's backups (ask whoever runs it).",
                         code="DATABASE_ERROR")
    source = Path(args.source) if args.source else None
    if source is not None and not source.is_file():
        raise InputError(f"cannot read {source}: no such file", code="FILE_ERROR")
    report = restore_database(load_settings().db_path, source)
    text = f"restored {report['file']} from {report['restored_from']}" + (
        f"; the previous file is kept as {report['damaged_kept_as']}"
        if report["damaged_kept_as"] else "")
    return CommandResult(report, text)


def cmd_db_migrate_to(args: argparse.Namespace) -> CommandResult:
    """Copy this computer's history into the team database (issue 19); resumable, a second
    run copies nothing. Progress on stderr: stdout keeps its one document."""
    from app.services.team import migrate

    migrate.check_target(args.url)
    if args.batch <= 0:
        raise InputError("--batch must be positive")
    settings = load_settings()

    def progress(done: int, total: int) -> None:
        if total:
            print(f"{done}/{total} messages", file=sys.stderr, flush=True)

    report = migrate.migrate(settings.db_path, args.url, batch=args.batch, progress=progress,
                             display_name=settings.option("database.display_name"))
    return CommandResult(report.to_dict(), report.text())
