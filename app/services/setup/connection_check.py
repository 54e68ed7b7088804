"""Prove that an account works: IMAP and SMTP, step by step, concurrently, with one deadline.

Each server is checked in its own thread (resolve → connect → tls → greeting → starttls →
login → select INBOX / MAIL FROM probe); every step is timed and reported as it finishes
(``progress``), every failure is mapped to a stable code of ../shared/CLI.md with the
server's raw reply. The calling thread supervises: at the deadline or on ``cancel`` it
shuts the sockets down, so a server that never answers cannot make a check hang.

Security: certificate verification is always on (``tls.client_context``); a pinned SHA-256
fingerprint is the only exception. A password is never sent before TLS: a ``plain``
endpoint is upgraded with STARTTLS when the server offers it, else refused
(PLAINTEXT_REFUSED). When a certificate is refused, its details are fetched over a second,
unverified connection that only reads the certificate (never logs in), for the trust
dialog.

This module runs the two checks and supervises them; what they share with it is
check_run.py's, one server's steps check_servers.py's (the protocols' own in
check_protocols.py), the result and its text check_report.py's (re-exported here).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from app.services.config import Settings
from app.services.errors import ErrorInfo, InputError, PostierError
from app.services.mail.auth import Credential
from app.services.mail.tls import normalize_fingerprint
from app.services.setup import discovery
from app.services.setup.check_protocols import ImapCheck, SmtpCheck
from app.services.setup.check_report import CheckResult, Step, format_text, most_useful
from app.services.setup.check_run import CheckRun
from app.services.setup.check_servers import ServerCheck
from app.services.setup.discovery import parse_email
from app.services.setup.endpoint import Endpoint


def check_account(email: str, credential: Credential, settings: Settings, *,
                  imap: Endpoint | None = None, smtp: Endpoint | None = None,
                  timeout: float = 30.0, pin: str | None = None, imap_pin: str | None = None,
                  smtp_pin: str | None = None, progress: Callable[[Step], None] | None = None,
                  cancel: threading.Event | None = None) -> CheckResult:
    """Check IMAP and SMTP concurrently; never takes longer than ``timeout`` (+ ~0.1 s).

    ``pin`` trusts one certificate (by SHA-256) on whichever server presents it;
    ``imap_pin``/``smtp_pin`` pin per server. ``progress`` is called from worker threads
    as each step finishes. ``cancel`` stops the check at once (sockets are shut down).
    """
    parse_email(email)  # the one address validator (raises INVALID_EMAIL)
    for value in (pin, imap_pin, smtp_pin):  # bad input is refused before any network work
        if value:
            try:
                normalize_fingerprint(value)
            except PostierError as exc:
                raise InputError(exc.message) from None
    started = time.monotonic()
    deadline = started + max(0.1, timeout)
    run = CheckRun(deadline, cancel, progress)
    discovery_info: dict[str, Any] | None = None
    if imap is None or smtp is None:
        try:
            imap, smtp, discovery_info = _discover(email, settings, imap, smtp, timeout,
                                                   run.cancel)
        except PostierError as exc:
            return CheckResult(ok=False, email=email, incoming=imap, outgoing=smtp,
                               error=ErrorInfo.from_error(exc),
                               elapsed_ms=int((time.monotonic() - started) * 1000),
                               discovery=discovery_info)
    checkers: list[ServerCheck] = [
        ImapCheck(run, imap, email, credential, settings, imap_pin or pin),
        SmtpCheck(run, smtp, email, credential, settings, smtp_pin or pin),
    ]
    threads = [threading.Thread(target=c.run_check, name=f"check-{c.server}", daemon=True)
               for c in checkers]
    for t in threads:
        t.start()
    run_started = time.monotonic()
    _supervise(run, threads)
    return _result(email, run, checkers, started, run_started, discovery_info)


def _supervise(run: CheckRun, threads: list[threading.Thread]) -> None:
    """Wait for both checks; at the deadline or on cancel, cut the connections."""
    pending = len(threads)
    while pending:
        if run.cancel.is_set() or time.monotonic() >= run.deadline:
            run.abort_all()
            # The threads now fail fast; give them a moment to report, but never wait long.
            for t in threads:
                t.join(timeout=0.2)
            break
        # Wake as soon as a checker ends; look at cancel every 50 ms.
        if run.finished.acquire(timeout=min(0.05, max(0.0, run.deadline - time.monotonic()))):
            pending -= 1


def _result(email: str, run: CheckRun, checkers: list[ServerCheck], started: float,
            run_started: float, discovery_info: dict[str, Any] | None) -> CheckResult:
    cancelled = run.cancel.is_set()
    with run.lock:
        run.closed = True
        steps = list(run.steps)
    errors: dict[str, ErrorInfo] = {}
    for c in checkers:
        err = c.error
        if err is None and not c.completed:
            # Still running at the deadline / cancel: the step it was on gets the blame.
            err = PostierError("CANCELLED" if cancelled else "TIMEOUT", server=c.server,
                               reply=f"no answer during {run.current.get(c.server, 'connect')}")
            steps.append(Step(c.server, run.current.get(c.server, "connect"), False,
                              int((time.monotonic() - run_started) * 1000), err.message,
                              err.code, err.reply))
        elif err is not None and cancelled and err.code != "CANCELLED":
            err = PostierError("CANCELLED", server=c.server)
        if err is not None:
            err.server = c.server
            errors[c.server] = ErrorInfo.from_error(err)
    now = time.monotonic()
    server_ms = {c.server: int(((c.t_end or now) - (c.t_start or now)) * 1000)
                 for c in checkers}
    first = most_useful(errors)
    return CheckResult(
        ok=not errors, email=email, incoming=checkers[0].effective,
        outgoing=checkers[1].effective, steps=steps,
        tls={c.server: c.tls for c in checkers if c.tls is not None},
        error=first, certificates={c.server: c.certificate for c in checkers if c.certificate},
        errors=errors, server_ms=server_ms,
        elapsed_ms=int((time.monotonic() - started) * 1000), discovery=discovery_info)


def _discover(email: str, settings: Settings, imap: Endpoint | None, smtp: Endpoint | None,
              timeout: float, cancel: threading.Event) -> tuple[Endpoint, Endpoint,
                                                                dict[str, Any]]:
    found = discovery.discover(email, settings, timeout=min(timeout, 15.0), cancel=cancel)
    info = {"source": found.source, "provider": found.provider} if found.found else \
        {"source": None, "provider": None}
    if not found.found or (imap is None and not found.incoming) or \
            (smtp is None and not found.outgoing):
        raise PostierError("NOT_FOUND")
    if imap is None:
        s = found.incoming[0]
        imap = Endpoint(s.host, int(s.port), s.security)
    if smtp is None:
        s = found.outgoing[0]
        smtp = Endpoint(s.host, int(s.port), s.security)
    return imap, smtp, info


__all__ = ["CheckResult", "Step", "check_account", "format_text"]
