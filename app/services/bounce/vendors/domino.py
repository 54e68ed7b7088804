"""HCL/IBM Lotus Domino and Notes delivery failure reports.

Domino: "Your message  Subject: ... was not delivered to:  rcpt@domain  because:  <reason>"
(German "Ihre Nachricht ... wurde nicht zugestellt an: ... weil:", French "Votre message ...
n'a pas été remis à : ... parce que :"); the reason names the cause ("User x (rcpt@domain)
not listed in Domino Directory", "Unable to deliver message to x: mail file is over quota",
"Router: No route found to domain ..."). Notes' older form: "------- Failure Reasons --------"
then the reason and the address, before "------- Returned Message --------".
"""

from __future__ import annotations

from app.services.bounce.vendors import mtatext
from app.services.bounce.vendors.base import Context, Found

NAME = "domino"

_TO = ("was not delivered to:", "wurde nicht zugestellt an:", "n'a pas été remis à :",
       "n'a pas été remis à:", "no se ha entregado a:")
_BECAUSE = ("because:", "weil:", "parce que :", "parce que:", "porque:")
_NOTES = "------- failure reasons"


def detect(ctx: Context) -> bool:
    start = mtatext.opening(ctx, 3000)
    if _NOTES in start:
        return True
    return any(m in start for m in _TO) and any(m in start for m in _BECAUSE)


def extract(ctx: Context) -> list[Found]:
    text = ctx.head[:32000]
    low = text.lower()
    if _NOTES in low and not any(m in low for m in _TO):
        body = mtatext.section(text, (_NOTES,), ("------- returned message",))
        lines = [x for x in body.split("\n")[1:] if x.strip()]
        reason = [x for x in lines if "@" not in x]
        return [mtatext.make(a, mtatext.squash(reason))
                for a in dict.fromkeys(x.strip().strip("<>") for x in lines if "@" in x
                                       and " " not in x.strip())]
    out: list[Found] = []
    cursor = 0
    while len(out) < 50:  # one "was not delivered to ... because" pair per recipient group
        start = min((i for i in (low.find(m, cursor) for m in _TO) if i >= 0), default=-1)
        if start < 0:
            break
        why = min((i for i in (low.find(m, start) for m in _BECAUSE) if i >= 0), default=-1)
        if why < 0:
            break
        who_text = text[start:why].split(":", 1)[1]
        end = low.find("\n\n", low.find("\n", why) + 2)
        end = len(text) if end < 0 else end
        cause = text[why:end].split(":", 1)[1]
        for address in dict.fromkeys(w.strip("<>,;") for w in who_text.split() if "@" in w):
            out.append(mtatext.make(address, cause))
        cursor = end
    return out
