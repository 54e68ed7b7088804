"""NTT docomo (docomo.ne.jp; its MX hosts mfsmax.docomo.ne.jp / mfsmx*.docomo.ne.jp).

docomo does not write reports of its own to outside senders: it answers in SMTP and the
sender's MTA (Sendmail, Postfix, Exim...) writes the bounce. What docomo's answers mean is
docomo's own, though: its MX says "550 Unknown user <x@docomo.ne.jp>" both for an address that
does not exist (at RCPT TO) and for mail the subscriber's reception settings refuse (docomo's
"受信拒否設定": refusal of designated domains/addresses, of PC mail, of spoofed senders) --
then the address was accepted and the refusal comes at DATA. Read as "user unknown", that
answer would make a sender delete a working customer address. So this module lets the
sender's MTA module read the report, then names the cause from docomo's answer and the SMTP
command it came after:
- "Unknown user" after RCPT TO -> user_unknown; after DATA -> rejected (the subscriber
  refuses this sender, the address itself exists);
- "552 Too much mail data" -> mailbox_full (docomo's storage for the subscriber is full);
- "552 Too many recipients" -> too_many_conn.
Sources: NTT Communications' support FAQ on docomo error mail ("Unknown user" also when the
subscriber's 受信拒否設定 refuses the sender), operators' notes on docomo's replies (e.g.
SendMagic's "SMTP応答コードについて【ドコモ編】": 550 Unknown user = no such address or refusal
settings, 552 Too much mail data = mailbox full; AKI Software's MTA log showing the 550 after
end of DATA).
"""

from __future__ import annotations

import re

from app.services.bounce.vendors import exim, postfix, qmail, sendmail
from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.mtatext import opening

NAME = "docomo"

_HOSTS = ("docomo.ne.jp",)
_ANSWERS = ("unknown user", "too much mail data", "too many recipients")
# the MTA modules whose reports quote docomo's answers (detect() order as in VENDORS)
_READERS = (exim, sendmail, qmail, postfix)
# a session transcript: ">>> DATA" then "<<< 550 Unknown user x@docomo.ne.jp"
_TRANSCRIPT_RE = re.compile(r"^>>> ?(RCPT TO|MAIL FROM|DATA)\b[^\n]{0,400}\n<<< ?([^\n]{0,400})",
                            re.MULTILINE | re.IGNORECASE)
_COMMANDS = {"rcpt to": "RCPT", "mail from": "MAIL", "data": "DATA"}


def detect(ctx: Context) -> bool:
    start = opening(ctx)
    if "docomo.ne.jp" not in start:
        return False
    return any(answer in start for answer in _ANSWERS)


def read_with_mta_modules(ctx: Context) -> list[Found]:
    """The recipients as the sender MTA's own module reads its report ([] if none does):
    shared with the other carriers whose answers arrive inside a sender MTA's report."""
    for reader in _READERS:
        if reader.detect(ctx):
            found = reader.extract(ctx)
            if found:
                return found
    return []


def extract(ctx: Context) -> list[Found]:
    found = read_with_mta_modules(ctx)
    if not found:
        return []
    transcript = _transcript_commands(ctx.head[:32000])
    for item in found:
        if not _is_docomo(item):
            continue
        low = (item.diagnostic or "").lower()
        if "too much mail data" in low:
            item.reason = "mailbox_full"
        elif "too many recipients" in low:
            item.reason = "too_many_conn"
        elif "unknown user" in low:
            command = item.command or transcript.get(item.address.lower())
            item.command = command or item.command
            if command == "DATA":
                item.reason = "rejected"
            elif command == "RCPT":
                item.reason = "user_unknown"
    return found


def _is_docomo(item: Found) -> bool:
    host = (item.remote_mta or "").lower()
    return item.address.lower().endswith("@docomo.ne.jp") or host.endswith(_HOSTS)


def _transcript_commands(text: str) -> dict[str, str]:
    """address -> the SMTP command docomo answered "Unknown user <address>" after."""
    out: dict[str, str] = {}
    for match in _TRANSCRIPT_RE.finditer(text):
        reply = match.group(2).lower()
        if "unknown user" not in reply:
            continue
        command = _COMMANDS[match.group(1).lower()]
        for word in reply.replace("<", " ").replace(">", " ").split():
            if "@" in word:
                out.setdefault(word.strip(".,;:()"), command)
    return out
