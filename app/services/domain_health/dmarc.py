"""DMARC check: the policy of the domain or, failing that, of its parent domain.

Owns the ``dmarc`` check: missing, several, invalid (version, policy), weak (p=none, no
valid report address) or in force; the fix keeps the published tags and changes only
what is wrong.
"""

from __future__ import annotations

from app.services.dns_query import ERROR, Answer
from app.services.domain_health.context import (
    Context,
    cannot_check,
    mk,
    parse_tags,
    txt_line,
    txt_lines,
    versioned,
)
from app.services.domain_health.model import FAIL, OK, WARN, Check, Text


def _find_dmarc(ctx: Context) -> tuple[str, Answer, list[str]]:
    """The DMARC record of the domain or, failing that, of a parent (organisational) domain."""
    labels = ctx.domain.split(".")
    first: tuple[str, Answer, list[str]] | None = None
    for i in range(len(labels) - 1):
        owner = ".".join(labels[i:])
        ans = ctx.dns.query(f"_dmarc.{owner}", "TXT")
        found = versioned(ans, "v=DMARC1")
        if first is None:
            first = (owner, ans, found)
        if ans.status == ERROR or found:
            return owner, ans, found
    assert first is not None
    return first


def check_dmarc(ctx: Context) -> list[Check]:
    d = ctx.domain
    owner, ans, found = _find_dmarc(ctx)
    if ans.status == ERROR:
        return [cannot_check("dmarc", "DMARC", ans.error)]
    name = f"_dmarc.{owner}"
    record = txt_lines(name, found)
    good = f"v=DMARC1; p=quarantine; rua=mailto:postmaster@{d}"
    if not found:
        return [mk("dmarc", FAIL, Text("No DMARC record"),
                   Text("DMARC tells receivers what to do with mail that fails SPF and DKIM, and "
                        "sends you reports. Gmail and Yahoo require it of bulk senders."),
                   Text("Add this TXT record (if unsure, start with p=none for a few weeks, read "
                        "the reports, then move to p=quarantine):"),
                   fix_record=txt_line(f"_dmarc.{d}", good))]
    if len(found) > 1:
        return [mk("dmarc", FAIL,
                   Text("Several DMARC records"),
                   Text("With more than one DMARC record, receivers ignore DMARC altogether."),
                   Text("Keep a single record:"),
                   record=record, fix_record=txt_line(name, found[0]))]
    text = found[0]
    tags = parse_tags(text)
    first_tag = text.split(";", 1)[0].replace(" ", "")
    inherited = owner != d
    policy = ((tags.get("sp") if inherited and "sp" in tags else tags.get("p")) or "").lower()
    problems: list[Text] = []
    if first_tag != "v=DMARC1":
        problems.append(Text("the record must start exactly with v=DMARC1"))
    if policy not in ("none", "quarantine", "reject"):
        problems.append(Text("the policy p={policy} must be none, quarantine or reject",
                             policy=policy or Text("(missing)")))
    if problems:
        return [mk("dmarc", FAIL,
                   Text("The DMARC record is invalid"),
                   Text("Receivers ignore it:\n{problems}", problems=Text.bullets(problems)),
                   Text("Replace it with:"),
                   record=record, fix_record=txt_line(name, good))]
    rua = [u.strip() for u in tags.get("rua", "").split(",") if u.strip()]
    bad_rua = [u for u in rua if not u.lower().startswith("mailto:")]
    warnings: list[Text] = []
    fixed_tags = dict(tags)
    if policy == "none":
        warnings.append(Text("the policy is p=none: receivers deliver forged mail as usual, DMARC "
                             "only reports"))
        fixed_tags["sp" if inherited else "p"] = "quarantine"
    if not rua or bad_rua:
        warnings.append(Text("no valid report address (rua=mailto:…): you never learn who sends "
                             "as your domain"))
        fixed_tags["rua"] = f"mailto:postmaster@{owner}"
    pct = tags.get("pct", "100")
    applied = Text(" Applied to {pct}% of messages.",
                   pct=pct) if pct != "100" else ""
    source = Text(" (inherited from {domain})", domain=owner) \
        if inherited else ""
    if warnings:
        fixed = "; ".join(f"{k}={v}" for k, v in fixed_tags.items())
        return [mk("dmarc", WARN,
                   Text("DMARC is present but weak (p={policy}){source}",
                        policy=policy, source=source),
                   Text.concat(Text.bullets(warnings), applied),
                   Text("Once SPF and DKIM pass for all your mail, publish:"),
                   record=record, fix_record=txt_line(name, fixed))]
    if policy == "reject":
        detail = Text("Forged mail is rejected; reports go to {addresses}.{applied}",
                      addresses=", ".join(rua), applied=applied)
    else:
        detail = Text("Forged mail is sent to spam; reports go to {addresses}.{applied}",
                      addresses=", ".join(rua), applied=applied)
    return [mk("dmarc", OK,
               Text("DMARC policy p={policy}{source}",
                    policy=policy, source=source), detail, record=record)]
