"""The ``postier`` command: the GUI by default, subcommands for headless use.

Contract: ../shared/CLI.md. With ``--json`` stdout holds exactly one JSON document;
logs go to stderr. Exit 0 success, 1 the thing checked failed, 2 bad usage/input.
Bad input never produces a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from app.services import translation
from app.services.errors import InputError, PostierError

log = logging.getLogger("postier")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Exit 2 (CLI.md): a name that does not exist and a broken environment (damaged data, no
# usable keyring, no OAuth2 app registration anywhere, a bad postier.toml) are not "the thing
# checked failed", whichever layer notices them.
USAGE_CODES = frozenset({"ACCOUNT_NOT_FOUND", "INVALID_EMAIL", "DATABASE_ERROR",
                         "DATABASE_TOO_NEW", "KEYRING_UNAVAILABLE", "KEYRING_LOCKED",
                         "OAUTH_NOT_CONFIGURED", "CONFIG_INVALID",
                         "TEAM_DATABASE_UNREACHABLE", "TEAM_DATABASE_AUTH_FAILED"})


class CommandResult:
    """What a handler returns: a JSON-able document, readable text and an exit code."""

    def __init__(self, data: Any, text: str, code: int = EXIT_OK) -> None:
        self.data, self.text, self.code = data, text, code


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would print usage + exit 2
        raise UsageError(message)


def _wants_json(argv: Sequence[str]) -> bool:
    return "--json" in argv


def _emit_error(code: str, message: str, as_json: bool, extra: dict[str, Any] | None = None,
                hint: str | None = None, reply: str | None = None) -> None:
    if as_json:
        err: dict[str, Any] = {"code": code, "message": message}
        if hint:
            err["hint"] = hint
        if reply:
            err["reply"] = reply
        print(json.dumps({"error": err, **(extra or {})}, ensure_ascii=False))
    else:
        print(f"postier: error: {message}" + (f" ({hint})" if hint else "")
              + (f"\n  provider: {reply}" if reply else ""), file=sys.stderr)


def _provider_words(exc: PostierError) -> str | None:
    """An OAuth provider's own answer (AADSTS number, policy): what IT needs. Only for the
    sign-in codes: they hold no secret, unlike a mail server's echo of a refused login."""
    return exc.reply if exc.code.startswith("OAUTH_") else None


# ---------------------------------------------------------------------------
# Secrets: never on the command line.
# ---------------------------------------------------------------------------
def read_secret(args: argparse.Namespace) -> str | None:
    if getattr(args, "password_env", None):
        value = os.environ.get(args.password_env)
        if value is None:
            raise InputError(f"environment variable {args.password_env} is not set")
        return _usable_secret(value, f"environment variable {args.password_env}")
    if getattr(args, "password_stdin", False):
        try:
            line = sys.stdin.readline()
        except UnicodeDecodeError:
            line = "\udcff"  # reported below as not UTF-8, never echoed
        return _usable_secret(line.rstrip("\r\n"), "standard input")
    return None


def _usable_secret(value: str, where: str) -> str:
    """An empty password (empty stdin, empty variable) or one that is not UTF-8 text
    (undecodable bytes become lone surrogates) is bad input: refused before any
    connection, and the message never shows the value."""
    if not value:
        raise InputError(f"no password in {where}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"the password in {where} is not UTF-8 text") from None
    return value


_MAX_SECONDS = 366 * 24 * 3600  # sockets and deadlines overflow on huge values (1e308, inf)


def _seconds(text: str) -> float:
    """--timeout: a positive, finite number of seconds (nan, inf, 0 and -1 are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= _MAX_SECONDS:  # also false for nan
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds between 0 and {_MAX_SECONDS}, got {text!r}")
    return value


def _add_secret_args(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--password-env", metavar="VAR",
                       help="read the password from this environment variable")
    group.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of stdin")


# ---------------------------------------------------------------------------
# Handlers (each returns CommandResult; raising PostierError is fine)
# ---------------------------------------------------------------------------
def _settings():  # noqa: ANN202 - import kept local so `postier --version` stays fast
    from app.services.config import Settings

    try:
        settings = Settings.from_env()
    except InputError:
        raise  # CONFIG_INVALID: postier.toml, naming the file and the key
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    # postier.toml's [app] language: errors' messages and hints are said in it (CLI.md).
    translation.set_language(settings.option("app.language") or translation.SOURCE_LANGUAGE)
    return settings


def cmd_discover(args: argparse.Namespace) -> CommandResult:
    from app.services.setup import discovery

    result = discovery.discover(args.email, _settings(), timeout=args.timeout)
    if not result.found:
        err = PostierError("NOT_FOUND")
        return CommandResult({"error": {"code": err.code, "message": err.message,
                                        "hint": err.hint},
                              "email": result.email, "domain": result.domain,
                              "tried": [t.to_dict() for t in result.tried],
                              "elapsed_ms": result.elapsed_ms},
                             discovery.format_text(result), EXIT_FAILED)
    return CommandResult(result.to_dict(), discovery.format_text(result))


def _check_inputs(args: argparse.Namespace):  # noqa: ANN202
    from app.services.mail.auth import Credential
    from app.services.setup.endpoint import Endpoint

    secret = read_secret(args)
    if secret is None:
        raise InputError("a password is needed: use --password-env VAR or --password-stdin")
    username = args.username or args.email
    imap = Endpoint.parse(args.imap) if args.imap else None
    smtp = Endpoint.parse(args.smtp) if args.smtp else None
    return Credential(username, secret), imap, smtp


def cmd_check(args: argparse.Namespace) -> CommandResult:
    credential, imap, smtp = _check_inputs(args)  # bad input is refused before any work
    from app.services.setup import connection_check

    result = connection_check.check_account(
        args.email, credential, _settings(), imap=imap, smtp=smtp,
        timeout=args.timeout, pin=args.pin)
    return _scrubbed(CommandResult(result.to_dict(), connection_check.format_text(result),
                                   EXIT_OK if result.ok else EXIT_FAILED), credential)


def cmd_account_add(args: argparse.Namespace) -> CommandResult:
    if args.oauth:
        return _account_add_oauth(args)
    if args.provider or args.device_code:
        raise InputError("--provider and --device-code go with --oauth")
    if args.timeout is None:
        args.timeout = 30.0
    credential, imap, smtp = _check_inputs(args)
    from app.services.setup import new_account

    outcome = new_account.add_account(_settings(), args.email, credential, imap=imap,
                                      smtp=smtp, timeout=args.timeout, pin=args.pin,
                                      display_name=args.name or "")
    code = EXIT_OK if outcome.ok else EXIT_FAILED
    if outcome.error is not None and outcome.error.code in USAGE_CODES:
        code = EXIT_USAGE  # checked fine, but no usable keyring to keep the password
    return _scrubbed(CommandResult(outcome.to_dict(), outcome.text(), code), credential)


def _account_add_oauth(args: argparse.Namespace) -> CommandResult:
    """CLI.md "OAuth2 from the command line": the wizard's sign-in sequence, then the
    XOAUTH2 check, then the tokens into the keyring. A device code is told on stderr (one
    JSON line) the moment it is known, so support can read it out; stdout keeps the one
    result document."""
    if args.password_env or args.password_stdin:
        raise InputError("--oauth signs in on the provider's page: no password is read")
    import webbrowser

    from app.services.setup import new_account
    from app.services.setup.discovery import parse_email
    from app.services.setup.endpoint import Endpoint

    parse_email(args.email)  # INVALID_EMAIL before anything else
    imap = Endpoint.parse(args.imap) if args.imap else None
    smtp = Endpoint.parse(args.smtp) if args.smtp else None
    settings = _settings()
    provider = new_account.oauth_provider_for(settings, args.email, args.provider)
    timeout = args.timeout if args.timeout is not None else 300.0

    def tell_code(code: Any) -> None:
        line = {"verification_uri": code.verification_uri, "user_code": code.user_code,
                "expires_in": max(0, round(code.expires_at - time.time()))}
        print(json.dumps(line, ensure_ascii=False), file=sys.stderr, flush=True)
        if not args.json:
            print(f"Open {code.verification_uri} and enter the code {code.user_code}",
                  file=sys.stderr, flush=True)

    def open_browser(url: str) -> None:
        # Over SSH or without a desktop no browser opens: the page can be opened elsewhere.
        print(f"Sign in in your web browser; if none opens, open this page: {url}",
              file=sys.stderr, flush=True)
        webbrowser.open(url)

    outcome = new_account.add_oauth_account(
        settings, args.email, provider, device=args.device_code, on_code=tell_code,
        open_browser=open_browser,
        timeout=timeout, check_timeout=min(timeout, 30.0), imap=imap, smtp=smtp,
        display_name=args.name or "")
    return CommandResult(outcome.to_dict(), outcome.text(),
                         EXIT_OK if outcome.ok else EXIT_FAILED)


def cmd_config(args: argparse.Namespace) -> CommandResult:
    """CLI.md "Deployment configuration": each value with the file (or variable) it came
    from, and the files looked at. Secrets show as "set"."""
    settings = _settings()
    return CommandResult(settings.deploy.to_dict(), settings.deploy.text())


def _scrubbed(result: CommandResult, credential: Any) -> CommandResult:
    """The result without the password in any form: a server that echoes the AUTH or
    LOGIN line in its refusal puts it into the check's ``reply`` fields."""
    from app.services.redaction import scrub

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return scrub(value, credential.secret, credential.username)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return CommandResult(clean(result.data), clean(result.text), result.code)


def cmd_account_list(args: argparse.Namespace) -> CommandResult:
    from app.services.setup import accounts

    items = accounts.list_accounts(_settings())
    text = "\n".join(f"{a['email']}  imap {a['imap_host']}:{a['imap_port']}  "
                     f"smtp {a['smtp_host']}:{a['smtp_port']}" for a in items) or "(no account)"
    return CommandResult(items, text)


def cmd_account_remove(args: argparse.Namespace) -> CommandResult:
    from app.services.setup import accounts

    removed = accounts.remove_account(_settings(), args.email)
    return CommandResult({"email": args.email, "removed": removed},
                         f"{args.email} removed" if removed else f"{args.email}: no such account",
                         EXIT_OK if removed else EXIT_FAILED)


def cmd_classify(args: argparse.Namespace) -> CommandResult:
    from app.services import bounce

    entries = bounce.classify_files(args.files, stdin=sys.stdin.buffer)
    return CommandResult(entries, bounce.format_text(entries))


def _read_text_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}", code="FILE_ERROR") from exc


def _check_send_args(settings: Any, args: argparse.Namespace) -> None:
    """Bad input (exit 2) is refused before any work, even settling an earlier run:
    the sender must be an account that exists, every recipient a valid address."""
    from app.services.addresses import validate_recipient
    from app.services.setup.accounts import require_account

    for given in [*args.to, *args.cc, *args.bcc]:
        if given and given.strip():
            validate_recipient(given)
    if "\r" in args.subject or "\n" in args.subject:  # sending.record's rule, asked early
        raise InputError("the subject must be one line")
    require_account(settings, args.sender)


def cmd_send(args: argparse.Namespace) -> CommandResult:
    # Services never see argparse: build the message here, map the outcome to CLI.md's JSON.
    body = args.body if args.body is not None else _read_text_file(args.body_file)
    html = _read_text_file(args.html_file) if args.html_file else None
    from app.services.outbox import sending

    settings = _settings()
    _check_send_args(settings, args)
    sending.recover_interrupted(settings)  # a previous run killed mid-send: settle it first
    msg = sending.OutgoingMessage(account_email=args.sender, to=args.to, cc=args.cc,
                                  bcc=args.bcc, subject=args.subject, text=body, html=html,
                                  read_receipt=args.read_receipt, test=args.test)
    result = sending.send_message(settings, msg)
    code = EXIT_FAILED if result.status == "failed" else EXIT_OK
    if result.error and result.error.get("code") in USAGE_CODES:
        code = EXIT_USAGE  # a broken environment (no keyring…), not a refused message
    return CommandResult(result.to_dict(), result.text(), code)


def cmd_track(args: argparse.Namespace) -> CommandResult:
    if args.timeout is not None and args.timeout <= 0:
        raise InputError("--timeout must be positive")
    if args.timeout is None and args.once:
        args.timeout = 60.0
    from app.services.tracking import watcher as tracking

    settings = _settings()
    if args.account is not None:  # an unknown account is bad input (exit 2), checked first
        from app.services.setup.accounts import require_account

        require_account(settings, args.account)
    from app.services.tracking import notify

    stop = _stop_on_signals(not args.once)
    # Long-running, it also sends what falls due: a headless machine running only
    # `postier track` never leaves a message queued (CLI.md). Notifications by e-mail go
    # out from here too, as from the window (notify.py decides and sends them).
    with notify.notifying(settings, watching=not args.once) as notifier:
        result = tracking.track(settings, args.account, once=args.once,
                                timeout=args.timeout, outbox=not args.once, stop=stop,
                                on_update=notifier.poke)
    failed = bool(result.errors) and len({e["account"] for e in result.errors}) >= max(
        1, len(result.accounts)) and result.scanned == 0
    return CommandResult(result.to_dict(), result.text(), EXIT_FAILED if failed else EXIT_OK)


def _stop_on_signals(long_running: bool) -> Any:
    """For a long run (outbox, track): Ctrl-C / SIGTERM finish the work under way (a
    message being sent, a batch being read), then the report is printed."""
    import signal
    import threading

    stop = threading.Event()
    if long_running:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
    return stop


def cmd_outbox(args: argparse.Namespace) -> CommandResult:
    from app.services.outbox import sending

    settings = _settings()
    accounts = sending.outbox_accounts(settings, args.account)  # unknown: exit 2, first
    stop = _stop_on_signals(not args.once)

    def progress(result: Any) -> None:  # stdout keeps its one document: news go to stderr
        log.info("outbox: message %s %s", result.id, result.status)

    report = sending.run_outbox(settings, accounts=accounts, once=args.once, stop=stop,
                                timeout=args.timeout, on_result=progress)
    failed = any(e["status"] == "failed" for e in report.failed)
    return CommandResult(report.to_dict(), report.text(), EXIT_FAILED if failed else EXIT_OK)


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
    rows = [r.to_dict() for r in mv.listing(database(_settings()), flt, limit=args.limit)]
    text = "\n".join(f"{r['id']:>5}  {r['date']}  {r['status']:<11} {r['to']:<30} {r['subject']}"
                     for r in rows) or "(no message)"
    return CommandResult(rows, text)


def cmd_db_check(args: argparse.Namespace) -> CommandResult:
    """CLI.md "data care": PRAGMA integrity_check on the data file, read-only."""
    from app.services.storage import check_database

    settings = _settings()
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

    if _settings().option("database.url"):
        raise InputError("db restore puts back this computer's data file; a team database is "
                         "restored from its server's backups (ask whoever runs it).",
                         code="DATABASE_ERROR")
    source = Path(args.source) if args.source else None
    if source is not None and not source.is_file():
        raise InputError(f"cannot read {source}: no such file", code="FILE_ERROR")
    report = restore_database(_settings().db_path, source)
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
    settings = _settings()

    def progress(done: int, total: int) -> None:
        if total:
            print(f"{done}/{total} messages", file=sys.stderr, flush=True)

    report = migrate.migrate(settings.db_path, args.url, batch=args.batch, progress=progress,
                             display_name=settings.option("database.display_name"))
    return CommandResult(report.to_dict(), report.text())


def cmd_domain(args: argparse.Namespace) -> CommandResult:
    from app.services.domain_health import model, runner

    # Bad input is refused (exit 2) before any look-up.
    domain = runner.normalize_domain(args.domain)
    ips = runner.normalize_ips(args.ip)
    if args.timeout <= 0:
        raise InputError("--timeout must be a positive number of seconds")
    report = runner.check_domain(
        domain, _settings(), smtp_host=args.smtp_host, ips=ips,
        provider=getattr(args, "provider", None),
        dkim_selectors=getattr(args, "dkim_selector", None) or (), timeout=args.timeout)
    lang = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    text = model.format_text(report, "fr" if lang.lower().startswith("fr") else "en")
    return CommandResult(report.to_dict(), text, EXIT_OK if report.ok else EXIT_FAILED)


# ---------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------
class _VersionAction(argparse.Action):
    """``--version``: the version is looked up only when asked for (it may need
    importlib.metadata, slower than the rest of a subcommand's start-up)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> None:
        from app import __version__

        print(f"postier {__version__}", flush=True)
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="postier", description="Postier: mail account setup and tracking.")
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def command(name: str, handler: Callable[[argparse.Namespace], CommandResult],
                helptext: str, parent: Any = sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=helptext, description=helptext)
        p.add_argument("--json", action="store_true", help="print one JSON document")
        p.set_defaults(handler=handler)
        return p

    p = command("discover", cmd_discover, "find the server settings for an address")
    p.add_argument("email")
    p.add_argument("--timeout", type=_seconds, default=15.0)

    def check_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("email")
        _add_secret_args(p)
        p.add_argument("--username")
        p.add_argument("--imap", metavar="HOST:PORT:SECURITY")
        p.add_argument("--smtp", metavar="HOST:PORT:SECURITY")
        p.add_argument("--timeout", type=_seconds, default=30.0)
        p.add_argument("--pin", metavar="SHA256", help="trust exactly this certificate")

    check_args(command("check", cmd_check, "prove that an account works"))

    account = sub.add_parser("account", help="manage accounts")
    account_sub = account.add_subparsers(dest="account_command", parser_class=_Parser)
    p = command("add", cmd_account_add, "check an account and store it if it works", account_sub)
    check_args(p)
    p.set_defaults(timeout=None)  # 30 s for a password check, 300 s for a sign-in (--oauth)
    p.add_argument("--name", help="display name")
    p.add_argument("--oauth", action="store_true",
                   help="sign in on the provider's page (Microsoft, Google) instead of a password")
    p.add_argument("--provider", choices=("microsoft", "google"),
                   help="with --oauth: whose sign-in (default: from the address)")
    p.add_argument("--device-code", action="store_true",
                   help="with --oauth: sign in with a code on any other device")
    command("list", cmd_account_list, "list accounts", account_sub)
    p = command("remove", cmd_account_remove, "remove an account and its keyring entry",
                account_sub)
    p.add_argument("email")

    command("config", cmd_config, "show the deployment configuration (postier.toml) in use")

    p = command("classify", cmd_classify, "classify bounce / DSN / auto-reply messages")
    p.add_argument("files", nargs="+", metavar="FILE")

    p = command("send", cmd_send, "send a message and record it")
    p.add_argument("--from", dest="sender", required=True, metavar="EMAIL")
    p.add_argument("--to", action="append", required=True, metavar="ADDR")
    p.add_argument("--cc", action="append", default=[], metavar="ADDR")
    p.add_argument("--bcc", action="append", default=[], metavar="ADDR")
    p.add_argument("--subject", required=True)
    body = p.add_mutually_exclusive_group(required=True)
    body.add_argument("--body")
    body.add_argument("--body-file")
    p.add_argument("--html-file", help="HTML body (the text body is the alternative)")
    p.add_argument("--test", action="store_true", help="mark as a test message")
    p.add_argument("--read-receipt", action="store_true", help="ask for a read receipt (MDN)")

    p = command("track", cmd_track, "read the mailbox and update message statuses")
    p.add_argument("--account", metavar="EMAIL")
    p.add_argument("--once", action="store_true")
    p.add_argument("--timeout", type=_seconds, default=None,
                   help="with --once: per connection [60]; without: stop after this many "
                        "seconds [never]")

    p = command("outbox", cmd_outbox, "send the queued messages that are due")
    p.add_argument("--account", metavar="EMAIL")
    p.add_argument("--once", action="store_true",
                   help="one pass, then exit (default: keep sending each message when due)")
    p.add_argument("--timeout", type=_seconds, default=None,
                   help="without --once: stop after this many seconds [never]")

    p = command("messages", cmd_messages, "list sent messages and their status")
    p.add_argument("--account", metavar="EMAIL")
    p.add_argument("--status")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--sent-by", metavar="NAME", help="only what this person sent (team mode)")

    db = sub.add_parser("db", help="check or restore Postier's data file")
    db_sub = db.add_subparsers(dest="db_command", parser_class=_Parser)
    command("check", cmd_db_check, "check the data file for damage (read-only)", db_sub)
    p = command("restore", cmd_db_restore,
                "restore the latest backup (the current file is kept, renamed)", db_sub)
    p.add_argument("--from", dest="source", metavar="FILE", help="this backup file instead")
    p = command("migrate-to", cmd_db_migrate_to,
                "copy this computer's accounts and sent messages into a team database", db_sub)
    p.add_argument("url", help="postgresql://user@host/database (no password: keyring, "
                   "PGPASSWORD or ~/.pgpass)")
    p.add_argument("--batch", type=int, default=200, help="messages per transaction")

    p = command("domain", cmd_domain, "check a sender domain's health (MX, SPF, DKIM, DMARC…)")
    p.add_argument("domain")
    p.add_argument("--smtp-host", help="the account's SMTP host (for SPF include and PTR)")
    p.add_argument("--ip", action="append", default=[], help="sending IP to test (PTR, DNSBL)")
    p.add_argument("--timeout", type=_seconds, default=10.0)
    return parser


def _run_gui() -> int:
    from app.ui.main import run_gui

    return run_gui(sys.argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # answered before logging and the 15 subcommands' parser
        from app import __version__

        print(f"postier {__version__}")
        return EXIT_OK
    level = os.environ.get("POSTIER_LOG", "WARNING").upper()
    if not isinstance(logging.getLevelName(level), int):  # POSTIER_LOG=bogus: no traceback
        level = "WARNING"
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    as_json = _wants_json(argv)
    if not argv:
        return _run_gui()
    parser = build_parser()
    # File names may be any bytes (classify reads them and reports each file on its own);
    # every other argument must be UTF-8 text.
    file_args = set(argv[1:]) if argv[0] == "classify" else set()
    for arg in argv:  # undecodable bytes in argv arrive as lone surrogates
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            if arg in file_args and not arg.startswith("-"):
                continue
            _emit_error("INVALID_INPUT", "an argument is not valid UTF-8 text", as_json)
            return EXIT_USAGE
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        _emit_error("USAGE", str(exc), as_json)
        return EXIT_USAGE
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return _dispatch(handler, args, as_json)


def _dispatch(handler: Callable[[argparse.Namespace], CommandResult],
              args: argparse.Namespace, as_json: bool) -> int:
    from app.services.storage import StorageError

    try:
        result = handler(args)
    except InputError as exc:
        _emit_error(exc.code, exc.message, as_json, hint=exc.hint)
        return EXIT_USAGE
    except PostierError as exc:
        _emit_error(exc.code, exc.message, as_json, hint=exc.hint, reply=_provider_words(exc))
        return EXIT_USAGE if exc.code in USAGE_CODES else EXIT_FAILED
    except StorageError as exc:
        _emit_error(exc.code, exc.message, as_json, hint=getattr(exc, "hint", None))
        return EXIT_USAGE if exc.code in USAGE_CODES else EXIT_FAILED
    except KeyboardInterrupt:
        _emit_error("CANCELLED", "interrupted", as_json)
        return 130
    except Exception as exc:  # last line of defence: never a traceback for the user
        log.debug("unexpected error", exc_info=True)
        _emit_error("INTERNAL_ERROR", f"{type(exc).__name__}: {exc}", as_json)
        return EXIT_FAILED
    try:
        if as_json:
            print(json.dumps(result.data, ensure_ascii=False, default=str), flush=True)
        elif result.text:
            print(result.text, flush=True)
    except BrokenPipeError:  # `postier … | head`: the reader left, that's not our failure
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return result.code


if __name__ == "__main__":
    sys.exit(main())
