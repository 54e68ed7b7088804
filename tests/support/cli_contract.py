"""The JSON shapes of ../shared/CLI.md written down once, for the CLI contract tests.

A shape is: a type (or tuple of types), a ``frozenset`` of allowed values, a list holding
one shape (every item must match it), or a dict of key -> shape (every key must be present:
CLI.md allows adding keys, never dropping or renaming them).
"""

from __future__ import annotations

from typing import Any

NONE = type(None)
STR_OR_NONE = (str, NONE)
INT = int  # bool is an int in Python: checked apart in ``check``
SECURITY = frozenset({"ssl", "starttls", "plain"})
ERROR_CODES = frozenset({
    "DNS_NOT_FOUND", "CONNECT_REFUSED", "TIMEOUT", "NETWORK_UNREACHABLE",
    "TLS_HANDSHAKE_FAILED", "TLS_TOO_OLD", "CERT_UNTRUSTED", "CERT_HOSTNAME_MISMATCH",
    "CERT_EXPIRED", "STARTTLS_UNSUPPORTED", "PLAINTEXT_REFUSED", "AUTH_FAILED",
    "APP_PASSWORD_REQUIRED", "WEB_LOGIN_REQUIRED", "BASIC_AUTH_DISABLED",
    "SMTP_AUTH_DISABLED", "IMAP_DISABLED", "AUTH_METHOD_UNSUPPORTED", "SENDER_REJECTED",
    "PROTOCOL_ERROR", "NOT_FOUND"})
CATEGORIES = {
    "delivered": {"delivered"},
    "deferred": {"delayed"},
    "hard_bounce": {"user_unknown", "host_unknown", "has_moved", "not_accept"},
    "soft_bounce": {"mailbox_full", "expired", "system_error", "system_full", "network_error",
                    "too_many_conn", "suspend", "message_too_big", "exceed_limit", "speeding"},
    "blocked": {"blocked", "rejected", "no_relaying", "policy_violation", "auth_failure",
                "bad_reputation", "require_ptr", "not_compliant_rfc", "security_error",
                "filtered", "content_error"},
    "spam": {"spam_detected", "virus_detected"},
    "auto_reply": {"vacation"},
    "complaint": {"feedback"},
    "error": {"syntax_error", "mailer_error", "on_hold", "undefined"},
}

ERROR_DOC = {"error": {"code": str, "message": str}}

SERVER = {"protocol": frozenset({"imap", "pop3", "smtp"}), "host": str, "port": INT,
          "security": SECURITY, "username": str}
TRIED = {"source": frozenset({"ispdb", "autoconfig", "well-known", "mx", "srv", "guess",
                              "preset"}),
         "target": str, "result": frozenset({"found", "not_found", "error"}), "ms": INT}
DISCOVER = {"email": str, "domain": str, "provider": frozenset({"office365", "gmail", None}),
            "source": TRIED["source"], "auth": [frozenset({"password", "oauth2"})],
            "incoming": [SERVER], "outgoing": [SERVER], "tried": [TRIED], "elapsed_ms": INT}
DISCOVER_NOT_FOUND = {**ERROR_DOC, "tried": [TRIED]}

ENDPOINT = {"host": str, "port": INT, "security": SECURITY}
STEP = {"server": frozenset({"imap", "smtp"}),
        "step": frozenset({"resolve", "connect", "tls", "greeting", "starttls", "login",
                           "select", "send_test"}),
        "ok": bool, "ms": INT, "detail": STR_OR_NONE, "code": STR_OR_NONE,
        "reply": STR_OR_NONE}
TLS_INFO = {"version": str, "cipher": str, "subject": str, "issuer": str, "not_after": str,
            "sha256": str}
CHECK_ERROR = {"code": ERROR_CODES, "server": frozenset({"imap", "smtp", None}),
               "message": str, "hint": str, "reply": STR_OR_NONE}
CHECK = {"ok": bool, "email": str, "incoming": (dict, NONE), "outgoing": (dict, NONE),
         "steps": [STEP], "tls": dict, "error": (dict, NONE)}

# Read receipts (RFC 8098 MDNs) are classified too, with values CLI.md's table does not
# list yet (reported to the lead): "displayed" → opened; "processed"/"deleted" → delivered.
MDN_EXTENSIONS = {"opened": {"displayed"}, "delivered": {"processed", "deleted"}}
CLASSIFIED = {k: CATEGORIES.get(k, set()) | MDN_EXTENSIONS.get(k, set())
              for k in {*CATEGORIES, *MDN_EXTENSIONS}}
CLASSIFY_RECIPIENT = {"address": STR_OR_NONE, "status": STR_OR_NONE,
                      "reply_code": STR_OR_NONE, "category": frozenset(CLASSIFIED),
                      "reason": frozenset().union(*CLASSIFIED.values()),
                      "diagnostic": STR_OR_NONE, "remote_mta": STR_OR_NONE,
                      "original_message_id": STR_OR_NONE}
CLASSIFY_ENTRY = {"file": str, "is_bounce": bool, "recipients": [CLASSIFY_RECIPIENT]}

STATUSES = frozenset({"queued", "sent", "deferred", "delivered", "opened", "replied",
                      "auto_reply", "soft_bounce", "hard_bounce", "blocked", "spam",
                      "complaint", "error"})
SEND = {"id": INT, "message_id": str, "status": frozenset({"sent", "failed"}),
        "reply": STR_OR_NONE, "recipients": [{"address": str, "status": STATUSES}]}
TRACK = {"scanned": INT, "matched": INT,
         "updated": [{"id": INT, "recipient": str, "status": STATUSES}]}
MESSAGE_ROW = {"id": INT, "date": str, "account": str, "from": str, "to": str,
               "subject": str, "status": STATUSES, "message_id": str, "sent_by": str,
               "events": [{"at": str, "status": STATUSES, "detail": STR_OR_NONE}]}
MIGRATE_TO = {"messages": INT, "recipients": INT, "events": INT, "skipped": INT}


def check(value: Any, shape: Any, path: str = "$") -> None:
    """Raise AssertionError naming the first place where ``value`` breaks ``shape``."""
    if isinstance(shape, dict):
        assert isinstance(value, dict), f"{path}: expected an object, got {value!r}"
        missing = set(shape) - set(value)
        assert not missing, f"{path}: keys missing {sorted(missing)}"
        for key, sub in shape.items():
            check(value[key], sub, f"{path}.{key}")
    elif isinstance(shape, list):
        assert isinstance(value, list), f"{path}: expected a list, got {value!r}"
        for i, item in enumerate(value):
            check(item, shape[0], f"{path}[{i}]")
    elif isinstance(shape, frozenset):
        assert value in shape, f"{path}: {value!r} is not one of {sorted(map(str, shape))}"
    else:
        types = shape if isinstance(shape, tuple) else (shape,)
        if bool not in types:
            assert not isinstance(value, bool), f"{path}: {value!r} is a bool"
        assert isinstance(value, types), f"{path}: {value!r} is not {shape}"


def check_iso8601(value: str) -> None:
    from datetime import datetime

    datetime.fromisoformat(value)
