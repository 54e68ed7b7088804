"""The phrase rules of ``phrases`` made fast to search: one alternation per reason, compiled on
first use, and the literals every match must contain, so that a text which holds none of them
is ruled out by a substring or set test before any regex runs.

``reasons`` asks these tables; nothing here decides a reason.
"""

from __future__ import annotations

import re

from app.services.bounce.phrases import RULES


# One alternation per reason, lower-case text, compiled once. Case-sensitive on lower-cased
# text: without IGNORECASE the regex engine can skip ahead on literal prefixes.
class _Compiled(dict):
    """reason -> its compiled alternation, compiled on first use: compiling them all costs
    tens of milliseconds at start-up, and thanks to the literal pre-checks a run over a few
    hundred bounces needs only some of them."""

    def __init__(self, sources: dict[str, str]) -> None:
        super().__init__()
        self.sources = sources

    def __missing__(self, reason: str) -> re.Pattern[str]:
        pattern = self[reason] = re.compile(self.sources[reason])
        return pattern

    def __contains__(self, reason: object) -> bool:
        return reason in self.sources

    def get(self, reason: str, default: re.Pattern[str] | None = None  # type: ignore[override]
            ) -> re.Pattern[str] | None:
        return self[reason] if reason in self.sources else default


def _merge(rules: list[tuple[str, str]], weak: bool) -> _Compiled:
    sources: dict[str, list[str]] = {}
    for name, src in rules:
        if name.endswith("?") == weak:
            sources.setdefault(name.rstrip("?"), []).append(src)
    return _Compiled({name: "|".join(srcs) for name, srcs in sources.items()})


PHRASES = _merge(RULES, weak=False)
WEAK_PHRASES = _merge(RULES, weak=True)
# each rule on its own, in order, for text_reason_at (index -> compiled, on first use)
RULE_PATTERNS = _Compiled({str(i): src for i, (_, src) in enumerate(RULES)})


# --- literal pre-checks ---------------------------------------------------------------------
# A reason's alternation has hundreds of branches and Python's regex engine tries them at every
# position. Most diagnostics name one or two causes, so most searches fail: a few substring
# tests ("in", which is fast) on literals that every match must contain rule a reason out first.
def _needed(seq: list) -> list[str] | None:
    """Literals of which every match of the parsed ``seq`` contains at least one (None:
    unknown). Conservative: only runs of plain characters that every path must cross."""
    cands: list[list[str]] = []
    run = ""
    for op, av in seq:
        if op is _C.LITERAL:
            run += chr(av)
            continue
        if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):  # zero-width: the run goes on
            continue
        if run:
            cands.append([run])
        run = ""
        need: list[str] | None = None
        if op is _C.SUBPATTERN:
            need = _needed(av[-1])
        elif op is _C.BRANCH:
            alts = [_needed(branch) for branch in av[1]]
            need = [lit for alt in alts for lit in alt] if all(alts) else None  # type: ignore
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
            need = _needed(av[2])
        if need:
            cands.append(need)
    if run:
        cands.append([run])
    if not cands:
        return None
    # the most selective choice: longest shortest literal, then fewest literals
    return max(cands, key=lambda c: (min(map(len, c)), -len(c)))


def _literals(source: str) -> list[str] | None:
    """The literals ``_needed`` finds in one rule's regex source (None: no pre-check)."""
    try:
        return _needed(list(_P.parse(source)))
    except Exception:  # noqa: BLE001 - a parser change only costs the pre-check
        return None


def _shortest(needs: list[list[str] | None]) -> tuple[str, ...] | None:
    """One pre-check for an alternation of rules: the union of theirs, without literals
    that hold a shorter one ("spam" makes "spamhaus" redundant)."""
    if not needs or any(not need for need in needs):
        return None
    kept: list[str] = []
    for lit in sorted({lit for need in needs for lit in need}, key=len):  # type: ignore
        if not any(k in lit for k in kept):
            kept.append(lit)
    return tuple(kept)


try:  # the standard library's own regex parser (private, hence the guard)
    import re._constants as _C
    import re._parser as _P
    # parsed once per rule; a reason's alternation needs one of its rules' literals
    _RULE_NEEDS = [_literals(src) for _, src in RULES]
    NEEDS: dict[tuple[str, bool], tuple[str, ...] | None] = {
        (name.rstrip("?"), name.endswith("?")): _shortest(
            [need for (other, _), need in zip(RULES, _RULE_NEEDS, strict=True)
             if other == name])
        for name, _ in RULES}
except ImportError:  # pragma: no cover - another Python: search every time
    _RULE_NEEDS = [None] * len(RULES)
    NEEDS = {}
# Each literal stands for one of its 3-character pieces (2 for a 2-character literal), the
# one made of the rarest letters: a text that holds none of a reason's pieces (one set
# operation against the text's pieces) cannot name it. A 1-character literal: no pre-check.
_RARE = " etaoinshrdlcumwfgypbvkjxqz"


def _piece(lit: str) -> str:
    size = min(3, len(lit))
    return max((lit[i:i + size] for i in range(len(lit) - size + 1)),
               key=lambda g: sum(_RARE.find(c) if c in _RARE else 20 for c in g))


PIECES: dict[tuple[str, bool], frozenset[str]] = {
    key: frozenset(map(_piece, lits)) for key, lits in NEEDS.items()
    if lits and min(map(len, lits)) >= 2}


def pieces(text: str) -> frozenset[str]:
    """Every 2- and 3-character piece of ``text``."""
    return frozenset([text[i:i + 3] for i in range(len(text) - 2)]
                     + [text[i:i + 2] for i in range(len(text) - 1)])


# The ordered rules of ``phrases`` with their own pre-checks, for ``text_reason_at``.
RULES_CHECKED = [(name.rstrip("?"), str(i), _shortest([need]))
                  for i, ((name, _), need) in enumerate(zip(RULES, _RULE_NEEDS, strict=True))]
