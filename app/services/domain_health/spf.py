"""SPF (RFC 7208): parse a record and walk its includes to count DNS look-ups.

Pure logic: the walker is handed a ``fetch`` function (name -> SPF records found there)
and a ``map_fn`` to run fetches concurrently, so it works with any resolver and is easy
to test.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
# RFC 7208 §4.6.4: these (and the redirect modifier) each cost one DNS look-up; over 10
# the receiver must answer "permerror", i.e. SPF fails for every message.
LOOKUP_MECHANISMS = frozenset({"include", "a", "mx", "ptr", "exists"})
MAX_LOOKUPS = 10
_MODIFIER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_DOMAIN_SPEC = re.compile(r"^[A-Za-z0-9_%{}.+,/=-]+$")
_MAX_NAMES = 60  # a safety bound for hostile include chains


def is_spf(txt: str) -> bool:
    """An SPF record starts with exactly ``v=spf1`` then a space or the end."""
    low = txt.strip().lower()
    return low == "v=spf1" or low.startswith("v=spf1 ")


@dataclass(frozen=True)
class Term:
    qualifier: str  # "+", "-", "~", "?" ("" for modifiers)
    name: str  # mechanism or modifier name, lower case
    value: str | None
    raw: str
    modifier: bool = False


@dataclass
class SpfRecord:
    text: str
    terms: list[Term] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def mechanisms(self) -> list[Term]:
        return [t for t in self.terms if not t.modifier]

    @property
    def all_qualifier(self) -> str | None:
        for t in self.mechanisms:
            if t.name == "all":
                return t.qualifier
        return None

    @property
    def redirect(self) -> str | None:
        for t in self.terms:
            if t.modifier and t.name == "redirect":
                return t.value
        return None

    @property
    def lookup_terms(self) -> list[Term]:
        out = [t for t in self.mechanisms if t.name in LOOKUP_MECHANISMS]
        # A redirect is ignored when an "all" is present (RFC 7208 §6.1).
        if self.redirect and self.all_qualifier is None:
            out += [t for t in self.terms if t.modifier and t.name == "redirect"]
        return out


def _target(term: Term, default: str) -> str:
    """The domain a/mx/include/exists/redirect points at (without any /cidr)."""
    value = term.value or default
    return value.split("/", 1)[0].rstrip(".").lower()


def _check_domain_spec(value: str) -> bool:
    return bool(value) and bool(_DOMAIN_SPEC.match(value)) and ".." not in value


def _parse_mechanism(raw: str) -> tuple[Term, str | None]:
    qualifier = "+"
    body = raw
    if body[:1] in "+-~?":
        qualifier, body = body[0], body[1:]
    name, sep, value = body.partition(":")
    cidr = ""
    if not sep and "/" in name:  # "a/24", "mx/24//64"
        name, _, cidr = name.partition("/")
    name = name.lower()
    term = Term(qualifier, name, value if sep else None, raw)
    if name not in MECHANISMS:
        return term, f"unknown mechanism {raw!r}"
    if name == "all":
        return term, (f"{raw!r}: 'all' takes no value" if sep or cidr else None)
    if name in ("include", "exists"):
        return term, (None if sep and _check_domain_spec(value) else
                      f"{raw!r}: '{name}' needs a domain (e.g. {name}:example.com)")
    if name in ("ip4", "ip6"):
        if not sep:
            return term, f"{raw!r}: '{name}' needs an address"
        try:
            net = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return term, f"{raw!r}: not a valid {name} address or range"
        if net.version != int(name[-1]):
            return term, f"{raw!r}: not an IPv{name[-1]} address"
        return term, None
    # a, mx, ptr: optional ":domain" and "/cidr"
    if sep:
        domain, _, cidr = value.partition("/")
        if not _check_domain_spec(domain):
            return term, f"{raw!r}: bad domain"
    if cidr and not re.fullmatch(r"\d{1,2}(//\d{1,3})?|/\d{1,3}", cidr):
        return term, f"{raw!r}: bad prefix length"
    return term, None


def parse(text: str) -> SpfRecord:
    """Parse one SPF record; ``errors`` lists every syntax problem in plain words."""
    record = SpfRecord(text)
    parts = text.split()
    if not parts or parts[0].lower() != "v=spf1":
        record.errors.append("the record does not start with v=spf1")
        return record
    seen_modifiers: set[str] = set()
    for raw in parts[1:]:
        name, eq, value = raw.partition("=")
        if eq and ":" not in name and "/" not in name and name[:1] not in "+-~?":
            if not _MODIFIER_NAME.match(name):
                record.errors.append(f"bad modifier {raw!r}")
                continue
            low = name.lower()
            if low in ("redirect", "exp"):
                if low in seen_modifiers:
                    record.errors.append(f"'{low}=' appears twice")
                if not _check_domain_spec(value):
                    record.errors.append(f"{raw!r}: '{low}=' needs a domain")
            seen_modifiers.add(low)
            record.terms.append(Term("", low, value, raw, modifier=True))
            continue
        term, error = _parse_mechanism(raw)
        if error:
            record.errors.append(error)
        else:
            record.terms.append(term)
    return record


@dataclass
class SpfWalk:
    """What a recursive walk of a domain's SPF found."""

    lookups: int = 0
    includes: set[str] = field(default_factory=set)
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(default_factory=list)
    a_names: set[str] = field(default_factory=set)  # names of a / a:host mechanisms
    mx_names: set[str] = field(default_factory=set)  # domains of mx / mx:domain mechanisms
    problems: list[str] = field(default_factory=list)  # permerrors: SPF fails for receivers
    unresolved: list[str] = field(default_factory=list)  # includes we could not fetch
    effective_all: str | None = None  # the all qualifier after following redirect=


FetchFn = Callable[[str], "list[str] | None"]
MapFn = Callable[[FetchFn, list[str]], Iterable["list[str] | None"]]


def walk(domain: str, record: SpfRecord, fetch: FetchFn, map_fn: MapFn | None = None
         ) -> SpfWalk:
    """Count look-ups over include/redirect (recursively) and a/mx/ptr/exists.

    ``fetch(name)`` returns the SPF records published at ``name`` ([] when none, None when
    the look-up failed). Each level of includes is fetched at once through ``map_fn``.
    """
    mapper: MapFn = map_fn or (lambda fn, names: map(fn, names))
    result = SpfWalk()
    visited = {domain.lower()}
    level: list[tuple[str, SpfRecord, bool]] = [(domain.lower(), record, True)]
    while level:
        wanted: list[tuple[str, bool]] = []  # (name, is the top-level redirect chain)
        for owner, rec, on_redirect_chain in level:
            if on_redirect_chain and rec.all_qualifier is not None:
                result.effective_all = rec.all_qualifier
            for term in rec.mechanisms:
                if term.name in ("ip4", "ip6") and term.value:
                    result.networks.append(ipaddress.ip_network(term.value, strict=False))
                elif term.name == "a":
                    result.a_names.add(_target(term, owner))
                elif term.name == "mx":
                    result.mx_names.add(_target(term, owner))
            for term in rec.lookup_terms:
                result.lookups += 1
                if term.name not in ("include", "redirect"):
                    continue
                target = _target(term, owner)
                if "%" in target:  # macros depend on the message: cannot be expanded here
                    continue
                result.includes.add(target)
                if target in visited:
                    continue
                visited.add(target)
                wanted.append((target, on_redirect_chain and term.name == "redirect"))
        if len(visited) > _MAX_NAMES:
            result.problems.append("the include chain is too long to follow")
            break
        next_level: list[tuple[str, SpfRecord, bool]] = []
        answers = list(mapper(fetch, [name for name, _ in wanted]))
        for (name, chain), found in zip(wanted, answers, strict=False):
            if found is None:
                result.unresolved.append(name)
            elif not found:
                result.problems.append(f"{name}: no SPF record there (permerror)")
            elif len(found) > 1:
                result.problems.append(f"{name}: several SPF records (permerror)")
            else:
                sub = parse(found[0])
                result.problems += [f"{name}: {e}" for e in sub.errors]
                next_level.append((name, sub, chain))
        level = next_level
    return result


def with_mechanism(record_text: str | None, mechanism: str) -> str:
    """The record with ``mechanism`` added just before the final all (or a new record)."""
    if not record_text:
        return f"v=spf1 {mechanism} -all"
    parts = record_text.split()
    for i, part in enumerate(parts):
        if part.lstrip("+-~?").lower() == "all" or part.lower().startswith("redirect="):
            return " ".join(parts[:i] + [mechanism] + parts[i:])
    return " ".join(parts + [mechanism, "-all"])


def with_all(record_text: str, qualifier: str = "-") -> str:
    """The record with its final all (or none) replaced by ``<qualifier>all``."""
    parts = [p for p in record_text.split() if p.lstrip("+-~?").lower() != "all"]
    return " ".join(parts + [f"{qualifier}all"])


def merge(records: list[str]) -> str:
    """One record holding the mechanisms of several (for the 'two SPF records' fix)."""
    seen: list[str] = []
    for text in records:
        for part in text.split()[1:]:
            low = part.lower()
            if part.lstrip("+-~?").lower() == "all" or low.startswith("redirect="):
                continue
            if low not in (s.lower() for s in seen):
                seen.append(part)
    return " ".join(["v=spf1", *seen, "-all"])
