"""The phrases that name a bounce reason, per reason, as real MTAs and providers word them.

``RULES`` is an ordered list of (reason, pattern): patterns are matched against lower-cased
text. A reason may appear several times; ``reasons`` merges them into one alternation per
reason (``PHRASES``) and decides between reasons by its own precedence (see ``reasons``), so
the order here only matters for ``text_reason`` (the first cause a text names).

A reason written with a trailing ``?`` marks *weak* phrases: words so common ("spam",
"policy", "network", "filtered") that they may only decide when no specific phrase of any
reason matched (``reasons.FALLBACK_ORDER``), never beat a specific one.
"""

from __future__ import annotations

# Ordered (reason, pattern) list: first match wins, so the most specific causes come
# before the words they contain (e.g. "blocked using Spamhaus" before "spam",
# "Sender address rejected: Domain not found" before "domain not found").
RULES: list[tuple[str, str]] = [
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
    ("speeding", (r"gr[ae]ylist|rate[- ]limit|rate of|too many (?:messages|mails|emails)|sending rate"
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
    ("spam_detected?", (r"\bspam(?:s|my)?\b|junk mail|unsolicited|\buce\b|bulk (?:e-?)?mail"
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
    ("filtered?", (r"filtered|content filter|(?:refused|rejected|blocked) by (?:the )?"
                  r"(?:recipient|user|addressee)|recipient (?:has )?(?:blocked|refused|rejected)"
                  r"|refuses to accept|not accepting (?:mail|messages) from|受信拒否"
                  r"|user has blocked|blocked by the user|your email has been blocked"
                  r"|protected by|not accepting any mail|due to user rules|refuses? to receive"
                  r"|only accepting mail from|recipient preferences|user reject\b")),
    ("policy_violation?", (r"\bbanned(?::| (?:attachment|file|content|extension))"
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
    ("network_error?", (r"connection (?:timed out|refused|reset|lost|closed)|network"
                       r"|no route to host|lost connection|loops? back to myself|mail loop"
                       r"|is looping"
                       r"|routing loop|too many hops|hop count|dns (?:error|failure|lookup|problem)"
                       r"|timed out|temporary lookup failure|could not connect|unable to connect"
                       r"|can't connect|host (?:is )?unreachable")),
    ("system_error?", (r"system error|local error|internal (?:server )?error|temporary (?:failure"
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
