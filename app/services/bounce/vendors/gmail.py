"""Gmail and Google Workspace: the reports of "Mail Delivery Subsystem
<mailer-daemon@googlemail.com>".

Two layouts (Google's help page "Fix bounced or rejected emails", support.google.com/mail
and support.google.com/a/answer/3726730 for the codes):
- since ~2015, a headline between stars and one sentence, then the remote reply:
  "** Address not found **" / "Your message wasn't delivered to X because the address
  couldn't be found..." / "The response from the remote server was:" + reply; also
  "** Message blocked **", "** Message not delivered **", "** Delivery incomplete **"
  (a delay: "Gmail will retry for N more hours") and Workspace's own refusals ('Send mail as'
  misconfigured) that name no address: the returned message's To is then the recipient;
- before, "Delivery to the following recipient failed permanently:" (or "has been
  delayed:") + the indented address, "Technical details of permanent failure:" and "The
  error that the other server returned was:" + reply, often ending in "(state N)", Gmail's
  SMTP state: it tells which command was refused.
Most of these reports also carry a message/delivery-status part: the DSN reader reads it and
asks this module only when its fields are vague.
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import (
    addresses_in,
    after_marker,
    original_recipients,
    remote_host,
    seen,
    sender,
)

NAME = "gmail"

# Gmail writes its reports in the sender's interface language: English, French, German here.
_RESPONSE_MARKERS = ("the response from the remote server was:", "the response was:",
                     "the error that the other server returned was:",
                     "la réponse du serveur distant était :",
                     "la réponse du serveur distant était:",
                     "la réponse était :", "la réponse était:",
                     "die antwort des remoteservers lautete:", "die antwort war:")
# New layout: the sentence that names the recipient(s).
_SENTENCE_RE = re.compile(
    r"(?:wasn't delivered to|was not delivered to|couldn't be delivered to|could not be"
    r" delivered to|problem delivering your message to|your message to|n'a pas été distribué à"
    r"|la distribution de votre message à|votre message envoyé à|wurde nicht an"
    r"|zustellen ihrer nachricht an|ihre nachricht an)\s+"
    r"([^\n]{3,600}?)(?=,? car\b|,? weil\b|\s+because\b|\s+has been\b|\s+a été\b"
    r"|\s+zugestellt\b|\s+wurde\b|\s+ist ein\b|\.\s|\.$|\n|$)", re.IGNORECASE)
_HEADLINE_RE = re.compile(r"^\s*\*\*\s*([^*\n]{3,80}?)\s*\*\*\s*$", re.MULTILINE)
# Old layout: the addresses indented under "Delivery to the following recipient(s)...".
_OLD_START_RE = re.compile(r"delivery to the following recipients? (failed permanently|has been"
                           r" delayed|failed temporarily)", re.IGNORECASE)
_INDENTED_ADDR_RE = re.compile(r"^[ \t]+<?(\S{1,64}@\S{1,255}?)>?[ \t]*$", re.MULTILINE)
_STATE_RE = re.compile(r"\(state (\d{1,2})\)")
# Gmail's SMTP client states (as they show in its old reports): the command it was at, and
# what a refusal there means (13: refused at the greeting, the sending host is blocked; 12:
# the server wanted authenticated relaying; 14: refused at RCPT; 15-18: refused after DATA).
_STATE_COMMAND = {"6": "MAIL", "8": "AUTH", "9": "AUTH", "12": "AUTH", "13": "EHLO",
                  "14": "RCPT", "15": "DATA", "17": "DATA", "18": "DATA"}
_STATE_REASON = {"6": "system_error", "8": "system_error", "9": "system_error",
                 "12": "no_relaying", "13": "blocked", "14": "user_unknown", "15": "filtered",
                 "17": "filtered", "18": "filtered"}
# "did not accept our requests to connect": no answer from the host (RFC 3463 X.4.1), the
# status Gmail's own DSN gives it; in a final report, Gmail retried until it gave up.
_NO_ANSWER = "did not accept our requests to connect"


def detect(ctx: Context) -> bool:
    who = sender(ctx)
    if "mailer-daemon@googlemail.com" in who or "mailer-daemon@google.com" in who:
        return True
    if "delivery status notification" not in ctx.subject.lower():
        return False
    return seen(ctx, "gmail will retry", "google tried to deliver your message")


def extract(ctx: Context) -> list[Found]:
    head = ctx.head
    old = _OLD_START_RE.search(head)
    if old:
        return _old_layout(head, old)
    return _new_layout(ctx, head)


def _new_layout(ctx: Context, head: str) -> list[Found]:
    headline_match = _HEADLINE_RE.search(head[:4000])
    headline = headline_match.group(1).lower() if headline_match else ""
    sentence_match = _SENTENCE_RE.search(head[:8000])
    sentence = _paragraph(head, sentence_match.start()) if sentence_match else ""
    addresses = addresses_in(sentence_match.group(1)) if sentence_match else []
    if not addresses:
        addresses = original_recipients(ctx)
    if not addresses:
        return []
    response = after_marker(head, _RESPONSE_MARKERS)
    diagnostic = response or sentence or headline
    low = f"{headline} {sentence}".lower()
    delayed = _is_delay(headline, low, head)
    reason = _reason_of(low, response.lower(), delayed)
    remote = remote_host(response) or remote_host(head)
    found = []
    for address in addresses:
        text = diagnostic
        if response and sentence and not _has_code(response) and reason != "host_unknown":
            text = f"{response} ({sentence.strip()})"  # the sentence says more than a DNS note
        found.append(Found(address=address, diagnostic=text, reason=reason,
                           remote_mta=remote, action="delayed" if delayed else None,
                           command=_command_of(response),
                           status="4.4.1" if _NO_ANSWER in response.lower() else None))
    return found


def _is_delay(headline: str, low: str, head: str) -> bool:
    """"Delivery incomplete": Gmail is still retrying (EN/FR/DE wordings)."""
    if any(m in headline for m in ("incomplete", "incomplète", "unvollständig")):
        return True
    if any(m in low for m in ("temporary problem delivering", "problème temporaire",
                              "vorübergehendes problem")):
        return True
    return "gmail will retry" in head[:6000].lower()


def _reason_of(low: str, response: str, delayed: bool) -> str | None:
    """Gmail's own sentence, where it names the cause (vague reasons: the reply may sharpen)."""
    if delayed:
        return None
    if ("because the domain" in low and "couldn't be found" in low) or (
            "car le domaine" in low and "introuvable" in low) or (
            "weil die domain" in low and "nicht gefunden" in low):
        return "host_unknown"
    if any(m in low for m in ("address couldn't be found", "address not found",
                              "adresse introuvable", "l'adresse est introuvable",
                              "adresse nicht gefunden", "die adresse nicht gefunden")):
        return "user_unknown"
    if "inbox is full" in low or "mailbox full" in low or "out of storage" in response:
        return "mailbox_full"
    if _NO_ANSWER in response:
        return "expired"  # Gmail retried for days, then gave up
    if "domain name not found" in response or "nxdomain" in response:
        return "host_unknown"
    return None


def _old_layout(head: str, start: re.Match[str]) -> list[Found]:
    delayed = "delayed" in start.group(1).lower() or "temporarily" in start.group(1).lower()
    body = head[start.end():start.end() + 12000]
    addresses: list[str] = []
    for match in _INDENTED_ADDR_RE.finditer(body[:3000]):
        addresses.extend(a for a in addresses_in(match.group(1)) if a not in addresses)
    if not addresses:
        return []
    response = after_marker(body, _RESPONSE_MARKERS)
    details = after_marker(body, ("technical details of permanent failure:",
                                  "technical details of temporary failure:"), max_lines=12)
    diagnostic = response or details
    state = _STATE_RE.search(diagnostic)
    command = _STATE_COMMAND.get(state.group(1)) if state else _command_of(diagnostic)
    reason = _STATE_REASON.get(state.group(1)) if state else None
    low = diagnostic.lower()
    if not delayed and reason is None:
        if "dns error: domain name not found" in low or "returned answer with no data" in low:
            reason = "host_unknown"
        elif _NO_ANSWER in low or "could not contact dns" in low:
            reason = "expired"
    remote = remote_host(details) or remote_host(body[:4000])
    status = "4.4.1" if _NO_ANSWER in low else None
    return [Found(address=a, diagnostic=diagnostic, reason=reason, remote_mta=remote,
                  action="delayed" if delayed else None, command=command, status=status)
            for a in addresses]


_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


def _paragraph(text: str, start: int) -> str:
    """The paragraph from the line holding ``start`` to the next blank line (max 600)."""
    line_start = text.rfind("\n", 0, start) + 1
    end = _PARAGRAPH_END.search(text, start, start + 600)
    return text[line_start:end.start() if end else start + 600].strip()


_CODE_RE = re.compile(r"(?<![\d.])[245]\d\d(?![\d.])|(?<![\d.])[245]\.\d{1,3}\.\d{1,3}")
_COMMAND_RE = re.compile(r"\[(RCPT_TO|MAIL_FROM|DATA|EHLO|HELO)\]|\b(?:after|in reply to)"
                         r" (RCPT TO|MAIL FROM|DATA|end of data)\b", re.IGNORECASE)


def _has_code(text: str) -> bool:
    return bool(_CODE_RE.search(text[:400]))


def _command_of(text: str) -> str | None:
    match = _COMMAND_RE.search(text[:2000])
    if not match:
        return None
    word = (match.group(1) or match.group(2)).upper().replace("_", " ")
    return {"RCPT TO": "RCPT", "MAIL FROM": "MAIL", "END OF DATA": "DATA"}.get(word, word)
