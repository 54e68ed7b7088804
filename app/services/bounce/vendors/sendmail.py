"""Sendmail's free-text bounces (V8 and the older V5 layout) and its delay warnings.

V8 (sendmail's savemail.c) writes "The original message was received at ...", then
"----- The following addresses had permanent fatal errors -----" (or "transient non-fatal
errors" in a warning headed "THIS IS A WARNING MESSAGE ONLY"), one address per line with
"(reason: 550 5.1.1 ...)" and "(expanded from: <alias>)" below it, then "----- Transcript of
session follows -----": "... while talking to mx.example.com.:", ">>> RCPT To:<x>" (the command
sent), "<<< 550 5.1.1 <x>... User unknown" (the reply) and sendmail's own summary "550 5.1.1
<x>... User unknown" or "<x>... Deferred: Connection refused by host". V5 has the transcript
only ("While talking to host:"). The report ends at "----- Original message follows -----",
"----- Unsent message follows -----" or "----- Message header follows -----".
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR, norm_addr
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "sendmail"

_MARKS = ("----- transcript of session follows -----", "----- the following addresses had",
          "the original message was received at")
_ENDS = ("----- original message follows", "----- unsent message follows",
         "----- message header follows", "----- returned message follows",
         "----- message body suppressed", "content-type: message/")
_LIST_RE = re.compile(r"^\s*-{2,10} ?the following addresses? (?:had|has) (permanent fatal"
                      r"|transient non-fatal) errors? ?-{2,10}\s*$", re.IGNORECASE | re.MULTILINE)
_TRANSCRIPT_RE = re.compile(r"^\s*-{2,10} ?transcript of session follows ?-{2,10}\s*$",
                            re.IGNORECASE | re.MULTILINE)
_LIST_ADDR = re.compile(r"^\s{0,8}<?(" + ADDR + r")>?\s*$")
_REASON = re.compile(r"^\s+\(reason: (.{1,1000})\)\s*$", re.IGNORECASE)
_SENT = re.compile(r"^>>> ?([A-Za-z]{4})(?: ?(?:to|from))?:?\s*(?:<([^<>\s]{1,320})>)?",
                   re.IGNORECASE)
_REPLY = re.compile(r"^<<< ?(.{1,1000})$")
# sendmail's own summary lines: "550 5.1.1 <x>... User unknown", "<x>... Deferred: reason"
_SUMMARY = re.compile(r"^(?:[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3} )?)?<?(" + ADDR
                      + r")>?\.\.\. ?(.{1,1000})$")
_OWN_ERROR = re.compile(r"^[45]\d\d[ -](?![245]\.0\.0 service unavailable)", re.IGNORECASE)
_GAVE_UP = re.compile(r"message could not be delivered for [^\n]{1,40}", re.IGNORECASE)
_TALKING = re.compile(r"while talking to ([A-Za-z0-9.\[\]-]{1,255}?)\.?:", re.IGNORECASE)


def detect(ctx: Context) -> bool:
    start = mtatext.opening(ctx, 3000)
    return any(mark in start for mark in _MARKS) or ("----- transcript of session" in start)


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:48000]
    report = mtatext.section(text, ("",), _ENDS) or text
    listed = _listed(report)
    transcript = _transcript(report)
    warning = "warning message only" in report[:3000].lower()
    gave_up = _GAVE_UP.search(report)
    out: list[Found] = []
    if listed:
        for address, (kind, reason_line) in listed.items():
            heard = transcript.get(address.lower())
            diagnostic, command, remote = heard if heard else ("", None, None)
            if reason_line and not (diagnostic and _has_reply(diagnostic)):
                diagnostic = reason_line
            if not diagnostic:
                diagnostic, command, remote = transcript.get("", ("", None, None))
            action = "delayed" if kind == "transient non-fatal" else None
            if gave_up and action is None and gave_up.group(0).lower() not in diagnostic.lower():
                diagnostic = f"{diagnostic} ({gave_up.group(0)})"  # queue lifetime reached
            out.append(mtatext.make(address, diagnostic, command=command, remote=remote,
                                    action=action))
        return out
    for key, (diagnostic, command, remote) in transcript.items():
        if key:
            out.append(mtatext.make(key, diagnostic, command=command, remote=remote,
                                    action="delayed" if warning else None))
    return out


def _has_reply(text: str) -> bool:
    return bool(re.match(r"\s*[245]\d\d", text))


def _listed(report: str) -> dict[str, tuple[str | None, str]]:
    """Addresses under "The following addresses had ... errors", with their "(reason: ...)"."""
    out: dict[str, tuple[str | None, str]] = {}
    for match in _LIST_RE.finditer(report):
        kind = match.group(1).lower()
        current = None
        for line in mtatext.lines_of(report[match.end():match.end() + 20000])[1:]:
            if line.strip().startswith("-----"):
                break
            if not line.strip():
                if current is not None or out:
                    break
                continue
            address = _LIST_ADDR.match(line)
            if address:
                current = norm_addr(address.group(1))
                out.setdefault(current, (kind, ""))
                continue
            reason = _REASON.match(line)
            if reason and current is not None:
                out[current] = (kind, reason.group(1))
    return out


def _transcript(report: str) -> dict[str, tuple[str, str | None, str | None]]:
    """Per address (lower-case; '' for the session's last reply), the reply, the SMTP command
    it answered and the host sendmail was talking to."""
    match = _TRANSCRIPT_RE.search(report)
    if not match:
        return {}
    out: dict[str, tuple[str, str | None, str | None]] = {}
    command, about, remote = None, None, None
    # what a local mailer (procmail, maildrop, a pipe) printed before sendmail's summary of
    # it: "maildrop: maildir over quota." then "550 5.0.0 <x>... Insufficient permission"
    # (sendmail's text for the mailer's exit code) - the mailer's own words say why
    printed: list[str] = []
    for line in mtatext.lines_of(report[match.end():match.end() + 30000])[1:]:
        talking = _TALKING.search(line)
        if talking:
            remote = talking.group(1).strip("[]").lower()
            printed = []
            continue
        sent = _SENT.match(line)
        if sent:
            command = mtatext.command_word(sent.group(1))
            about = sent.group(2).lower() if sent.group(2) and "@" in sent.group(2) else None
            printed = []
            continue
        reply = _REPLY.match(line)
        if reply:
            entry = (reply.group(1), command, remote)
            if about and about not in out:
                out[about] = entry
            if command != "QUIT" and reply.group(1)[:1] in "45":
                out.setdefault("", entry)
            printed = []
            continue
        summary = _SUMMARY.match(line.strip())
        if summary:
            key = summary.group(1).lower()
            if key not in out:
                said = line.strip()
                if printed and command is None and remote is None:
                    said = f"{said} ({' '.join(printed[-3:])})"
                out[key] = (said, command if about == key or command == "DATA" else None,
                            remote)
            printed = []
        elif line.strip():
            printed.append(line.strip()[:300])
            if _OWN_ERROR.match(line):
                # sendmail's own refusal, about no address ("554 Too many hops 26 (25 max):
                # from x via y, to z"): the session's diagnostic if no reply came before
                out.setdefault("", (line.strip(), command, remote))
    return out
