"""Notifications: which events deserve one, through which channels, and their history.

Kinds: a reply came back, a message bounced, a mailbox stopped syncing (IMAP login
failing), a sign-in (OAuth2 token) needs renewing. Channels per kind: in the app (history
panel and badge), a desktop notification, and/or an e-mail to the user. Rules live in the
settings table (``notify.<kind>`` = comma-separated channels); history in ``notifications``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from app.services.errors import CATALOGUE, message_for
from app.services.storage import Database, utcnow
from app.services.translation import N_, available_languages, gettext

KINDS: tuple[str, ...] = ("reply", "bounce", "sync_failed", "token_expiring")
CHANNELS: tuple[str, ...] = ("in_app", "desktop", "email")
DEFAULT_RULES: dict[str, frozenset[str]] = {
    "reply": frozenset({"in_app", "desktop"}),
    "bounce": frozenset({"in_app", "desktop"}),
    "sync_failed": frozenset({"in_app", "desktop"}),
    "token_expiring": frozenset({"in_app", "desktop"}),
}
_STATUS_KIND = {"replied": "reply", "hard_bounce": "bounce", "soft_bounce": "bounce",
                "blocked": "bounce", "spam": "bounce", "complaint": "bounce"}

_TITLES: dict[str, str] = {
    "reply": N_("Reply from {who}"),
    "bounce": N_("Not delivered to {who}"),
    "sync_failed": N_("{who} stopped syncing"),
    "token_expiring": N_("Sign in again to {who}"),
}


@dataclass
class Notification:
    id: int
    at: str
    kind: str
    title: str
    body: str
    account_email: str | None
    message_id: int | None
    seen: bool
    channels: frozenset[str] = frozenset()


def load_rules(db: Database) -> dict[str, frozenset[str]]:
    rules = dict(DEFAULT_RULES)
    for kind in KINDS:
        value = db.get_setting(f"notify.{kind}")
        if value is not None:
            rules[kind] = frozenset(c for c in value.split(",") if c in CHANNELS)
    return rules


def save_rules(db: Database, rules: dict[str, frozenset[str] | set[str]]) -> None:
    for kind, channels in rules.items():
        if kind not in KINDS:
            raise ValueError(f"unknown notification kind {kind!r}")
        db.set_setting(f"notify.{kind}", ",".join(c for c in CHANNELS if c in channels))


def _title(kind: str, who: str, lang: str | None) -> str:
    return gettext(_TITLES[kind], lang).format(who=who)


def _row(r: Any, rules: dict[str, frozenset[str]] | None = None) -> Notification:
    return Notification(r["id"], r["at"], r["kind"], r["title"], r["body"], r["account_email"],
                        r["message_id"], bool(r["seen"]),
                        (rules or DEFAULT_RULES).get(r["kind"], frozenset()))


def collect(db: Database, lang: str | None = None) -> list[Notification]:
    """Turn what happened since the last call into notification rows (per the rules) and
    return them. The first call only sets the starting point: no flood about the past."""
    rules = load_rules(db)
    new_ids: list[int] = []
    seen_key = db.setting_key("notify.last_event_id")  # per person on a team database
    person = db.person()
    with db.transaction() as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (seen_key,)).fetchone()
        top = conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
        if row is not None:
            new_ids += _from_events(conn, int(row[0]), rules, lang, person)
        conn.execute("INSERT INTO settings(key, value) VALUES(?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     (seen_key, str(top)))
        new_ids += _from_accounts(conn, rules, lang, person, db.setting_key)
        if not new_ids:
            return []
        marks = ",".join("?" for _ in new_ids)
        rows = conn.execute(f"SELECT * FROM notifications WHERE id IN ({marks}) ORDER BY id",
                            new_ids).fetchall()
    return [_row(r, rules) for r in rows]


def _insert(conn: Any, kind: str, title: str, body: str, account: str | None,
            message_id: int | None, rules: dict[str, frozenset[str]], person: str) -> int:
    # Without the in-app channel it is still kept in the history, but not counted unread.
    seen = 0 if "in_app" in rules.get(kind, frozenset()) else 1
    return int(conn.execute(
        "INSERT INTO notifications(at, kind, title, body, account_email, message_id, seen,"
        " person) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
        (utcnow(), kind, title, body, account, message_id, seen, person)).fetchone()[0])


def _from_events(conn: Any, since: int, rules: dict[str, frozenset[str]],
                 lang: str | None, person: str) -> list[int]:
    out: list[int] = []
    for e in conn.execute(
            "SELECT e.status, e.detail, r.address, m.id AS mid, m.subject, m.account_email "
            "FROM events e JOIN recipients r ON r.id = e.recipient_id "
            "JOIN messages m ON m.id = r.message_id "
            "WHERE e.id > ? AND e.applied = 1 ORDER BY e.id", (since,)).fetchall():
        kind = _STATUS_KIND.get(e["status"])
        if kind is None or not rules.get(kind):
            continue
        body = e["subject"] + (f"\n{e['detail']}" if e["detail"] else "")
        out.append(_insert(conn, kind, _title(kind, e["address"], lang), body,
                           e["account_email"], e["mid"], rules, person))
    return out


def _from_accounts(conn: Any, rules: dict[str, frozenset[str]], lang: str | None,
                   person: str, setting_key: Callable[[str], str]) -> list[int]:
    """One notification per account when it starts failing; again only after it recovered
    (per person on a team database: each colleague is told once)."""
    out: list[int] = []
    for a in conn.execute("SELECT email, auth_kind, sync_state, sync_error, needs_attention "
                          "FROM accounts").fetchall():
        key = setting_key(f"notify.account_failing.{a['email']}")
        failing = a["sync_state"] == "error" or bool(a["needs_attention"])
        known = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        if failing and known is None:
            # sync_error holds a catalogue code; a refused OAuth2 sign-in is its own kind.
            code = a["sync_error"] or ""
            # OAUTH_REAUTH_REQUIRED: the same code before its CLI.md name, in older data
            kind = ("token_expiring" if code in ("OAUTH_EXPIRED", "OAUTH_REAUTH_REQUIRED")
                    else "sync_failed")
            if rules.get(kind):
                out.append(_insert(conn, kind, _title(kind, a["email"], lang),
                                   _code_text(code, lang), a["email"], None, rules, person))
            conn.execute("INSERT INTO settings(key, value) VALUES (?, '1')", (key,))
        elif not failing and known is not None:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))
    return out


def _code_text(code: str, lang: str | None) -> str:
    """The catalogue's message and hint for an error code, the code itself otherwise."""
    if code in CATALOGUE:
        message, hint = message_for(code, lang)
        return f"{message} {hint}"
    return code


def localized(n: Notification, lang: str | None = None) -> Notification:
    """``n`` in ``lang`` whatever language it was recorded in (the history keeps the words
    of the day it was written; a user who switched language must not read both): the
    title is re-rendered from its template, a catalogue text from its code."""
    template = _TITLES.get(n.kind)
    title, body = n.title, n.body
    if template and title != gettext(template, lang):
        for recorded in dict.fromkeys(gettext(template, other) for other in available_languages()):
            head, _, tail = recorded.partition("{who}")
            if title.startswith(head) and title.endswith(tail) and len(title) > len(
                    head) + len(tail):
                title = gettext(template, lang).format(
                    who=title[len(head):len(title) - len(tail)])
                break
    if n.kind in ("sync_failed", "token_expiring") and body:
        languages = available_languages()
        for code in CATALOGUE:
            if body in {_code_text(code, other) for other in languages}:
                body = _code_text(code, lang)
                break
    return replace(n, title=title, body=body)


def history(db: Database, limit: int = 200) -> list[Notification]:
    """This person's notifications (a team database holds each colleague's own)."""
    rules = load_rules(db)
    with db.reading() as conn:
        rows = conn.execute("SELECT * FROM notifications WHERE person = ?"
                            " ORDER BY at DESC, id DESC LIMIT ?",
                            (db.person(), limit)).fetchall()
    return [_row(r, rules) for r in rows]


def unseen_count(db: Database) -> int:
    with db.reading() as conn:
        return int(conn.execute("SELECT COUNT(*) FROM notifications WHERE seen = 0"
                                " AND person = ?", (db.person(),)).fetchone()[0])


def mark_all_seen(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute("UPDATE notifications SET seen = 1 WHERE seen = 0 AND person = ?",
                     (db.person(),))
