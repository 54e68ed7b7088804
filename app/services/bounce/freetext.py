"""Free-text bounces: the reports MTAs write for people instead of RFC 3464.

Finds the addresses a report is *about* (not the daemon, not the original sender), the lines
of text that belong to each, and the diagnostic among them. Vendor modules reuse these
helpers for the formats they know better.
"""

from __future__ import annotations

import re
from email.utils import getaddresses

from app.services.bounce.addresses import (
    ADDR,
    ADDR_LINE_RE,
    ADDR_RE,
    DAEMON_LOCAL,
    DAEMON_NAME,
    MSGID_HDR_RE,
    norm_addr,
)
from app.services.bounce.autoreply import AUTOREPLY_SUBJECT
from app.services.bounce.decode import Part, Parts, clean, header_text, human_text
from app.services.bounce.diagnostic_lines import (
    SCAN_LIMIT,
    diagnostic_of,
    global_diagnostic,
    has_code,
    has_diagnosis,
)
from app.services.bounce.judge import verdict
from app.services.bounce.model import (
    MAX_DIAGNOSTIC,
    MAX_RECIPIENTS,
    RecipientStatus,
    Report,
)
from app.services.bounce.reasons import (
    command_of,
    extract_codes,
)
from app.services.bounce.wording import (
    BOUNCE_BODY,
    BOUNCE_SUBJECT,
    DELAY_MARK,
    DELAY_SUBJECT,
    SUCCESS_SUBJECT,
)

# Where the returned original message starts in a free-text bounce.

CUT_RE = re.compile(
    r"^[ \t]*(?:-+[ \t]*)?(?:Below this line is a copy of the message|Below is a copy of the"
    r" original message|This is a copy of (?:the|your)"
    r" message|(?:Original|Unsent|Returned|Undelivered) message(?: follows| headers)?\b"
    r"|The (?:header|headers) of the original message|Original message headers:"
    r"|Message original|Message d'origine|En-têtes du message d'origine"
    r"|original message follows|start of (?:the )?returned message"
    r"|The text you sent follows|Return-path:)", re.IGNORECASE | re.MULTILINE)
_REMOTE_MTA_RES = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in (
    r"\bhost ([A-Za-z0-9.-]+\.[A-Za-z]{2,})\s*\[[0-9a-fA-F.:]+\]",
    r"while talking to ([A-Za-z0-9.-]+\.[A-Za-z]{2,})\.?:",
    r"remote[- ]mta:\s*(?:dns;\s*)?\[?([A-Za-z0-9.:-]+)",
    r"remote server (?:at )?([A-Za-z0-9.-]+\.[A-Za-z]{2,})",
    r"^\s*([A-Za-z0-9.-]+\.[A-Za-z]{2,}) \[[0-9.]+\]:?$",
    r"^\s*([0-9]{1,3}(?:\.[0-9]{1,3}){3}) (?:does not like|failed after)",
    r"\bmx host ([A-Za-z0-9.-]+\.[A-Za-z]{2,})",
    r"\bby ([A-Za-z0-9.-]+\.[A-Za-z]{2,})\.? \[[0-9a-fA-F.:]+\]",
)]

# Reply and forward prefixes of mail clients (EN, FR, DE, ES/IT/PT, NL, Nordic).
_REPLY_PREFIX = re.compile(r"\s{0,8}(?:re|fw|fwd|tr|aw|wg|rv|r|sv|vs|antw|res|enc|rif|i)"
                           r"\s{0,3}(?:\[\d{1,4}\])?\s{0,3}:", re.IGNORECASE)
# An address at a line start with non-ASCII characters (SMTPUTF8, RFC 6531): the ASCII
# ADDR cannot see them. Every run is bounded ({1,64}, {1,63}), so no backtracking blow-up.
# Not in an address: ASCII punctuation and the full-width forms CJK reports put around one
# ("收件人（x@y）不存在").
_U = "[^\\s<>\"'@,;:()\\[\\].（）【】「」《》：，；。、\u3000]"
_UTF8_ADDR_LINE_RE = re.compile(
    r"^[ \t>*-]*[<\"']?(?:(?:RFC822|rfc822|SMTP|smtp|utf-8|UTF-8);\s*)?("
    + _U + "{1,64}(?:\\." + _U + "{1,64}){0,8}@(?:" + _U + "{1,63}\\.){1,10}" + _U + "{2,63}"
    + r")[>\"']?(?=$|[\s:;,.(\[])", re.MULTILINE)
_MAILTO = re.compile(r"mailto:", re.IGNORECASE)
_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,60}:[ \t]")


# "Label: x@y" lines naming the recipient: a DSN's fields flattened into the text, and the
# "Recipient:" / "Failed Recipient:" / "Destinataire :" layouts of small MTAs and gateways.
_LABELLED_RE = re.compile(
    r"^[ \t>]{0,8}(?:final-recipient|x-failed-recipients?|failed[ -]recipients?"
    r"|(?:original |intended |invalid |unknown |failed |bad )?recipients?(?:\(s\))?"
    r"(?: address(?:es)?)?|(?:e-?mail )?address(?:e)?|destinataires?(?: ?\(s\))?"
    r"|adresses?(?: du destinataire| e-?mail| électronique)?|e-?mail-adresse|empfänger(?:adresse)?"
    r"|destinatario|destinatário|dirección(?: de correo)?|indirizzo|ontvanger"
    r"|unable to deliver to|undeliverable to|delivery to|收件人|收信人|수신자|получатель"
    r"|odbiorca|příjemce|mottagare|modtager|mottaker|vastaanottaja|alıcı)[ \t]{0,4}[:：]"
    r"[ \t]{0,8}(?:[A-Za-z0-9-]{1,20};[ \t]{0,8})?[<\"']?(" + ADDR + ")",
    re.IGNORECASE | re.MULTILINE)
# An X.400 recipient whose SMTP form is a domain-defined attribute (Exchange's IMS:
# "c=US;a= ;p=Org;o=Site;dda:SMTP=x@y; on <date>"): "SMTP=" is no part of the address.
_X400_DDA_RE = re.compile(r"\bdda:smtp=([^\s;<>@\"']{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,10}"
                          r"[A-Za-z0-9-]{1,63})", re.IGNORECASE)
# Numbered or bulleted lists of recipients: "1. x@y", "2) <x@y>", "• x@y".
_LISTED_RE = re.compile(r"^[ \t]{0,8}(?:\d{1,3}[.)]|[•·◦▪o])[ \t]{1,4}[<\"']?(" + ADDR + r")",
                        re.MULTILINE)
# Sentences naming the recipient, for reports that put no address at a line start:
# "Your message to <x@y> couldn't be delivered", "could not be delivered to x@y".
_SENTENCE_RE = re.compile(
    r"(?:(?:message|mail|e-?mail) (?:sent |addressed )?(?:to|for)|deliver(?:ed|y)? to"
    r"|delivering (?:to|your message to)|recipient|address|mailbox|user|destinataire|rcpt to"
    r"|(?:fail(?:ed|ure)|errors?|problems?) (?:for|with)|"
    r"adresse|à)[ \t:]{1,4}[<\"'(]?(" + ADDR + r")", re.IGNORECASE)
# Prose that hands out an address to write to: never the recipient of the report.
_CONTACT_RE = re.compile(
    r"contact|write to|e-?mail us|reach us|send (?:an? )?(?:e-?mail|message|note) to|questions"
    r"|support|helpdesk|help desk|assistance|administrat|joindre|contacter|écrire à|kontakt"
    r"|wenden sie sich|póngase en contacto")
_ACTION_FIELD_RE = re.compile(r"^[ \t]*action[ \t]*:[ \t]*([a-z]{1,12})",
                              re.IGNORECASE | re.MULTILINE)
# An address a narrow layout cut in two inside its brackets: "<jean@sous-\n domaine.example>".
_WRAPPED_ADDR_RE = re.compile(r"<([^<>\s@]{1,64}@[^<>\s@]{0,200})\n[ \t]{0,20}([^<>\s@]{1,200})>")


# What precedes the *sender's* address in a transcript or a summary ("MAIL FROM:<x>",
# "from x", "Sender: x"): never a recipient.
_SENDER_BEFORE_RE = re.compile(r"\b(?:mail from|from|sender|envelope-from|return-path|expéditeur"
                               r"|absender|remitente|message-id|message|msgid|queue id|id)"
                               r"[ \t]{0,3}[:=]?[ \t]{0,3}[<\"'(]?$")


_RECEIVED_FOR_RE = re.compile(r"\bfor\s{1,8}<(" + ADDR + r")>", re.IGNORECASE)
_ADDRESS_HEADER_RE = re.compile(r"(?:to|cc|bcc|from|reply-to|sender|resent-to|resent-cc"
                                r"|delivered-to|x-original-to)[ \t]{0,4}:", re.IGNORECASE)


def _in_copied_header(text: str, start: int) -> bool:
    """Is the line at ``start`` the continuation of a copied To/Cc header ("Cc: a@x,\n b@y"),
    from an original quoted without a marker? Its addresses are the sender's choice of
    recipients, not the report's."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start == 0 or text[line_start:line_start + 1] not in (" ", "\t"):
        return False
    end = line_start - 1
    for _ in range(20):  # walk up the folded lines to the header they continue
        if end <= 0:
            return False
        begin = text.rfind("\n", 0, end) + 1
        line = text[begin:end]
        if not line.strip():
            return False
        if line[:1] not in (" ", "\t"):
            return bool(_ADDRESS_HEADER_RE.match(line)) and line.rstrip().endswith(",")
        if not line.rstrip().endswith(","):
            return False
        end = begin - 1
    return False


def _contact_prose(text: str, start: int) -> bool:
    """Is the address at ``start`` one the report gives to write to (help desk, support) or
    the sender's? The words before it on its line decide, or the unfinished line before it."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 160):start].lower()
    if _CONTACT_RE.search(before) or _SENDER_BEFORE_RE.search(before[-40:]):
        return True
    if before.strip() or line_start == 0:
        return False
    prev_start = text.rfind("\n", 0, line_start - 1) + 1
    prev = text[max(prev_start, line_start - 200):line_start - 1].rstrip().lower()
    return bool(prev) and prev[-1:] not in ".:!?>" and bool(_CONTACT_RE.search(prev))


def _cut(text: str) -> re.Match[str] | None:
    """Where the returned original starts. A bare "Return-path:" line counts only when a
    header block follows it (a report may name the sender's Return-path in its prose)."""
    pos = 0
    for _ in range(8):
        found = CUT_RE.search(text, pos)
        if found is None or not found.group(0).strip().lower().startswith("return-path:"):
            return found
        nxt = text[found.end():found.end() + 400].split("\n")[1:2]
        if nxt and _HEADER_LINE.match(nxt[0]):
            return found
        pos = found.end()
    return None


def _address_lines(head: str) -> list[tuple[int, str]]:
    """(offset, address) of the addresses that start a line or follow a recipient label, in
    order, UTF-8 ones too."""
    found = [(m.start(), m.group(1)) for m in ADDR_LINE_RE.finditer(head)]
    found.extend((m.start(), m.group(1)) for m in _LABELLED_RE.finditer(head))
    found.extend((m.start(), m.group(1)) for m in _LISTED_RE.finditer(head))
    found.extend((m.start(), m.group(1)) for m in _X400_DDA_RE.finditer(head))
    if not head.isascii():
        found.extend((m.start(), m.group(1)) for m in _UTF8_ADDR_LINE_RE.finditer(head)
                     if not m.group(1).isascii())
    found.sort()
    return found


def addresses_named(text: str) -> list[str]:
    """The addresses a report's text is about (line starts, labels, lists; not the daemon's,
    not those handed out to write to), in order, once each, before any returned original."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cut = _cut(text)
    head = text[:cut.start()] if cut else text
    out: dict[str, str] = {}
    for start, named in _address_lines(head[:SCAN_LIMIT]):
        addr = norm_addr(named)
        if DAEMON_LOCAL.match(addr.rpartition("@")[0]) or _contact_prose(head, start):
            continue
        out.setdefault(addr.lower(), addr)
        if len(out) >= MAX_RECIPIENTS:
            break
    return list(out.values())


def _block_action(block: str) -> str | None:
    """The action a flattened DSN block states ("Action: delayed"), if any."""
    match = _ACTION_FIELD_RE.search(block[:2000])
    if match is None:
        return None
    word = match.group(1).lower()
    for prefix, action in (("fail", "failed"), ("delay", "delayed"), ("deliver", "delivered"),
                           ("relay", "delivered"), ("expand", "delivered")):
        if word.startswith(prefix):
            return action
    return None


# --- free-text bounces --------------------------------------------------------------------
def looks_like_bounce(msg: Part, report: Report, parts: Parts) -> bool:
    if header_text(msg, "X-Failed-Recipients"):
        return True
    from_header = header_text(msg, "From") or ""
    local = (report.from_addr or "").rpartition("@")[0]
    daemon = bool(DAEMON_LOCAL.match(local)) or bool(DAEMON_NAME.search(from_header.lower())) or (
        not report.from_addr)
    subject = report.subject or ""
    if AUTOREPLY_SUBJECT.search(subject.lower()) and not daemon:
        return False
    if not daemon and _REPLY_PREFIX.match(subject):
        return False  # a person answering or forwarding a bounce: not a report itself
    bounce_subject = bool(BOUNCE_SUBJECT.search(subject.lower()))
    body = human_text(parts)[:8000]
    if not daemon:  # what a person quotes ("> 550 User unknown") is not their report
        body = "\n".join(line for line in body.split("\n") if not line.lstrip().startswith(">"))
    bounce_body = bool(BOUNCE_BODY.search(body.lower()))
    if daemon and (bounce_subject or bounce_body):
        return True
    return bounce_subject and bounce_body


def _excluded(msg: Part, report: Report, parts: Parts) -> set[str]:
    out: set[str] = set()
    for name in ("From", "To", "Cc", "Return-Path", "Sender", "Reply-To", "Delivered-To",
                 "X-Original-To"):
        value = header_text(msg, name)
        if value:
            out.update(norm_addr(a).lower() for a in ADDR_RE.findall(value))
    if parts.original is not None:
        for name in ("From", "Sender", "Return-Path", "Reply-To"):
            value = header_text(parts.original, name)
            if value:
                out.update(norm_addr(a).lower() for a in ADDR_RE.findall(value))
    return out


def _is_candidate(addr: str, excluded: set[str], msgids: set[str]) -> bool:
    low = addr.lower()
    if low in excluded or low in msgids:
        return False
    local = low.rpartition("@")[0]
    return not DAEMON_LOCAL.match(local)


def block_for(text: str, address: str | None) -> str:
    """The lines about ``address``: its own line and the indented/following ones."""
    if not address:
        return ""
    low = text.lower()
    start = low.find(address.lower())
    if start < 0:
        return ""
    line_start = text.rfind("\n", 0, start) + 1
    end = text.find("\n\n", start)
    end = len(text) if end < 0 else end
    return text[line_start:min(end, line_start + 2000)]


def parse_free_text(report: Report, msg: Part, parts: Parts) -> None:
    text = human_text(parts)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "mailto:" in text.lower():
        text = _MAILTO.sub("", text)  # "mailto:x@y" names x@y like "<x@y>" does
    if "<" in text:
        text = _WRAPPED_ADDR_RE.sub(r"<\1\2>", text)
    cut = _cut(text)
    head, tail = (text[:cut.start()], text[cut.start():]) if cut else (text, "")
    if report.original_message_id is None:
        found = MSGID_HDR_RE.search(tail) or MSGID_HDR_RE.search(head)
        if found:
            report.original_message_id = found.group(1)
    # Message-IDs look like addresses: never take one for a recipient.
    msgids = {m.strip("<>").lower() for m in MSGID_HDR_RE.findall(text)}
    for known in (report.original_message_id, report.message_id, report.in_reply_to,
                  *report.references):
        if known:
            msgids.add(known.strip("<>").lower())
    excluded = _excluded(msg, report, parts)
    # 1) the addresses the report is about, in order, each with its block of text
    blocks: dict[str, str] = {}
    spelled: dict[str, str] = {}  # one entry per address whatever its case ("Jean@", "jean@")

    def one(addr: str) -> str:
        return spelled.setdefault(addr.lower(), addr)

    failed = header_text(msg, "X-Failed-Recipients")
    failed_set: set[str] = set()
    if failed:
        for _, a in getaddresses([failed]):
            if "@" in a:
                blocks.setdefault(one(norm_addr(a)), "")
                failed_set.add(norm_addr(a).lower())
    seen: dict[str, int] = {}
    for start, named in _address_lines(head):
        addr = one(norm_addr(named))
        if not _is_candidate(addr, excluded, msgids) or _contact_prose(head, start) or (
                _in_copied_header(head, start)):
            continue
        # bounded work: a report names an address a few times, not thousands
        seen[addr] = seen.get(addr, 0) + 1
        if seen[addr] > 3 or len(seen) > MAX_RECIPIENTS:
            if len(seen) > MAX_RECIPIENTS or sum(seen.values()) > 4 * MAX_RECIPIENTS:
                break
            continue
        block = _following_block(head, start)
        # an address seen twice (Exchange lists it, then diagnoses it): keep the coded block
        keep_old = addr in blocks and has_diagnosis(blocks[addr]) and not has_code(block)
        if (has_diagnosis(block) or addr not in blocks) and not keep_old:
            blocks[addr] = block
    if not blocks:  # no address starts a line: those the sentences name
        for match in _SENTENCE_RE.finditer(head[:SCAN_LIMIT]):
            addr = one(norm_addr(match.group(1)))
            if _is_candidate(addr, excluded, msgids) and addr not in blocks and not (
                    _contact_prose(head, match.start(1))):
                blocks[addr] = block_for(head, addr)
                if len(blocks) >= MAX_RECIPIENTS:
                    break
    if not blocks:  # then any address of the report's own text
        for match in ADDR_RE.finditer(head):
            addr = one(norm_addr(match.group(0)))
            if _is_candidate(addr, excluded, msgids) and addr not in blocks and not (
                    _contact_prose(head, match.start())):
                blocks[addr] = block_for(head, addr)
                if len(blocks) >= MAX_RECIPIENTS:
                    break
    if not blocks:  # "Undeliverable: x@y": some name the recipient in the subject only
        for match in ADDR_RE.finditer(report.subject or ""):
            addr = one(norm_addr(match.group(0)))
            if _is_candidate(addr, excluded, msgids) and addr not in blocks:
                blocks[addr] = ""
    if not blocks and parts.original is not None:
        # Postfix "--- Delivery report unavailable ---": the report names nobody; the
        # returned message says whose mail it was
        sent_to = _returned_to(parts.original)
        if sent_to and _is_candidate(sent_to, excluded, msgids):
            blocks[one(sent_to)] = ""
    if failed_set:  # X-Failed-Recipients is the MTA's own list: other addresses are context
        blocks = {a: b for a, b in blocks.items() if a.lower() in failed_set}
    # 2) one diagnostic for the whole report, for blocks that carry none
    global_diag = global_diagnostic(head)
    delayed = bool(DELAY_MARK.search(head[:6000].lower())) or bool(
        DELAY_SUBJECT.search((report.subject or "").lower()) and not has_code(global_diag))
    delivered = bool(SUCCESS_SUBJECT.search((report.subject or "").lower()))
    for addr, block in list(blocks.items())[:MAX_RECIPIENTS]:
        diag = diagnostic_of(block) or global_diag
        if not has_code(diag) and has_code(global_diag) and (
                len(blocks) == 1 or addr in global_diag.lower()):
            diag = global_diag  # the report's coded reply says more than a sentence
        reply, enhanced = extract_codes(diag)
        action = _block_action(block) or ("delivered" if delivered and not has_code(diag) else (
            "delayed" if delayed and not (reply and reply >= 500) else "failed"))
        command = command_of(block)
        category, reason = verdict(diag, status=enhanced, reply=reply, action=action,
                                   command=command)
        if reason in ("undefined", "on_hold") and block and block not in diag:
            category, reason = verdict(block + "\n" + global_diag, status=enhanced,
                                       reply=reply, action=action, command=command)
        report.recipients.append(RecipientStatus(
            address=addr, status=enhanced, reply_code=str(reply) if reply else None,
            category=category, reason=reason,
            diagnostic=clean(diag[:MAX_DIAGNOSTIC]),
            remote_mta=_remote_mta(block) or _remote_mta(head),
            action="delayed" if category == "deferred" else (
                "delivered" if category == "delivered" else "failed")))


def _returned_to(original: Part) -> str | None:
    """The one address a returned message was delivered to: its last hop's "Received: ...
    for <x@y>" (a list's copy names the member there), else a To: with a single address;
    None for a mailing list's copy without that Received (To: is the list, not the member)."""
    received = original.get_all("Received") or []
    hop = _RECEIVED_FOR_RE.search(str(received[0])) if received else None
    if hop:
        return norm_addr(hop.group(1))
    if header_text(original, "List-Id") or header_text(original, "List-Post"):
        return None
    sent_to = [a for _, a in getaddresses([header_text(original, "To") or ""]) if "@" in a]
    return norm_addr(sent_to[0]) if len(sent_to) == 1 else None


def _following_block(text: str, start: int) -> str:
    """From ``start`` to the next blank line or the next address line (max 30 lines)."""
    lines = text[start:start + 4000].split("\n")
    out = [lines[0]]
    for line in lines[1:30]:
        if not line.strip():
            break
        if (ADDR_LINE_RE.match(line) and not line.startswith((" ", "\t"))) or (
                _LABELLED_RE.match(line)):
            break
        out.append(line)
    return "\n".join(out)



def _remote_mta(text: str) -> str | None:
    if not text:
        return None
    for pattern in _REMOTE_MTA_RES:
        match = pattern.search(text[:8000])
        if match:
            return match.group(1).rstrip(".").lower()
    return None


