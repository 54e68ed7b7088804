"""DMARC check: the policy of the domain or, failing that, of its parent domain.

Owns the ``dmarc`` check: missing, several, invalid (version, policy), weak (p=none, no
valid report address) or in force; the fix keeps the published tags and changes only
what is wrong.
"""

from __future__ import annotations

from app.services.dns_query import ERROR, Answer
from app.services.domain_health.context import (
    Context,
    bullets,
    cannot_check,
    mk,
    parse_tags,
    txt_line,
    txt_lines,
    versioned,
)
from app.services.domain_health.model import FAIL, OK, WARN, Check


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
        return [cannot_check("dmarc", "DMARC", "DMARC", ans.error)]
    name = f"_dmarc.{owner}"
    record = txt_lines(name, found)
    good = f"v=DMARC1; p=quarantine; rua=mailto:postmaster@{d}"
    if not found:
        return [mk("dmarc", FAIL,
                   ("No DMARC record",
                    "DMARC tells receivers what to do with mail that fails SPF and DKIM, and "
                    "sends you reports. Gmail and Yahoo require it of bulk senders.",
                    "Add this TXT record (if unsure, start with p=none for a few weeks, read "
                    "the reports, then move to p=quarantine):"),
                   ("Aucun enregistrement DMARC",
                    "DMARC dit aux destinataires quoi faire du courrier qui échoue à SPF et "
                    "DKIM, et vous envoie des rapports. Gmail et Yahoo l'exigent des gros "
                    "expéditeurs.",
                    "Ajoutez cet enregistrement TXT (en cas de doute, commencez par p=none "
                    "quelques semaines, lisez les rapports, puis passez à p=quarantine) :"),
                   fix_record=txt_line(f"_dmarc.{d}", good))]
    if len(found) > 1:
        return [mk("dmarc", FAIL,
                   ("Several DMARC records",
                    "With more than one DMARC record, receivers ignore DMARC altogether.",
                    "Keep a single record:"),
                   ("Plusieurs enregistrements DMARC",
                    "Avec plus d'un enregistrement DMARC, les destinataires ignorent DMARC.",
                    "Gardez un seul enregistrement :"),
                   record=record, fix_record=txt_line(name, found[0]))]
    text = found[0]
    tags = parse_tags(text)
    first_tag = text.split(";", 1)[0].replace(" ", "")
    inherited = owner != d
    policy = ((tags.get("sp") if inherited and "sp" in tags else tags.get("p")) or "").lower()
    problems_en: list[str] = []
    problems_fr: list[str] = []
    if first_tag != "v=DMARC1":
        problems_en.append("the record must start exactly with v=DMARC1")
        problems_fr.append("l'enregistrement doit commencer exactement par v=DMARC1")
    if policy not in ("none", "quarantine", "reject"):
        problems_en.append(f"the policy p={policy or '(missing)'} must be none, quarantine "
                           "or reject")
        problems_fr.append(f"la politique p={policy or '(absente)'} doit être none, quarantine "
                           "ou reject")
    if problems_en:
        return [mk("dmarc", FAIL,
                   ("The DMARC record is invalid",
                    "Receivers ignore it:\n" + bullets(problems_en), "Replace it with:"),
                   ("L'enregistrement DMARC est invalide",
                    "Les destinataires l'ignorent :\n" + bullets(problems_fr),
                    "Remplacez-le par :"),
                   record=record, fix_record=txt_line(name, good))]
    rua = [u.strip() for u in tags.get("rua", "").split(",") if u.strip()]
    bad_rua = [u for u in rua if not u.lower().startswith("mailto:")]
    warn_en: list[str] = []
    warn_fr: list[str] = []
    fixed_tags = dict(tags)
    if policy == "none":
        warn_en.append("the policy is p=none: receivers deliver forged mail as usual, DMARC "
                       "only reports")
        warn_fr.append("la politique est p=none : le courrier usurpé est livré normalement, "
                       "DMARC ne fait que des rapports")
        fixed_tags["sp" if inherited else "p"] = "quarantine"
    if not rua or bad_rua:
        warn_en.append("no valid report address (rua=mailto:…): you never learn who sends "
                       "as your domain")
        warn_fr.append("aucune adresse de rapport valide (rua=mailto:…) : vous ne saurez pas "
                       "qui envoie au nom de votre domaine")
        fixed_tags["rua"] = f"mailto:postmaster@{owner}"
    pct = tags.get("pct", "100")
    extra_en = f" Applied to {pct}% of messages." if pct != "100" else ""
    extra_fr = f" Appliquée à {pct} % des messages." if pct != "100" else ""
    src_en = f" (inherited from {owner})" if inherited else ""
    src_fr = f" (héritée de {owner})" if inherited else ""
    if warn_en:
        fixed = "; ".join(f"{k}={v}" for k, v in fixed_tags.items())
        return [mk("dmarc", WARN,
                   (f"DMARC is present but weak (p={policy}){src_en}",
                    bullets(warn_en) + extra_en,
                    "Once SPF and DKIM pass for all your mail, publish:"),
                   (f"DMARC est présent mais faible (p={policy}){src_fr}",
                    bullets(warn_fr) + extra_fr,
                    "Quand SPF et DKIM réussissent pour tout votre courrier, publiez :"),
                   record=record, fix_record=txt_line(name, fixed))]
    return [mk("dmarc", OK,
               (f"DMARC policy p={policy}{src_en}",
                f"Forged mail is {'rejected' if policy == 'reject' else 'sent to spam'}; "
                f"reports go to {', '.join(rua)}.{extra_en}", None),
               (f"Politique DMARC p={policy}{src_fr}",
                f"Le courrier usurpé est {'rejeté' if policy == 'reject' else 'mis en spam'} ; "
                f"les rapports vont à {', '.join(rua)}.{extra_fr}", None), record=record)]

