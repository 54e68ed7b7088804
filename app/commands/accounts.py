"""Setting an account up: ``discover``, ``check``, ``account add|list|remove`` (with a
password or an OAuth2 sign-in) and ``config``, the deployment settings they read.

Secrets never come from the command line (``--password-env VAR`` or ``--password-stdin``)
and never leave in a result: a server that echoes the login line has it scrubbed out.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from app.commands.contract import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    USAGE_CODES,
    CommandResult,
    load_settings,
)
from app.services.errors import InputError, PostierError


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


# ---------------------------------------------------------------------------
# Handlers
# ---------------------------------------------------------------------------
def cmd_discover(args: argparse.Namespace) -> CommandResult:
    from app.services.setup import discovery

    result = discovery.discover(args.email, load_settings(), timeout=args.timeout)
    if not result.found:
        err = PostierError("NOT_FOUND")
        return CommandResult({"error": {"code": err.code, "message": err.message,
                                        "hint": err.hint},
                              "email": result.email, "domain": result.domain,
                              "tried": [t.to_dict() for t in result.tried],
                              "elapsed_ms": result.elapsed_ms},
                             discovery.format_text(result), EXIT_FAILED)
    return CommandResult(result.to_dict(), discovery.format_text(result))


def _check_inputs(args: argparse.Namespace):  # noqa: ANN202 - services' types: imported late
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
        args.email, credential, load_settings(), imap=imap, smtp=smtp,
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

    outcome = new_account.add_account(load_settings(), args.email, credential, imap=imap,
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
    settings = load_settings()
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


def cmd_account_list(args: argparse.Namespace) -> CommandResult:
    from app.services.setup import accounts

    items = accounts.list_accounts(load_settings())
    text = "\n".join(f"{a['email']}  imap {a['imap_host']}:{a['imap_port']}  "
                     f"smtp {a['smtp_host']}:{a['smtp_port']}" for a in items) or "(no account)"
    return CommandResult(items, text)


def cmd_account_remove(args: argparse.Namespace) -> CommandResult:
    from app.services.setup import accounts

    removed = accounts.remove_account(load_settings(), args.email)
    return CommandResult({"email": args.email, "removed": removed},
                         f"{args.email} removed" if removed else f"{args.email}: no such account",
                         EXIT_OK if removed else EXIT_FAILED)


def cmd_config(args: argparse.Namespace) -> CommandResult:
    """CLI.md "Deployment configuration": each value with the file (or variable) it came
    from, and the files looked at. Secrets show as "set"."""
    settings = load_settings()
    return CommandResult(settings.deploy.to_dict(), settings.deploy.text())
