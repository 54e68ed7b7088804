"""The ``postier`` command: the GUI by default, subcommands for headless use.

This module owns the entry point (``main``, also ``[project.scripts]`` and
``python -m app.cli``), the argument parser, and the output contract of ../shared/CLI.md:
with ``--json`` stdout holds exactly one JSON document (logs go to stderr); exit 0 success,
1 the thing checked failed, 2 bad usage/input or a broken environment; an error is one line,
or ``{"error": {"code", "message"[, "hint", "reply"]}}`` with ``--json``, never a
traceback. The handlers that do each subcommand's work are in ``app.commands``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from app.commands.contract import EXIT_FAILED, EXIT_OK, EXIT_USAGE, USAGE_CODES, CommandResult
from app.services.errors import InputError, PostierError

log = logging.getLogger("postier")


# ---------------------------------------------------------------------------
# Output contract: errors (results are printed by _dispatch)
# ---------------------------------------------------------------------------
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
# Parser
# ---------------------------------------------------------------------------
class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would print usage + exit 2
        raise UsageError(message)


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
    # Imported here, not at the top: the GUI's start and ``--version`` go through this module
    # and need no handler (the laziness is explained in app/commands/__init__.py).
    from app.commands import accounts, classify, delivery, domain, history

    parser = _Parser(prog="postier", description="Postier: mail account setup and tracking.")
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def command(name: str, handler: Callable[[argparse.Namespace], CommandResult],
                helptext: str, parent: Any = sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=helptext, description=helptext)
        p.add_argument("--json", action="store_true", help="print one JSON document")
        p.set_defaults(handler=handler)
        return p

    p = command("discover", accounts.cmd_discover, "find the server settings for an address")
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

    check_args(command("check", accounts.cmd_check, "prove that an account works"))

    account = sub.add_parser("account", help="manage accounts")
    account_sub = account.add_subparsers(dest="account_command", parser_class=_Parser)
    p = command("add", accounts.cmd_account_add, "check an account and store it if it works",
                account_sub)
    check_args(p)
    p.set_defaults(timeout=None)  # 30 s for a password check, 300 s for a sign-in (--oauth)
    p.add_argument("--name", help="display name")
    p.add_argument("--oauth", action="store_true",
                   help="sign in on the provider's page (Microsoft, Google) instead of a password")
    p.add_argument("--provider", choices=("microsoft", "google"),
                   help="with --oauth: whose sign-in (default: from the address)")
    p.add_argument("--device-code", action="store_true",
                   help="with --oauth: sign in with a code on any other device")
    command("list", accounts.cmd_account_list, "list accounts", account_sub)
    p = command("remove", accounts.cmd_account_remove, "remove an account and its keyring entry",
                account_sub)
    p.add_argument("email")

    command("config", accounts.cmd_config,
            "show the deployment configuration (postier.toml) in use")

    p = command("classify", classify.cmd_classify, "classify bounce / DSN / auto-reply messages")
    p.add_argument("files", nargs="+", metavar="FILE")

    p = command("send", delivery.cmd_send, "send a message and record it")
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

    p = command("track", delivery.cmd_track, "read the mailbox and update message statuses")
    p.add_argument("--account", metavar="EMAIL")
    p.add_argument("--once", action="store_true")
    p.add_argument("--timeout", type=_seconds, default=None,
                   help="with --once: per connection [60]; without: stop after this many "
                        "seconds [never]")

    p = command("outbox", delivery.cmd_outbox, "send the queued messages that are due")
    p.add_argument("--account", metavar="EMAIL")
    p.add_argument("--once", action="store_true",
                   help="one pass, then exit (default: keep sending each message when due)")
    p.add_argument("--timeout", type=_seconds, default=None,
                   help="without --once: stop after this many seconds [never]")

    p = command("messages", history.cmd_messages, "list sent messages and their status")
    p.add_argument("--account", metavar="EMAIL")
    p.add_argument("--status")
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--sent-by", metavar="NAME", help="only what this person sent (team mode)")

    db = sub.add_parser("db", help="check or restore Postier's data file")
    db_sub = db.add_subparsers(dest="db_command", parser_class=_Parser)
    command("check", history.cmd_db_check, "check the data file for damage (read-only)", db_sub)
    p = command("restore", history.cmd_db_restore,
                "restore the latest backup (the current file is kept, renamed)", db_sub)
    p.add_argument("--from", dest="source", metavar="FILE", help="this backup file instead")
    p = command("migrate-to", history.cmd_db_migrate_to,
                "copy this computer's accounts and sent messages into a team database", db_sub)
    p.add_argument("url", help="postgresql://user@host/database (no password: keyring, "
                   "PGPASSWORD or ~/.pgpass)")
    p.add_argument("--batch", type=int, default=200, help="messages per transaction")

    p = command("domain", domain.cmd_domain,
                "check a sender domain's health (MX, SPF, DKIM, DMARC…)")
    p.add_argument("domain")
    p.add_argument("--smtp-host", help="the account's SMTP host (for SPF include and PTR)")
    p.add_argument("--ip", action="append", default=[], help="sending IP to test (PTR, DNSBL)")
    p.add_argument("--timeout", type=_seconds, default=10.0)
    return parser


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------
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
