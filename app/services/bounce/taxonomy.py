"""The reasons and what they mean: CLI.md's category of each reason, which reasons a text may
still sharpen, and what each enhanced status code (RFC 3463 and the IANA registry, plus
providers' documented codes) says about whose problem it is.

Data only: ``reasons`` decides with it, the DSN and vendor readers and the tracker read the
categories from it.
"""

from __future__ import annotations

# category of each reason, exactly CLI.md's table.
REASON_CATEGORY: dict[str, str] = {
    "delivered": "delivered",
    "delayed": "deferred",
    **{r: "hard_bounce" for r in ("user_unknown", "host_unknown", "has_moved", "not_accept")},
    **{r: "soft_bounce" for r in (
        "mailbox_full", "expired", "system_error", "system_full", "network_error",
        "too_many_conn", "suspend", "message_too_big", "exceed_limit", "speeding")},
    **{r: "blocked" for r in (
        "blocked", "rejected", "no_relaying", "policy_violation", "auth_failure",
        "bad_reputation", "require_ptr", "not_compliant_rfc", "security_error", "filtered",
        "content_error")},
    "spam_detected": "spam",
    "virus_detected": "spam",
    "vacation": "auto_reply",
    "feedback": "complaint",
    # MDN dispositions (RFC 3798): not in CLI.md's bounce table; "opened" is in the status model.
    "displayed": "opened",
    **{r: "delivered" for r in ("deleted", "dispatched", "processed", "denied", "failed")},
    **{r: "error" for r in ("syntax_error", "mailer_error", "on_hold", "undefined")},
}


# Reasons a text or a later step may still sharpen: they say little about the cause.
# (not_accept: Microsoft 365 reuses RFC 7505's 5.1.10 for "recipient not found"; filtered: 5.2.x
# codes say only that the mailbox refused.)
VAGUE = frozenset({"undefined", "on_hold", "system_error", "security_error", "expired",
                   "network_error", "host_unknown", "user_unknown", "not_accept", "filtered"})

# Enhanced status code -> reason: RFC 3463/3886/4954/5248/7372/7505/8461 as registered at IANA
# (smtp-enhanced-status-codes), read for what each code says about *whose* problem it is.
# Provider codes: Microsoft 365 "Email non-delivery reports and SMTP errors in Exchange Online"
# (learn.microsoft.com: 5.7.1xx-7xx); Gmail "SMTP errors and codes" (support.google.com/a/
# answer/3726730).
STATUS_REASON: dict[str, str] = {
    "2.1.5": "delivered",
    # x.1.x addressing
    "4.1.2": "network_error",  # the domain's lookup failed for now (Postfix's tempfail)
    "4.1.6": "has_moved", "4.1.7": "rejected", "4.1.8": "rejected", "4.1.9": "system_error",
    "5.1.0": "user_unknown", "5.1.1": "user_unknown", "5.1.2": "host_unknown",
    "5.1.3": "user_unknown", "5.1.4": "filtered", "5.1.6": "has_moved", "5.1.7": "rejected",
    "5.1.8": "rejected", "5.1.9": "system_error", "5.1.10": "not_accept",
    # x.2.x mailbox
    "4.2.1": "suspend", "4.2.2": "mailbox_full", "4.2.3": "exceed_limit", "4.2.4": "filtered",
    "5.2.0": "filtered", "5.2.1": "filtered", "5.2.2": "mailbox_full", "5.2.3": "exceed_limit",
    "5.2.4": "filtered",
    # x.3.x mail system
    "4.3.1": "system_full", "4.3.2": "system_error", "4.3.3": "system_error",
    "4.3.5": "system_error", "5.3.0": "system_error", "5.3.1": "system_full",
    "5.3.2": "not_accept", "5.3.3": "system_error", "5.3.4": "message_too_big",
    "5.3.5": "system_error",
    # x.4.x network and routing: x.4.7 is "delivery time expired" (the MTA gave up)
    "4.4.1": "expired", "4.4.2": "network_error", "4.4.3": "system_error",
    "4.4.4": "network_error", "4.4.5": "system_full", "4.4.6": "network_error",
    "4.4.7": "expired", "4.4.8": "network_error", "5.4.0": "network_error",
    "5.4.3": "system_error", "5.4.4": "host_unknown", "5.4.6": "network_error",
    "5.4.7": "expired", "5.4.14": "network_error",  # Microsoft 365: hop count exceeded
    "4.4.316": "expired", "5.4.316": "expired",  # Microsoft 365: message expired
    # x.5.x protocol
    "4.5.3": "too_many_conn", "4.5.5": "system_error", "5.5.2": "syntax_error",
    "5.5.3": "too_many_conn", "5.5.4": "system_error", "5.5.5": "system_error",
    "5.5.6": "syntax_error",
    # x.6.x content
    **{f"{k}.6.{n}": "content_error" for k in "45" for n in range(0, 11)},
    # x.7.x security and policy
    "4.7.1": "blocked", "4.7.2": "blocked", "4.7.5": "security_error",
    "4.7.6": "security_error", "4.7.7": "security_error", "4.7.12": "security_error",
    "4.7.15": "security_error", "4.7.16": "message_too_big", "4.7.24": "auth_failure",
    "4.7.23": "auth_failure", "4.7.25": "require_ptr", "4.7.26": "auth_failure",
    "4.7.27": "auth_failure", "4.7.28": "speeding",
    **{f"5.7.{n}": "security_error" for n in range(0, 12)},
    "5.7.13": "suspend", "5.7.14": "security_error", "5.7.15": "security_error",
    "5.7.16": "message_too_big", "5.7.17": "has_moved", "5.7.18": "has_moved",
    "5.7.19": "security_error", "5.7.20": "auth_failure", "5.7.21": "auth_failure",
    "5.7.22": "auth_failure", "5.7.23": "auth_failure", "5.7.24": "auth_failure",
    "5.7.25": "require_ptr", "5.7.26": "auth_failure",
    "5.7.27": "rejected",  # RFC 7505: the *sender* address has a null MX
    "5.7.28": "spam_detected", "5.7.29": "auth_failure", "5.7.30": "security_error",
    # Microsoft 365 (Exchange Online NDR reference)
    "5.7.57": "security_error",  # client not authenticated to send
    "5.7.64": "no_relaying",  # TenantAttribution: relay access denied
    "5.7.124": "filtered", "5.7.129": "policy_violation",  # restricted recipient
    "5.7.132": "policy_violation",  # moderated recipient: the moderator refused
    "5.7.133": "policy_violation", "5.7.134": "policy_violation",
    "5.7.135": "policy_violation", "5.7.136": "policy_violation",  # group restrictions
    "5.7.350": "spam_detected",  # remote server returned message detected as spam
    "5.7.501": "blocked", "5.7.502": "blocked", "5.7.503": "blocked",  # spam abuse detected
    "5.7.506": "blocked",  # bad HELO
    "5.7.508": "speeding",  # sending IP exceeded permitted limits
    "5.7.509": "auth_failure",  # DMARC reject
    "5.7.510": "blocked",  # recipient domain does not accept mail over this IP version
    "5.7.511": "blocked", "5.7.513": "blocked",  # banned sender; customer block list
    "5.7.512": "not_compliant_rfc",  # RFC 5322 section 3.6.2 (From header)
    "5.7.520": "policy_violation",  # the sender's organisation forbids external forwarding
    "5.1.90": "speeding",  # daily recipient limit reached
    "5.4.8": "network_error",  # looping topology
    "5.4.300": "expired",  # message expired
    **{f"5.7.{n}": "blocked" for n in range(606, 650)},  # banned sending IP / blocklists
    "5.7.700": "policy_violation", "5.7.705": "blocked", "5.7.708": "bad_reputation",
    "5.7.750": "blocked",
    "4.7.500": "speeding", "4.7.650": "bad_reputation", "4.7.708": "bad_reputation",
    "5.2.121": "speeding", "5.2.122": "speeding",  # recipient's hourly limit
}

# Codes MTAs use for "refused, see text" whatever the cause: their registered meaning is only
# a last resort (4.7.1 is greylisting as often as a blocklist; Gmail's x.2.1 is a disabled
# account or a recipient receiving mail too fast).
GENERIC_CODES = frozenset({"4.7.0", "4.7.1", "4.7.2", "5.7.0", "5.7.1", "5.7.2", "5.2.0",
                           "5.1.0", "5.3.0", "5.4.0", "4.3.0", "4.4.0", "4.0.0", "5.0.0",
                           "4.2.1", "5.2.1", "5.6.0"})

# Causes worth more than "expired" when a temporary failure ran out of retries.
KEEP_ON_EXPIRY = frozenset({"mailbox_full", "system_full", "message_too_big", "exceed_limit",
                            "suspend", "speeding", "too_many_conn", "bad_reputation", "blocked",
                            "auth_failure", "require_ptr", "spam_detected", "virus_detected",
                            "policy_violation", "rejected", "no_relaying", "content_error",
                            "not_compliant_rfc", "filtered", "user_unknown", "host_unknown",
                            "has_moved", "not_accept"})
