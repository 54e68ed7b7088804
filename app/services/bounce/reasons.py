"""Classify one SMTP reply or DSN diagnostic into CLI.md's (category, reason).

Used at send time (replies to MAIL/RCPT/DATA) and by the bounce parser (DSN
Diagnostic-Code, free-text bounce diagnostics). Pure functions, precompiled
regexes, no I/O.

Decision order, and why:
1. a *specific* enhanced status code (RFC 3463 / 7505 / 7372 / 8461 ...) such as
   5.1.1 or 5.2.2 is trusted first: MTAs use them consistently;
2. otherwise the diagnostic text (ordered patterns, most specific first), because
   generic codes (5.7.1, 5.0.0, x.7.0, 550 alone) say little and the text says why;
3. otherwise the generic enhanced code, then the basic reply code.
"""

from __future__ import annotations

import re

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

CATEGORIES = tuple(dict.fromkeys(REASON_CATEGORY.values()))

# Enhanced status codes whose meaning MTAs respect: trusted before the text.
_SPECIFIC_STATUS: dict[str, str] = {
    "1.1": "user_unknown", "1.2": "host_unknown", "1.3": "user_unknown",
    "1.6": "has_moved", "1.7": "rejected", "1.8": "rejected",
    "2.1": "suspend", "2.2": "mailbox_full", "2.3": "exceed_limit",
    "3.1": "system_full", "3.4": "message_too_big",
    "4.4": "host_unknown", "4.6": "network_error", "4.7": "expired",
    "5.3": "too_many_conn",
    "6.0": "content_error", "6.1": "content_error", "6.2": "content_error",
    "6.3": "content_error", "6.4": "content_error", "6.5": "content_error",
    "6.6": "content_error", "6.7": "content_error", "6.8": "content_error",
    "6.9": "content_error", "6.10": "content_error",
    "7.2": "policy_violation", "7.3": "security_error", "7.4": "security_error",
    "7.5": "security_error", "7.6": "security_error", "7.7": "security_error",
    "7.8": "security_error", "7.9": "security_error", "7.10": "security_error",
    "7.11": "security_error", "7.13": "suspend", "7.14": "security_error",
    "7.15": "policy_violation", "7.16": "message_too_big", "7.17": "has_moved",
    "7.18": "has_moved", "7.19": "has_moved", "7.20": "auth_failure",
    "7.21": "auth_failure", "7.22": "auth_failure", "7.23": "auth_failure",
    "7.24": "auth_failure", "7.25": "require_ptr", "7.26": "auth_failure",
    "7.27": "rejected", "7.28": "speeding", "7.29": "auth_failure", "7.30": "security_error",
    "7.57": "security_error",  # Microsoft 365: client not authenticated
    "7.64": "no_relaying",  # Microsoft 365: TenantAttribution; relay access denied
    "7.509": "auth_failure",  # Microsoft 365: DMARC reject policy
    "7.606": "blocked", "7.607": "blocked", "7.608": "blocked", "7.609": "blocked",
    "7.708": "bad_reputation", "7.750": "blocked",
    "2.121": "speeding", "2.122": "speeding",  # Microsoft 365: recipient's rate limit
    "4.316": "expired", "4.14": "network_error",  # Microsoft 365: expired, hop count
}

# Generic enhanced codes: only used when the text says nothing better.
_GENERIC_STATUS: dict[str, str] = {
    "1.0": "user_unknown", "1.4": "user_unknown", "1.5": "delivered",
    "1.9": "user_unknown",
    "1.10": "not_accept",  # RFC 7505 null MX (Microsoft reuses it for "recipient not found")
    "2.0": "suspend", "2.4": "system_error",
    "3.0": "system_error", "3.2": "system_error", "3.3": "system_error", "3.5": "system_error",
    "4.0": "network_error", "4.1": "network_error", "4.2": "network_error",
    "4.3": "network_error", "4.5": "system_full",
    "5.0": "syntax_error", "5.1": "syntax_error", "5.2": "syntax_error",
    "5.4": "syntax_error", "5.5": "syntax_error", "5.6": "syntax_error",
    "7.0": "security_error", "7.1": "policy_violation", "7.12": "security_error",
}

_BASIC_CODE: dict[int, str] = {
    421: "system_error", 450: "system_error", 451: "system_error", 452: "system_full",
    454: "security_error", 455: "system_error",
    500: "syntax_error", 501: "syntax_error", 502: "syntax_error", 503: "syntax_error",
    504: "syntax_error", 521: "not_accept", 523: "message_too_big", 530: "security_error",
    534: "security_error", 535: "security_error", 538: "security_error",
    550: "on_hold", 551: "has_moved", 552: "mailbox_full", 553: "on_hold", 554: "on_hold",
    555: "syntax_error", 556: "not_accept",
}

# Ordered (reason, pattern) list: first match wins, so the most specific causes come
# before the words they contain (e.g. "blocked using Spamhaus" before "spam",
# "Sender address rejected: Domain not found" before "domain not found").
_TEXT_RULES_SRC: list[tuple[str, str]] = [
    ("not_compliant_rfc", (r"\brfc ?(?:5322|2822|822|5321|2821)\b|not (?:rfc[- ]?)?compliant"
                           r"|rfc compliance|(?:missing|no|duplicate|multiple)[^.;\n]{0,20}"
                           r"(?:message-id|date|from|subject) header")),
    ("not_accept", (r"null mx|does not accept (?:any )?(?:e-?)?mail(?! from)|accepts no mail"
                    r"|domain (?:does not|doesn't) receive (?:e-?)?mail|no mail service"
                    r"|does not accept mail \(nullmx\)|mail receiving disabled|no mx record found"
                    r"|no route for current request")),
    ("auth_failure", (r"\bdmarc\b|\bdkim\b.{0,60}(?:fail|invalid|missing|not pass|reject)"
                      r"|\bspf\b.{0,80}(?:fail|check|reject|not pass|not designate|record|policy)"
                      r"|sender policy framework|unauthenticated (?:e-?mail|mail|message)"
                      r"|this mail is unauthenticated|authentication checks? (?:did not|failed)"
                      r"|not (?:pass|passing) authentication|\barc\b validation fail"
                      r"|\bspf\b (?:settings|records?)|required authentication level"
                      r"|authentication requirements|per it'?s spf")),
    ("require_ptr", (r"reverse (?:dns|lookup|hostname)|\bptr\b|\brdns\b"
                     r"|cannot find your hostname|can't find your hostname|no reverse"
                     r"|not have a reverse|unable to verify your hostname|hostname lookup"
                     r"|ip name lookup failed|cannot resolve your address|unresolvable relay host"
                     r"|mismatches client ip")),
    # a group's delivery restriction (Microsoft 365 5.7.133...) says "authentication required"
    ("policy_violation", (r"delivery restriction|sendernotauthenticatedforgroup"
                          r"|not authenticated (?:for|when sending to) (?:this )?group")),
    ("security_error", (r"authentication (?:is )?required|authentification requise"
                        r"|unauthenticated senders|authentication credentials invalid"
                        r"|authentication fail(?:ure|ed)|authentication turned on")),
    ("rejected", (r"sender(?! ip)\b[^.;\n]{0,30}(?:rejected|refused|denied|blocked|invalid"
                  r"|unknown|blacklisted|black ?list|not pre-?approved|is (?:a )?spammer)"
                  r"|sender (?:address |domain )?(?:rejected|refused|denied|blocked|invalid"
                  r"|unknown)"
                  r"|sender (?:verify|verification|address verification) fail"
                  r"|(?:sender|from) (?:address )?(?:is )?not (?:allowed|permitted|accepted)"
                  r"|domain of sender address|sender domain (?:must|does not|not found)"
                  r"|bad sender(?! ip)|invalid sender|unknown sender"
                  r"|mail from (?:address )?rejected"
                  r"|bogus mail from|mail from not owned|null sender|empty envelope sender"
                  r"|sender domain is empty|returned mail not accepted|unroutable sender"
                  r"|does not accept mail from|valid sender domain|\bbatv\b|backscatter"
                  r"|your e-?mail address (?:has been|is) blacklisted|provide a valid from"
                  r"|from: domain is invalid|[ée]metteur (?:invalide|refus[ée]|inconnu)"
                  r"|sender address (?:must|does not|has null mx)|return path"
                  r"|not authorized to send|\bbanned sender\b"
                  r"|expéditeur (?:refusé|rejeté|invalide|inconnu)")),
    # "not an open relay" is about relaying, not about an open-relay sender (blocked below)
    ("no_relaying", r"not an open relay"),
    # URL blocklists judge the content; "spam or virus" scanners: before virus and blocked
    ("spam_detected", (r"blacklisted url|\buribl\b|\bsurbl\b|url blocklist|spam or virus"
                       r"|spam/virus")),
    ("virus_detected", (r"\bvirus|malware|infected|trojan|\bworm\b|dangerous (?:content|attach)"
                        r"|malicious (?:content|attachment|link|payload)|ransomware|phishing")),
    # the recipient's own block list: before the generic "block list" of an RBL
    ("filtered", (r"recipient'?s? (?:personal )?(?:block ?list|black ?list|blocked senders)"
                  r"|(?:blocked|refused|rejected) by the recipient|on the recipient'?s? ")),
    ("blocked", (r"spamhaus|spamcop|\bsorbs\b|barracudacentral|b\.barracuda|blocklist"
                 r"|block list|blacklist"
                 r"|black list|denylist|dnsbl|\brbl\b|\buceprotect|\bpsbl\b"
                 r"|blocked using|(?<!not )listed (?:in|at|on|by)\b|is listed|\bbl\d\d\b"
                 r"|banned sending ip|comcast block for spam|\bbl0\d{5}\b"
                 r"|(?:client|sending|your|sender) (?:host|ip|address|server|mta)[^.;\n]{0,60}"
                 r"(?:blocked|banned|rejected|refused|denied|not allowed|black)"
                 r"|ip (?:address )?(?:blocked|banned|rejected|refused)|connections? (?:will )?not"
                 r" (?:be )?accepted from|access denied[^.;\n]{0,40}\bip\b|service refused"
                 r"|host (?:is )?blocked|blocked by (?:mx|ip)|\bs3150\b|\bs3140\b"
                 r"|adresse ip (?:bloquée|refusée|rejetée)|poor ip reputation"
                 r"|sender ip|bad ip|invalid ip|dynamic ip|dynamic/|dial-?up|open (?:proxy|relay)"
                 r"|(?:blocked|refused) - see http|sending spam|spams? from your ip|spam ips"
                 r"|zombie|spammer|unwanted messages|not allowed to connect"
                 r"|accepting mail from your ip|smtp server of your (?:isp|provider)"
                 r"|(?:server )?access (?:from |forbidden by )(?:your )?ip|your access ip"
                 r"|\bip\b[^;\n]{0,40}(?:blocked|blacklisted|listed as|abusive)"
                 r"|mail server at [^;\n]{0,60} is blocked")),
    ("bad_reputation", (r"reputation|sender score|unusual rate of unsolicited|\btss0\d\b"
                        r"|\bts0\d\b|complaints? (?:rate|from|received)|user complaints"
                        r"|not (?:yet )?trusted|low (?:sender )?score")),
    ("mailbox_full", (r"too many messages (?:on the server|in (?:the |his |her )?mailbox)"
                      r"|too much mail data|number of messages in[^.;\n]{0,30}mailbox")),
    ("speeding", (r"rate[- ]limit|rate of|too many (?:messages|mails|emails)|sending rate"
                  r"|throttl|too fast|too much mail|recipientthresholdexceeded|slow down"
                  r"|(?:exceeded|over) (?:the |its |their )?(?:hourly|daily|sending|message)"
                  r" (?:limit|quota)|(?:messages|mails) per (?:hour|day|minute)|grey ?list"
                  r"|gray ?list|temporarily deferred|try (?:again )?later[^.;\n]{0,40}limit"
                  r"|envoi trop rapide|trop de messages|try again slower|at a rate that"
                  r"|too many errors from your ip")),
    ("too_many_conn", (r"too many (?:[\w-]+ ){0,2}(?:connections|sessions)"
                       r"|connection (?:count |rate )?limit|too many recipients|max(?:imum)?"
                       r" (?:number of )?(?:connections|recipients)|trop de connexions")),
    ("no_relaying", (r"relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed))"
                     r"|relaying (?:prohibited|disallowed)|(?:not permitted|unable|we do not)"
                     r" (?:to )?relay|not allowed to relay|allowed rcpthosts|not our customer"
                     r"|relay not permitted|tenantattribution|relais (?:refusé|interdit)"
                     r"|as a relay|insecure mail relay|no relaying|not a gateway|not local host"
                     r"|relaying mail to|specified domain is not allowed|allowed rcpthost"
                     r"|not configured to relay|don't handle mail for|non-local e-?mail address")),
    ("spam_detected", (r"\bspam(?:s|my)?\b|junk mail|unsolicited|\buce\b|bulk (?:e-?)?mail"
                       r"|spamassassin|likely (?:unsolicited|spam)|content looks like"
                       r"|identified as (?:junk|spam)|indésirable|pourriel|迷惑メール")),
    # unambiguous "does not exist" wordings win over "inactive/disabled" in the same text
    ("user_unknown", (r"access denied\. as\(201806281\)|compte inexistant|adresse inexistante"
                      r"|user unknown|unknown user"
                      r"|no such (?:user|mailbox|recipient)|(?:user|mailbox|account|address)"
                      r" (?:does not|doesn't) exist")),
    ("suspend", (r"(?:mailbox|account|user|address|recipient|boîte|compte)"
                 r"[^.;\n]{0,40}(?:disabled|suspended|inactive|deactivated|discontinued"
                 r"|locked|expired|désactivé|suspendu|bloqué|inactif)"
                 r"|(?:disabled|suspended|inactive|deactivated|expired) (?:mailbox|account|user)"
                 r"|mailbox (?:is )?not (?:active|enabled)|account (?:is )?(?:not )?(?:in)?active"
                 r"|no longer (?:active|in use)|このアカウントは(?:停止|無効)"
                 r"|(?:is|has been|currently|user|recipient) (?:currently |temporarily )?"
                 r"suspend(?:ed)?\b|temporar(?:y|ily) (?:locked|inactive)|archived? recipient"
                 r"|archiv[ée]e|(?:user|account|mailbox)[^.;\n]{0,20}(?:terminated|frozen)"
                 r"|has been (?:disabled|deactivated)")),
    ("mailbox_full", (r"(?:mailbox|inbox|mail ?box|account|user|recipient)[^.;\n]{0,40}"
                      r"(?:full|over (?:the |its |their )?(?:quota|limit)|exceeded|exceeds"
                      r"|would exceed)"
                      r"|over ?quota|quota (?:exceeded|exceed|full)|exceeded (?:the |its )?"
                      r"(?:storage|quota)|insufficient (?:storage|space) (?:for|in) (?:the )?"
                      r"(?:user|mailbox|recipient)|mailboxfull|storage (?:quota|allocation)"
                      r"|out of (?:storage|space) (?:for|in)"
                      r"|bo[îi]te[^.;\n]{0,30}(?:pleine|saturée)"
                      r"|espace (?:de stockage )?(?:insuffisant|plein)|容量(?:超過|オーバー|が一杯)"
                      r"|メールボックスが一杯|quota dépassé|full mailbox|mailfolder is full"
                      r"|quota violation|(?:mailbox|disk|maildir) quota|space has been used up"
                      r"|(?:insufficient|not enough|not sufficient) disk space")),
    ("exceed_limit", (r"exceeds? (?:the )?(?:recipient|user|mailbox)'?s? (?:size )?limit"
                      r"|size limit (?:for|of) (?:this |the )?(?:recipient|user|mailbox)")),
    ("message_too_big", (r"message (?:size|length|is) (?:exceeds|too|larger|over)"
                         r"|message too (?:large|big)|too (?:large|big)\b|size (?:limit|exceeds)"
                         r"|exceeds? (?:the )?(?:maximum|max|fixed maximum|allowed)"
                         r" (?:message )?size"
                         r"|maximum (?:message )?size|taille (?:du message|maximale)"
                         r"|maximum (?:inbound|incoming) message size|line limit exceeded"
                         r"|max message size|taille limite du message")),
    ("system_full", (r"insufficient system storage|system (?:is )?full|disk (?:is )?full"
                     r"|no space left|out of disk|out of (?:storage|space)\b")),
    # temporary DNS trouble and mail loops: before "host not found" / "could not be found"
    ("network_error", (r"dns records for|host name lookup failure|host not found, try again"
                       r"|name server reply|forwarding loop|message looping|routing loop"
                       r"|unable to resolve route|unrouteable mail domain")),
    ("host_unknown", (r"host (?:or domain name )?(?:not found|unknown)|unknown host"
                      r"|domain (?:name )?(?:does not exist|not found|unknown|inexistant|inconnu)"
                      r"|no such domain|unrouteable|unroutable|couldn't find any host"
                      r"|could not find any host|no (?:valid )?mx|nxdomain|name service error"
                      r"|domain (?:is )?(?:invalid|not valid)|unknown domain|invalid domain"
                      r"|unable to resolve|domaine (?:inexistant|inconnu|introuvable)"
                      r"|recipient domain|domain (?:is not reachable|must exist)"
                      r"|name or service not known|domain[^.;\n]{0,40}is unknown")),
    ("has_moved", (r"has moved|user not local|no longer (?:at|with|works|employed)"
                   r"|changed (?:his|her|their) (?:e-?mail )?address|address has changed"
                   r"|a changé d'adresse")),
    ("user_unknown", (r"user (?:unknown|not found|not exist|does not exist|doesn't exist|invalid)"
                      r"|unknown (?:user|recipient|mailbox|local[- ]?part|address|addressee|alias)"
                      r"|no such (?:user|mailbox|recipient|address|account|person|local user)"
                      r"|(?:mailbox|recipient|address|account|addressee|user ?name|alias)"
                      r"[^.;\n]{0,30}(?:does not exist|doesn't exist|not exist|not found"
                      r"|unknown|unavailable|invalid|not valid|inexistant|n'existe pas)"
                      r"|invalid (?:recipient|mailbox|address|user|e-?mail)|recipientnotfound"
                      r"|not (?:a )?valid (?:mailbox|recipient|user|address)"
                      r"|no mailbox|not listed in (?:domino|public name)|wasn't found at"
                      r"|couldn't be found|could not be found|was not found"
                      r"|email account that you tried to reach does not exist|is not a known user"
                      r"|doesn't have an? [\w.-]+ account|does not have an? [\w.-]+ account"
                      r"|not our user|unknown or illegal alias|mailbox unavailable"
                      r"|adresse[^.;\n]{0,40}(?:inexistante|inconnue|invalide|introuvable)"
                      r"|destinataire[^.;\n]{0,20}(?:inconnu|invalide|inexistant)"
                      r"|utilisateur[^.;\n]{0,20}(?:inconnu|inexistant)|n'existe pas"
                      r"|compte inexistant|宛先(?:が)?(?:見つかりません|不明|存在しません)"
                      r"|存在しない|ユーザ(?:ー)?(?:が)?(?:存在しません|不明)"
                      r"|bad (?:destination |recipient )?address|not present|can'?t accept user"
                      r"|cannot accept user|destination (?:server rejected recipients"
                      r"|addresses were unknown)|not an? (?:active|local|valid) (?:address|user"
                      r"|recipient|mailbox)|recipient (?:is )?not (?:local|accepted|ok)\b"
                      r"|nessun utente|no existe (?:dicha persona|ese usuario)"
                      r"|adresse[^.;\n]{0,20}nicht gefunden|no (?:account|mailbox|mail box|user)"
                      r"[^.;\n]{0,30}(?:by that name|available|here)|no one at this address"
                      r"|no valid recipients|badrcptto|badrecipientto|validrcptto"
                      r"|envelope recipient (?:has been )?denied|name is not found"
                      r"|no longer valid|missing home directory|unknown (?:virtual )?user"
                      r"|user\b[^.;\n]{0,40}(?:unknown|not known|not found)|>\s*not found"
                      r"|non-?existent (?:user|address|mailbox|recipient)"
                      r"|unknown (?:e-?mail )?address")),
    ("filtered", (r"filtered|content filter|(?:refused|rejected|blocked) by (?:the )?"
                  r"(?:recipient|user|addressee)|recipient (?:has )?(?:blocked|refused|rejected)"
                  r"|refuses to accept|not accepting (?:mail|messages) from|受信拒否"
                  r"|user has blocked|blocked by the user|your email has been blocked"
                  r"|protected by|not accepting any mail|due to user rules|refuses? to receive"
                  r"|only accepting mail from|recipient preferences|user reject\b")),
    ("policy_violation", (r"\bbanned(?::| (?:attachment|file|content|extension))"
                          r"|polic(?:y|ies)|prohibited|not authori[sz]ed|not allowed"
                          r"|(?:do not|don't) have permission|illegal attachment|members-only"
                          r"|non-member|closed mailing list|organi[sz]ational settings"
                          r"|protocol violation|not subscribed to this group|mass mailer"
                          r"|messages containing images"
                          r"|administrative|restrict(?:ed|ion)|\bph0\d\b|denied by|access denied")),
    ("security_error", (r"(?:must|need to|please) (?:authenticate|issue a starttls|use tls)"
                        r"|authentication (?:required|is required)|tls (?:is )?required"
                        r"|encryption (?:is )?required|starttls (?:is )?required"
                        r"|not authenticated|requires? (?:tls|encryption|authentication)")),
    ("content_error", (r"malformed|invalid (?:message|header|mime|content|characters?)"
                       r"|bare lf|line too long|header (?:syntax|error)|illegal characters?"
                       r"|content (?:rejected|error)|8-?bit|encoding")),
    ("expired", (r"retry time(?:out)? (?:not reached|exceeded)|timeout exceeded"
                 r"|delivery time expired|(?:message|delivery) (?:has )?expired|gave up"
                 r"|giving up|i'm not going to try again|(?:in|on) (?:the )?queue too long"
                 r"|could not be delivered (?:for|within)|undeliverable for|message timed out"
                 r"|queue lifetime|expired after|n'a pas pu être remis depuis"
                 r"|failing for a long time|not been collected after|after multiple retries"
                 r"|within the allowed queue period|long failure period")),
    ("network_error", (r"connection (?:timed out|refused|reset|lost|closed)|network"
                       r"|no route to host|lost connection|loops? back to myself|mail loop"
                       r"|is looping"
                       r"|routing loop|too many hops|hop count|dns (?:error|failure|lookup|problem)"
                       r"|timed out|temporary lookup failure|could not connect|unable to connect"
                       r"|can't connect|host (?:is )?unreachable")),
    ("system_error", (r"system error|local error|internal (?:server )?error|temporary (?:failure"
                      r"|error|problem)|server (?:is )?(?:busy|unavailable|error)|try again later"
                      r"|service (?:temporarily )?(?:not available|unavailable)|out of memory"
                      r"|resources? (?:temporarily )?unavailable|configuration error"
                      r"|forwarding loop broken|can't create user output file|could not load drd"
                      r"|interrupted system call|error while being processed|queue file write"
                      r"|misconfigured|service currently unavailable|config error"
                      r"|temporary local problem|timeout waiting for input")),
    ("mailer_error", (r"mailer error|program exited|command died|unknown mailer|\bx-unix;"
                      r"|procmail|pipe to |exit (?:code|status) \d")),
    ("syntax_error", (r"syntax error|command unrecognized|unrecognized command|bad sequence"
                      r"|invalid command|command not implemented")),
]

# Compiled case-sensitive and matched against lower-cased text: without IGNORECASE the
# regex engine can skip ahead on literal prefixes, several times faster on long texts.
_TEXT_RULES: list[tuple[str, re.Pattern[str]]] = [
    (reason, re.compile(src)) for reason, src in _TEXT_RULES_SRC
]

# Reasons the text may report even when a specific status code says otherwise:
# a 5.1.1 text that says "blocked using Spamhaus" is about the sender's IP.
_TEXT_OVERRIDES_STATUS = frozenset({"blocked", "auth_failure", "spam_detected", "virus_detected",
                                    "no_relaying", "require_ptr"})

ENHANCED_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)")
_REPLY_ENH_RE = re.compile(r"(?<![\d.])([245]\d\d)[ -]#?[245]\.\d{1,3}\.\d{1,3}")
# A bare reply code only where replies are quoted: text start, after "said:", a quote, "<<<".
_REPLY_RE = re.compile(r"(?:^|[:'\"(<>#]\s*|\bsaid:?\s*|\breturned\s*)"
                       r"([245]\d\d)(?![\d.])(?=[ :-]|$)",
                       re.IGNORECASE)
_MAX_TEXT = 4096

# Causes worth more than "expired" when a temporary failure ran out of retries.
KEEP_ON_EXPIRY = frozenset({"mailbox_full", "system_full", "message_too_big", "exceed_limit",
                            "suspend", "speeding", "too_many_conn", "bad_reputation", "blocked"})


def is_temporary(reply: int | None, status: str | None) -> bool:
    if reply is not None:
        return 400 <= reply < 500
    return bool(status and status.startswith("4."))


def _specific(enhanced: str | None) -> str | None:
    if not enhanced:
        return None
    _, _, tail = enhanced.partition(".")
    return _SPECIFIC_STATUS.get(tail)


def _generic(enhanced: str | None) -> str | None:
    if not enhanced:
        return None
    _, _, tail = enhanced.partition(".")
    reason = _GENERIC_STATUS.get(tail)
    if reason is None:
        reason = _GENERIC_STATUS.get(tail.split(".")[0] + ".0")
    return reason


def text_reason(text: str) -> str | None:
    """The first cause the diagnostic text names, or None."""
    return text_reason_at(text)[0]


def text_reason_at(text: str, limit: int = _MAX_TEXT) -> tuple[str | None, int]:
    """(first cause named in ``text``, offset of its match in ``text.lower()``) or (None, -1)."""
    if not text:
        return None, -1
    sample = text[:limit].lower()
    for reason, pattern in _TEXT_RULES:
        match = pattern.search(sample)
        if match:
            return reason, match.start()
    return None, -1


def extract_codes(text: str) -> tuple[int | None, str | None]:
    """(reply code, enhanced status) found in a diagnostic text, each None if absent."""
    sample = text[:_MAX_TEXT] if text else ""
    reply = None
    match = _REPLY_ENH_RE.search(sample) or _REPLY_RE.search(sample)
    if match:
        reply = int(match.group(1))
    enh_match = ENHANCED_RE.search(sample)
    enhanced = ".".join(enh_match.groups()) if enh_match else None
    return reply, enhanced


def normalise_status(value: str | None) -> str | None:
    """'5.1.1 (permanent failure)' -> '5.1.1'; anything without a status -> None."""
    if not value:
        return None
    match = ENHANCED_RE.search(value)
    return ".".join(match.groups()) if match else None


def _text_overrides(from_text: str | None, specific: str, enhanced: str | None) -> bool:
    """Whether the text's cause beats a specific status code."""
    if from_text is None or from_text == specific:
        return False
    if specific == "security_error" and REASON_CATEGORY[from_text] in ("blocked", "spam"):
        # x.7.y security codes are often reused loosely (Yahoo "5.7.9 ... policy reasons"):
        # a policy or spam cause named in the text is the better guide there.
        return True
    if REASON_CATEGORY[from_text] == REASON_CATEGORY[specific]:
        return False  # same category: the code names the finer cause (5.7.708 reputation)
    return from_text in _TEXT_OVERRIDES_STATUS


def classify_reply(reply_code: int | None, text: str,
                   enhanced: str | None = None) -> tuple[str, str]:
    """(category, reason) per CLI.md for an SMTP reply or a DSN diagnostic.

    ``reply_code`` and ``enhanced`` are taken from ``text`` when not given. A 2xx reply
    is ``delivered``. Temporary (4xx) refusals keep the cause's own category (e.g.
    452 4.2.2 → soft_bounce mailbox_full): at send time the caller treats 4xx as
    deferred and retries.
    """
    text = text or ""
    if reply_code is None or enhanced is None:
        found_reply, found_enhanced = extract_codes(text)
        reply_code = reply_code if reply_code is not None else found_reply
        enhanced = enhanced or found_enhanced
    enhanced = normalise_status(enhanced)
    if (reply_code is not None and 200 <= reply_code < 300) or (
            enhanced and enhanced.startswith("2.") and reply_code is None):
        return "delivered", "delivered"
    from_text = text_reason(text)
    specific = _specific(enhanced)
    if specific and not _text_overrides(from_text, specific, enhanced):
        reason = specific
    else:
        reason = from_text or _generic(enhanced) or _BASIC_CODE.get(reply_code or 0)
        if reason is None:
            # Only the class is known (x.0.0, a bare 554): temporary → system_error,
            # permanent → on_hold (refused, cause not said), nothing at all → undefined.
            klass = (reply_code // 100 if reply_code is not None
                     else int(enhanced[0]) if enhanced else None)
            reason = {4: "system_error", 5: "on_hold"}.get(klass or 0, "undefined")
    return REASON_CATEGORY[reason], reason
