"""Sending and following up: ``send`` (one message, recorded), ``outbox`` (the queued
messages that are due) and ``track`` (the mailbox read for bounces, receipts and replies;
long-running, it sends what falls due too).

A long run (``outbox`` or ``track`` without ``--once``) stops on Ctrl-C or SIGTERM after the
work under way; its news go to stderr, stdout keeps its one document.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from app.commands.contract import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    USAGE_CODES,
    CommandResult,
    load_settings,
)
from app.services.errors import InputError

log = logging.getLogger("postier")


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


def cmd_send(args: argparse.Namespace) -> CommandResult:
    # Services never see argparse: build the message here, map the outcome to CLI.md's JSON.
    body = args.body if args.body is not None else _read_text_file(args.body_file)
    html = _read_text_file(args.html_file) if args.html_file else None
    from app.services.outbox import sending

    settings = load_settings()
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

    settings = load_settings()
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


def cmd_outbox(args: argparse.Namespace) -> CommandResult:
    from app.services.outbox import sending

    settings = load_settings()
    accounts = sending.outbox_accounts(settings, args.account)  # unknown: exit 2, first
    stop = _stop_on_signals(not args.once)

    def progress(result: Any) -> None:  # stdout keeps its one document: news go to stderr
        log.info("outbox: message %s %s", result.id, result.status)

    report = sending.run_outbox(settings, accounts=accounts, once=args.once, stop=stop,
                                timeout=args.timeout, on_result=progress)
    failed = any(e["status"] == "failed" for e in report.failed)
    return CommandResult(report.to_dict(), report.text(), EXIT_FAILED if failed else EXIT_OK)
