"""SoftBank (i.softbank.jp, softbank.ne.jp; older *.vodafone.ne.jp, disney.ne.jp).

Like docomo, SoftBank does not write reports to outside senders: its MX answers in SMTP and
the sender's MTA writes the bounce (read here by that MTA's module). Its answers, as
operators document them:
- "550 Invalid recipient: <x@i.softbank.jp>": no such address (user_unknown, which the
  generic tables already say);
- "553 <domain> does not exist": the *envelope sender's* domain has no DNS record at all;
  SoftBank refuses every message from it whatever the recipient (rejected: the sender's
  address is refused, the recipient is fine) -- read generically, "does not exist" names
  nothing, or worse the recipient;
- mail that the subscriber's reception filter refuses gets no error at all (accepted, then
  dropped): nothing to read.
Source: SendMagic's "SMTP応答コードについて【SoftBank編】" (550 Invalid recipient, 553
does not exist, refusal settings silent); SoftBank's partner technical page (its senders
resolve to softbank.ne.jp).
"""

from __future__ import annotations

from app.services.bounce.vendors.base import Context, Found
from app.services.bounce.vendors.docomo import read_with_mta_modules
from app.services.bounce.vendors.mtatext import opening

NAME = "softbank"

_DOMAINS = ("softbank.ne.jp", "softbank.jp", "vodafone.ne.jp", "disney.ne.jp")
_ANSWERS = ("invalid recipient", "does not exist")


def detect(ctx: Context) -> bool:
    start = opening(ctx)
    if "softbank" not in start and "vodafone.ne.jp" not in start and "disney.ne.jp" not in start:
        return False
    return any(answer in start for answer in _ANSWERS)


def extract(ctx: Context) -> list[Found]:
    found = read_with_mta_modules(ctx)
    for item in found:
        if not _is_softbank(item):
            continue
        low = (item.diagnostic or "").lower()
        if "does not exist" in low and "553" in low and "@" not in low.split("does not exist")[0]:
            item.reason = "rejected"  # "553 <sender's domain> does not exist"
        elif "invalid recipient" in low:
            item.reason = "user_unknown"
    return found


def _is_softbank(item: Found) -> bool:
    host = (item.remote_mta or "").lower()
    domain = item.address.lower().rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) or host.endswith(d) for d in _DOMAINS)
