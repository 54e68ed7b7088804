"""DKIM check: the public keys published under the usual (or given) selectors.

Owns the ``dkim`` check and ``parse_dkim_key`` (RFC 6376 §3.6.1 key records, validated
with ``cryptography``: RSA in SPKI or bare PKCS#1, Ed25519; revoked, damaged, short or
test-mode keys), and Microsoft 365's selector aliases that point at no key yet.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from app.services.dns_query import ERROR, Answer
from app.services.domain_health.context import (
    Context,
    cannot_check,
    mk,
    parse_tags,
    txt_line,
)
from app.services.domain_health.model import FAIL, OK, WARN, Check, Text


@dataclass(frozen=True)
class DkimKey:
    selector: str
    state: str  # "valid", "revoked", "broken"
    kind: str = ""  # "rsa" / "ed25519"
    bits: int = 0
    problem: str = ""
    testing: bool = False


def parse_dkim_key(selector: str, text: str) -> DkimKey:
    """Validate a DKIM key record (RFC 6376 §3.6.1) with ``cryptography``."""
    tags = parse_tags(text)
    version = tags.get("v")
    if version is not None and version != "DKIM1":
        return DkimKey(selector, "broken", problem=f"unknown version v={version}")
    kind = (tags.get("k") or "rsa").lower()
    testing = "y" in (tags.get("t") or "").lower().split(":")
    if "p" not in tags:
        return DkimKey(selector, "broken", kind, problem="no public key (p=) in the record")
    b64 = re.sub(r"\s+", "", tags["p"])
    if not b64:
        return DkimKey(selector, "revoked", kind, testing=testing)
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        return DkimKey(selector, "broken", kind, problem="the key (p=) is not valid base64")
    if kind == "ed25519":
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            return DkimKey(selector, "broken", kind, problem="not a valid Ed25519 key")
        return DkimKey(selector, "valid", kind, 256, testing=testing)
    if kind != "rsa":
        return DkimKey(selector, "broken", kind, problem=f"unknown key type k={kind}")
    key: Any = None
    for load in (serialization.load_der_public_key, _load_pkcs1):
        try:
            key = load(raw)
            break
        except (ValueError, UnsupportedAlgorithm, TypeError):
            continue
    if not isinstance(key, rsa.RSAPublicKey):
        return DkimKey(selector, "broken", kind, problem="the key (p=) is not a valid RSA key")
    return DkimKey(selector, "valid", kind, key.key_size, testing=testing)


def _load_pkcs1(raw: bytes) -> Any:
    # Some DNS hosts' generators publish the bare PKCS#1 RSAPublicKey instead of SPKI.
    pem = b"-----BEGIN RSA PUBLIC KEY-----\n" + base64.encodebytes(raw) + \
        b"-----END RSA PUBLIC KEY-----\n"
    return serialization.load_pem_public_key(pem)


def _dkim_fix(ctx: Context) -> str:
    d = ctx.domain
    if ctx.provider and ctx.provider.key == "office365":
        dashed = d.replace(".", "-")
        return "\n".join(f"selector{i}._domainkey.{d}. CNAME selector{i}-{dashed}._domainkey."
                         "<your-tenant>.onmicrosoft.com." for i in (1, 2))
    sel = ctx.provider.dkim_selectors[0] if ctx.provider and ctx.provider.dkim_selectors \
        else "default"
    return txt_line(f"{sel}._domainkey.{d}",
                    "v=DKIM1; k=rsa; p=<public key given by your mail provider>")


def _dangling_dkim_aliases(ctx: Context, names: list[str]) -> list[tuple[str, str]]:
    """Selectors that are CNAMEs to a name without a key: Microsoft 365 asks customers to
    publish selector1/selector2 CNAMEs first and to switch signing on afterwards."""
    answers = ctx.map(lambda n: ctx.dns.query(n, "CNAME"), names)
    return [(name, ans.names()[0]) for name, ans in zip(names, answers, strict=False)
            if ans.ok and ans.records]


def check_dkim(ctx: Context) -> list[Check]:
    d = ctx.domain
    names = [f"{s}._domainkey.{d}" for s in ctx.selectors]
    answers: list[Answer] = ctx.map(lambda n: ctx.dns.query(n, "TXT"), names)
    keys: list[DkimKey] = []
    lines: list[str] = []
    errors = 0
    for sel, name, ans in zip(ctx.selectors, names, answers, strict=False):
        errors += ans.status == ERROR
        for text in ans.texts():
            if text.strip().lower().startswith("v=dkim1") or "p=" in text.replace(" ", ""):
                keys.append(parse_dkim_key(sel, text))
                lines.append(txt_line(name, text))
                break
    record = "\n".join(lines) or None
    valid = [k for k in keys if k.state == "valid"]
    broken = [k for k in keys if k.state == "broken"]
    revoked = [k for k in keys if k.state == "revoked"]
    how_provider = Text("Turn on DKIM signing at your mail provider (Microsoft 365: Defender "
                        "portal → Email authentication → DKIM; Google: Admin console → Gmail → "
                        "Authenticate email), then publish the record it gives:")
    if not keys:
        if errors == len(names):
            return [cannot_check("dkim", "DKIM", answers[0].error)]
        dangling = _dangling_dkim_aliases(ctx, names)
        if dangling:
            return [mk("dkim", FAIL,
                       Text("DKIM is prepared but not switched on"),
                       Text("These selectors are aliases (CNAME) to your provider, which publishes "
                            "no key there yet: signing is not enabled on the provider's side.\n"
                            "{aliases}",
                            aliases=Text.bullets(f"{n} → {t}" for n, t in dangling)),
                       how_provider, record="\n".join(f"{n}. CNAME {t}." for n, t in dangling))]
        return [mk("dkim", FAIL, Text("No DKIM key found"),
                   Text("DKIM signs each message so receivers can prove it comes from your domain; "
                        "Gmail and Yahoo require it of bulk senders. None of the usual selectors "
                        "has a key ({selectors}). If you use another selector, enter it.",
                        selectors=", ".join(ctx.selectors)),
                   how_provider, fix_record=_dkim_fix(ctx))]
    if broken:
        return [mk("dkim", FAIL, Text("A DKIM key is damaged"),
                   Text("Messages signed with this key fail DKIM:\n{keys}",
                        keys=Text.bullets(f"{k.selector}: {k.problem}" for k in broken)),
                   Text("Publish the key again exactly as your provider gives it (one line, no "
                        "character missing; long keys may be split in several quoted strings)."),
                   record=record, fix_record=_dkim_fix(ctx))]
    if not valid:
        return [mk("dkim", FAIL, Text("The DKIM key is revoked"),
                   Text("The key of selector {selectors} is empty (p=): it was withdrawn, so "
                        "nothing signed with it verifies.",
                        selectors=", ".join(k.selector for k in revoked)),
                   how_provider, record=record, fix_record=_dkim_fix(ctx))]
    desc = ", ".join(f"{k.selector} ({'Ed25519' if k.kind == 'ed25519' else f'RSA {k.bits} bits'})"
                     for k in valid)
    weak = [k for k in valid if k.kind == "rsa" and k.bits < 2048]
    if weak and len(weak) == len(valid):
        too_weak = all(k.bits < 1024 for k in weak)
        return [mk("dkim", FAIL if too_weak else WARN,
                   Text("The DKIM key is too short") if too_weak
                   else Text("The DKIM key is short"),
                   Text("Keys found: {keys}. Receivers reject keys under 1024 bits and "
                        "2048 bits is today's standard.", keys=desc),
                   Text("Create a 2048-bit key at your mail provider and publish it:"),
                   record=record, fix_record=_dkim_fix(ctx))]
    if all(k.testing for k in valid):
        detail = Text("Selector(s): {keys}. It is in test mode (t=y).", keys=desc)
    else:
        detail = Text("Selector(s): {keys}.", keys=desc)
    return [mk("dkim", OK, Text("DKIM key published"), detail, record=record)]
