"""Microsoft Exchange Server NDRs in their text form: Exchange 2007 and later (on-premises) and
Exchange 2000/2003, in English and in the localised forms French and German users get.

Exchange 2007+: a friendly part ("Delivery has failed to these recipients or groups:" /
"La remise à ces destinataires ou groupes a échoué :" / "Fehler bei der Zustellung an
folgende Empfänger oder Gruppen:"; delays: "Delivery is delayed to these recipients or
groups:" / "La remise aux destinataires ou groupes suivants est retardée :"), then "Diagnostic
information for administrators:" (FR "Informations de diagnostic pour les administrateurs :",
DE "Diagnoseinformationen für Administratoren:"), "Generating server: X" and per recipient its
address alone on a line followed by the reply: "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not
found ##", "Remote Server returned '550 5.1.1 ...'" or "mx.example.com #550 5.7.1 ... ##", up
to "Original message headers:".

Exchange 2000/2003: "Your message ... did not reach the following recipient(s):" (FR "n'a pas
pu atteindre le(s) destinataire(s) suivant(s) :", DE "hat folgende Empfänger nicht erreicht:"),
then "rcpt@domain on <date>" and, indented, the reason sentence and "<host #5.1.1>" or
"MSEXCH:IMS:Org:Site:SERVER 0 (000C05A6) Unknown Recipient".
"""

from __future__ import annotations

import re

from app.services.bounce.addresses import ADDR
from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.providers import from_daemon

NAME = "exchange"

_ADMIN = (
    "diagnostic information for administrators",
    "informations de diagnostic pour les administrateurs",
    "diagnoseinformationen für administratoren",
    "información de diagnóstico para administradores",
    "informazioni diagnostiche per gli amministratori",
    "diagnostische informatie voor beheerders",
)
_FAILED = (
    "delivery has failed to these recipients or groups",
    "la remise à ces destinataires ou groupes a échoué",
    "fehler bei der zustellung an folgende empfänger oder gruppen",
    "error en la entrega a estos destinatarios o grupos",
    "recapito non riuscito per i seguenti destinatari o gruppi",
)
_DELAYED = (
    "delivery is delayed to these recipients or groups",
    "la remise aux destinataires ou groupes suivants est retardée",
    "la remise à ces destinataires ou groupes est différée",
    "die zustellung an folgende empfänger oder gruppen verzögert sich",
    "la entrega a estos destinatarios o grupos se ha retrasado",
    "la remise à ces destinataires ou groupes est retardée",
    "die zustellung an diese empfänger oder gruppen wird verzögert",
    "die zustellung an folgende empfänger oder gruppen wird verzögert",
    "il recapito ai destinatari o gruppi seguenti è in ritardo",
    "il recapito a questi destinatari o gruppi è stato ritardato",
    "de bezorging bij deze geadresseerden of groepen is vertraagd",
    "a entrega para estes destinatários ou grupos está atrasada",
    "a entrega a estes destinatários ou grupos está atrasada",
)
# Delivery and relay notices (NOTIFY=SUCCESS): "Delivered:" / "Relayed:" / "Remis :" reports.
# Relayed ("complete, but no delivery notification was sent by the destination server") is
# CLI.md's delivered too: the message left the last server that reports.
_DELIVERED = (
    "your message has been delivered to the following recipients",
    "delivery to these recipients or groups is complete",
    "delivery has succeeded to these recipients",
    "votre message a été remis aux destinataires suivants",
    "la remise à ces destinataires ou groupes est terminée",
    "ihre nachricht wurde an die folgenden empfänger übermittelt",
    "die zustellung an diese empfänger oder gruppen wurde abgeschlossen",
    "el mensaje se entregó a los siguientes destinatarios",
    "la entrega a estos destinatarios o grupos se ha completado",
    "il messaggio è stato recapitato ai seguenti destinatari",
    "uw bericht is bezorgd bij de volgende geadresseerden",
    "a sua mensagem foi entregue aos seguintes destinatários",
)
_E2003 = (
    "did not reach the following recipient(s)",
    "n'a pas pu atteindre le(s) destinataire(s) suivant(s)",
    "hat folgende empfänger nicht erreicht",
    "the following recipient(s) cannot be reached",
    "did not reach the following recipient",
)
_ENDS = ("original message headers", "en-têtes de message d'origine",
         "en-têtes du message d'origine", "ursprüngliche nachrichtenkopfzeilen",
         "encabezados del mensaje original", "intestazioni originali del messaggio",
         "content-type: message/", "\n--\n")
_ALONE = re.compile(r"^\s{0,8}<?(" + ADDR + r")>?\s*$")
# the friendly list's "x@y (x@y)" and "Display Name (x@y)" lines
_NAMED = re.compile(r"^\s{0,8}(?:<?(" + ADDR + r")>?|[^@()\n]{1,80}?)\s?\((" + ADDR
                    + r")\)\s*$")
_E2003_LINE = re.compile(r"^\s{0,8}<?(" + ADDR + r")>? (?:on|le|am|el|il) .{4,60}$")
_CODED = re.compile(r"(?:^|#|')[245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}")
_AT_HOST = re.compile(r"(?<![A-Za-z0-9.-])(" + mtatext.HOST + r") #[245]")
_GENERATING = re.compile(r"^(?:generating server|serveur de génération|generierender server"
                         r"|servidor de generación|server di generazione)\s?:\s?(\S{1,255})",
                         re.IGNORECASE | re.MULTILINE)
_RECEIVING = re.compile(r"^(?:receiving server|serveur de réception|empfangender server)\s?:\s?"
                        r"(\S{1,255})", re.IGNORECASE | re.MULTILINE)
# Exchange's own transport codes, named in the Exchange NDR documentation
_OWN = (("resolver.adr.recipnotfound", "user_unknown"), ("resolver.adr.exrecipnotfound",
        "user_unknown"), ("resolver.rst.recipsizelimit", "message_too_big"),
        ("resolver.adr.recipientlimit", "too_many_conn"), ("resolver.adr.reciplimit",
        "too_many_conn"), ("resolver.rst.notauthorized", "rejected"),
        ("resolver.rst.authrequired", "security_error"), ("queue.expired", "expired"),
        ("smtpsend.dns.nonexistentdomain", "host_unknown"),
        ("storedrv.deliver.exception:quotaexceededexception", "mailbox_full"),
        ("(000c05a6)", "user_unknown"))


def detect(ctx: Context) -> bool:
    start = mtatext.opening(ctx, 3000)
    if any(m in start for m in _DELIVERED):
        return from_daemon(ctx)  # a person forwarding a delivery notice is no notice
    return any(m in start for m in _FAILED + _DELAYED + _E2003) or any(
        m in start for m in _ADMIN)


def extract(ctx: Context) -> list[Found]:
    text = ctx.text[:48000]
    low = text[:8000].lower()
    delayed = any(m in low for m in _DELAYED)
    if not delayed and any(m in low for m in _DELIVERED) and not any(m in low for m in _FAILED):
        return [mtatext.make(a, "", action="delivered") for a in _listed(
            mtatext.section(text, _DELIVERED, _ADMIN + _ENDS))]
    admin = mtatext.section(text, _ADMIN, _ENDS)
    out = _admin_entries(admin, delayed) if admin else []
    if not out and any(m in low for m in _E2003):
        out = _e2003_entries(mtatext.section(text, _E2003, _ENDS), delayed)
    if not out:
        out = _friendly_entries(mtatext.section(text, _FAILED + _DELAYED, _ADMIN + _ENDS),
                                delayed)
    return out


def _admin_entries(admin: str, delayed: bool) -> list[Found]:
    generating = _GENERATING.search(admin)
    receiving = _RECEIVING.search(admin)
    named = receiving or generating
    host = named.group(1).lower() if named else None
    out = []
    for address, lines in _entries(admin, _ALONE, indented_only=False):
        diagnostic = mtatext.squash(lines)
        if not diagnostic:
            continue
        out.append(_found(address, diagnostic, delayed, host))
    return out


def _e2003_entries(body: str, delayed: bool) -> list[Found]:
    return [_found(a, mtatext.squash(lines), delayed, None)
            for a, lines in _entries(body, _E2003_LINE, indented_only=True)]


def _entries(text: str, head_re: re.Pattern[str], *, indented_only: bool
             ) -> list[tuple[str, list[str]]]:
    """(address, its lines) for each line ``head_re`` matches (address in group 1): the lines
    under it up to the first blank line after some text (a blank line right under the address
    does not end it). Exchange 2003 indents its reasons: ``indented_only`` keeps those alone."""
    entries: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in mtatext.lines_of(text):
        head = head_re.match(line)
        if head:
            current = []
            entries.append((head.group(1), current))
        elif not line.strip():
            if current:
                current = None
        elif current is not None and (not indented_only or line[:1] in " \t"):
            current.append(line)
    return entries


def _recipient_line(line: str) -> str | None:
    """The address of a line of the friendly list ("x@y", "x@y (x@y)", "Name (x@y)")."""
    alone = _ALONE.match(line)
    if alone:
        return alone.group(1)
    named = _NAMED.match(line)
    return named.group(2) if named else None


def _friendly_entries(body: str, delayed: bool) -> list[Found]:
    out: list[Found] = []
    lines = mtatext.lines_of(body)
    for index, line in enumerate(lines):
        address = _recipient_line(line)
        if address is None:
            continue
        follow = []
        for nxt in lines[index + 1:index + 12]:
            if _recipient_line(nxt) is not None:
                break
            follow.append(nxt)
        # a coded reply ("Remote Server returned '550 ...'") says more than the friendly text
        coded = [x for x in follow if _CODED.search(x)]
        if not coded:
            follow = follow[:next((i for i, x in enumerate(follow) if not x.strip()), None)]
        out.append(_found(address, mtatext.squash(coded or follow), delayed, None))
    return out


def _listed(body: str) -> list[str]:
    """The addresses a notice lists, one a line, up to its first blank line after them."""
    out: list[str] = []
    for line in mtatext.lines_of(body)[:60]:
        address = _recipient_line(line)
        if address is not None:
            out.append(address)
        elif out and not line.strip():
            break
    return out


def _found(address: str, diagnostic: str, delayed: bool, host: str | None) -> Found:
    low = diagnostic.lower()
    hint = next((reason for code, reason in _OWN if code in low), None)
    # "<mx.example.com #5.1.1>" and "mx.example.com #550 ..." name the host that answered
    at = _AT_HOST.search(diagnostic[:4000])
    remote = at.group(1).lower() if at else None
    return mtatext.make(address, diagnostic, action="delayed" if delayed else None,
                        remote=remote or mtatext.remote_host(diagnostic) or host, reason=hint)
