"""The schema's migration ladder, shared by both engines: append only, each entry moves the
schema from version i to i+1 (SQLite runs it as written; storage/postgres.py adapts the DDL).
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Migrations: append only. Each entry moves the schema from version i to i+1.
# ---------------------------------------------------------------------------
_V1 = """
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL DEFAULT '',
    provider TEXT,
    auth_kind TEXT NOT NULL DEFAULT 'password',
    username TEXT NOT NULL,
    imap_host TEXT NOT NULL, imap_port INTEGER NOT NULL, imap_security TEXT NOT NULL,
    smtp_host TEXT NOT NULL, smtp_port INTEGER NOT NULL, smtp_security TEXT NOT NULL,
    imap_pin TEXT, smtp_pin TEXT,
    signature_html TEXT NOT NULL DEFAULT '', signature_text TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    last_check_at TEXT, last_check_ok INTEGER,
    sync_state TEXT NOT NULL DEFAULT 'idle', sync_error TEXT,
    needs_attention INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    account_email TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    envid TEXT NOT NULL UNIQUE,
    from_addr TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    body_text TEXT NOT NULL DEFAULT '',
    body_html TEXT,
    raw BLOB,
    state TEXT NOT NULL DEFAULT 'queued',
    smtp_reply TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    next_attempt_at TEXT,
    scheduled_at TEXT,
    give_up_at TEXT,
    dsn_requested INTEGER NOT NULL DEFAULT 0,
    mdn_requested INTEGER NOT NULL DEFAULT 0,
    resend_of INTEGER REFERENCES recipients(id) ON DELETE SET NULL
);
CREATE INDEX messages_created ON messages(created_at);
CREATE INDEX messages_account ON messages(account_email, created_at);
CREATE INDEX messages_state ON messages(state);
CREATE TABLE recipients (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    address TEXT NOT NULL COLLATE NOCASE,
    kind TEXT NOT NULL DEFAULT 'to',
    status TEXT NOT NULL DEFAULT 'queued',
    reason TEXT,
    detail TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (message_id, address)
);
CREATE INDEX recipients_status ON recipients(status);
CREATE INDEX recipients_address ON recipients(address);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES recipients(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    reason TEXT,
    detail TEXT,
    inbound_id INTEGER REFERENCES inbound(id) ON DELETE SET NULL
);
CREATE INDEX events_recipient ON events(recipient_id, at);
CREATE TABLE inbound (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    header_message_id TEXT,
    subject TEXT,
    from_addr TEXT,
    received_at TEXT NOT NULL,
    matched INTEGER NOT NULL DEFAULT 0,
    summary TEXT,
    raw BLOB,
    UNIQUE (account_id, folder, uidvalidity, uid)
);
CREATE INDEX inbound_unmatched ON inbound(matched, received_at);
CREATE TABLE scan_state (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL,
    PRIMARY KEY (account_id, folder)
);
CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    address TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (group_id, address)
);
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    account_email TEXT,
    message_id INTEGER,
    seen INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Each concern appends its own version; an empty script only bumps the version.
_V2_TRACKING = """
ALTER TABLE messages ADD COLUMN is_test INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN error TEXT;
ALTER TABLE messages ADD COLUMN claimed_at TEXT;
ALTER TABLE messages ADD COLUMN claimed_by TEXT;
ALTER TABLE recipients ADD COLUMN to_send INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN applied INTEGER NOT NULL DEFAULT 1;
CREATE INDEX messages_due ON messages(state, next_attempt_at);
CREATE INDEX inbound_message_id ON inbound(account_id, header_message_id);
"""  # sending / tracking (issue 5): test flag, last error, outbox work per recipient,
#      events superseded by a stronger status stay in the timeline with applied = 0

_V3_VIEWS = """
CREATE INDEX messages_subject ON messages(subject COLLATE NOCASE, created_at);
CREATE INDEX recipients_status_message ON recipients(status, message_id);
CREATE INDEX notifications_at ON notifications(at);
"""  # sent-messages table: indexes for sorting/filtering 100k rows (issue 6)

_V4_SIGNATURE_IMAGES = """
CREATE TABLE signature_images (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    cid TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (account_id, cid)
);
"""  # signature logos as inline MIME parts, stored once per account (issue 16, item 17)

_V5_SENT_BY = """
ALTER TABLE messages ADD COLUMN sent_by TEXT NOT NULL DEFAULT '';
CREATE INDEX messages_sent_by ON messages(sent_by, created_at);
"""  # team mode (issue 19): who sent each message (OS login or chosen display name)

_V6_PERSONAL_NOTIFICATIONS = """
ALTER TABLE notifications ADD COLUMN person TEXT NOT NULL DEFAULT '';
CREATE INDEX notifications_person ON notifications(person, at);
"""  # team mode (issue 19): each person's notification history ('' on a laptop's own file)

MIGRATIONS: list[str] = [_V1, _V2_TRACKING, _V3_VIEWS, _V4_SIGNATURE_IMAGES, _V5_SENT_BY,
                         _V6_PERSONAL_NOTIFICATIONS]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version() -> int:
    """The version this Postier's ladder reaches (read at each use: tests add a step)."""
    return len(MIGRATIONS)


def split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
