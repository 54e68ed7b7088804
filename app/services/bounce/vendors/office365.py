"""Microsoft 365 / Outlook.com (Exchange Online) non-delivery reports, in their human layouts.

Most of these NDRs carry a message/delivery-status part (read by the DSN reader); this
module reads the human part for the ones that do not (forwarded NDRs, HTML-only copies,
localised reports) and sharpens vague DSN fields. Layouts, as Microsoft documents them
("Email non-delivery reports and SMTP errors in Exchange Online", learn.microsoft.com):
- the current one: "Your message to X couldn't be delivered." / "X wasn't found at Y." ...
  "More info for email admins" / "Status code: 550 5.1.10" ... "Error Details" /
  "Reported error: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; ..." / "Recipient Address: X";
  French ("Votre message à X n'a pas pu être remis", "Code d'état", "Erreur signalée",
  "Adresse du destinataire") and German ("Ihre Nachricht an X konnte nicht zugestellt
  werden", "Statuscode", "Gemeldeter Fehler", "Empfängeradresse");
- the older one: "Delivery has failed to these recipients or groups:" + addresses + a
  sentence, then "Diagnostic information for administrators:" with, per recipient, "Remote
  Server returned '550 5.1.1 ...'" or "#550 5.1.1 RESOLVER... ##" (also FR/DE);
- delays: "Delivery is delayed to these recipients or groups:" (action delayed).
"""

from __future__ import annotations

import re

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import (
    addresses_in,
    from_daemon,
    has_header,
    in_received,
    seen,
    sender,
)

NAME = "office365"

_MS_HOSTS = ("outlook.com", "office365", "exchangelabs.com", "onmicrosoft.com", "hotmail.com",
             "outbound.protection.outlook", "prod.outlook.com")
_MARKS = ("couldn't be delivered", "could not be delivered", "delivery has failed to these",
          "n'a pas pu être remis", "konnte nicht zugestellt werden", "delivery is delayed to",
          "la remise a échoué", "fehler bei der zustellung", "diagnostic information for admin",
          "more info for email admins", "informations de diagnostic",
          "diagnoseinformationen für administratoren", "message hasn't been delivered",
          "remise différée", "zustellung verzögert", "wasn't found at")
_SENTENCE_RE = re.compile(
    r"(?:your message to|votre message (?:à|a)|ihre nachricht an)\s+([^\n]{3,400}?)\s+"
    r"(?:couldn't be delivered|could not be delivered|n'a pas pu être remis|konnte nicht"
    r" zugestellt werden|hasn't been delivered|has been delayed|n'a pas encore été remis"
    r"|wurde noch nicht zugestellt)", re.IGNORECASE)
_LIST_START_RE = re.compile(
    r"(?:delivery has failed to these recipients or groups|la remise a échoué pour ces"
    r" destinataires ou groupes|fehler bei der zustellung an folgende empfänger oder gruppen"
    r"|delivery is delayed to these recipients or groups|la remise (?:à|a) ces destinataires"
    r" ou groupes est différée|die zustellung an folgende empfänger oder gruppen"
    r" (?:ist|wird) verzögert)\s*:?", re.IGNORECASE)
_RCPT_FIELD_RE = re.compile(r"^[ \t]*(?:recipient address|adresse du destinataire|empfängeradresse)"
                            r"[ \t]*:[ \t]*([^\n]{3,400})", re.IGNORECASE | re.MULTILINE)
_REPORTED_RE = re.compile(r"^[ \t]*(?:reported error|erreur signalée|gemeldeter fehler)[ \t]*:"
                          r"[ \t]*([^\n]{3,600})", re.IGNORECASE | re.MULTILINE)
_STATUS_RE = re.compile(r"(?:status code|code d'état|code d’état|statuscode)[ \t]*:?[ \t]*"
                        r"([245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}|[245]\.\d{1,3}\.\d{1,3})",
                        re.IGNORECASE)
_ADMIN_RE = re.compile(r"diagnostic information for administrators|informations de diagnostic"
                       r" pour les administrateurs|diagnoseinformationen für administratoren",
                       re.IGNORECASE)
_RETURNED_RE = re.compile(
    r"(?:remote server(?: at ([A-Za-z0-9.-]{3,255})(?: \([0-9a-fA-F.:]{3,45}\))?)? returned"
    r"|le serveur distant(?: sur ([A-Za-z0-9.-]{3,255})(?: \([0-9a-fA-F.:]{3,45}\))?)?"
    r" a (?:retourné|renvoyé)|der remoteserver(?: unter ([A-Za-z0-9.-]{3,255})"
    r"(?: \([0-9a-fA-F.:]{3,45}\))?)? hat)\s*['‘’\"]([^'’\"\n]{3,600})['’\"]"
    r"|#([45]\d\d[ -][^#\n]{3,600})##?", re.IGNORECASE)


def detect(ctx: Context) -> bool:
    if not has_header(ctx, "X-MS-Exchange-Message-Is-Ndr"):  # Exchange Online's NDR mark
        if not from_daemon(ctx):
            return False  # a Hotmail user quoting an NDR is no NDR
        # Exchange Online only (on-premises Exchange has its own reader): its hosts
        who = sender(ctx)
        if not (any(h in who for h in _MS_HOSTS)
                or "outlook.com" in ctx.header("Message-ID").lower()
                or in_received(ctx, "outlook.com", "exchangelabs.com")):
            return False
    return seen(ctx, *_MARKS)


def extract(ctx: Context) -> list[Found]:
    # not ctx.head: "Original Message Details" (the new layout's middle) looks like the start
    # of a returned message; the original is an attachment here, never in this text
    text = ctx.text[:32000]
    delayed = bool(re.search(r"delivery is delayed to|est différée|verzögert|hasn't been"
                             r" delivered yet|n'a pas encore été remis", text[:6000],
                             re.IGNORECASE))
    addresses = _recipients(ctx, text)
    if not addresses:
        return []
    admin = _ADMIN_RE.search(text)
    admin_text = text[admin.end():] if admin else ""
    reported = [m.group(1).strip() for m in _REPORTED_RE.finditer(text)]
    status = _STATUS_RE.search(text)
    found = []
    for index, address in enumerate(addresses):
        diagnostic, remote = _admin_reply(admin_text, address)
        if not diagnostic and reported:
            diagnostic = reported[min(index, len(reported) - 1)]
        if not diagnostic:
            diagnostic = _sentence_after(text, address)
        if status and status.group(1) not in diagnostic:
            diagnostic = f"{status.group(1)} {diagnostic}".strip()
        found.append(Found(address=address, diagnostic=diagnostic, remote_mta=remote,
                           action="delayed" if delayed else None))
    return found


def _recipients(ctx: Context, text: str) -> list[str]:
    out: list[str] = []
    for match in _RCPT_FIELD_RE.finditer(text):
        out.extend(a for a in addresses_in(match.group(1)) if a not in out)
    listed = _LIST_START_RE.search(text)
    if listed:
        for line in text[listed.end():listed.end() + 4000].split("\n")[:40]:
            stripped = line.strip()
            if not stripped:
                if out:
                    break
                continue
            if _ADMIN_RE.search(stripped):
                break
            # an address line: "x@y", "Name (x@y)", "x@y<mailto:x@y>"; sentences are skipped
            if "@" in stripped and len(stripped.split()) <= 4:
                out.extend(a for a in addresses_in(stripped)[:1] if a not in out)
    if not out:
        sentence = _SENTENCE_RE.search(text)
        if sentence:
            out = addresses_in(sentence.group(1))
    return out[:200]


def _admin_reply(admin_text: str, address: str) -> tuple[str, str | None]:
    """The remote reply the administrators' block gives for ``address`` (and its host)."""
    if not admin_text:
        return "", None
    low = admin_text.lower()
    pos = low.find(address.lower())
    chunk = admin_text[pos:pos + 1500] if pos >= 0 else admin_text[:1500]
    match = _RETURNED_RE.search(chunk)
    if not match:
        return "", None
    reply = (match.group(4) or match.group(5) or "").strip()
    host = match.group(1) or match.group(2) or match.group(3)
    return reply, host.lower() if host else None


def _sentence_after(text: str, address: str) -> str:
    """The explanation Microsoft writes under the address ("... couldn't be found ...")."""
    pos = text.lower().find(address.lower())
    if pos < 0:
        return ""
    for line in text[pos:pos + 1500].split("\n")[1:6]:
        line = line.strip()
        if len(line) > 20 and "@" not in line[:3]:
            return line[:500]
    return ""
