"""Reasons for real-world diagnostics: one row per documented wording, one block per reason
with its public source, plus the precedence rules of ``reasons.decide``.

Every text below is written from the provider's or MTA's published reply text (postmaster
pages, NDR references, the MTA's own default messages), with fictitious addresses
(*.example, example.com) and documentation IPs (192.0.2.x, 198.51.100.x).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.services.bounce import phrase_index, reasons
from app.services.bounce.judge import verdict
from app.services.bounce.phrases import RULES
from app.services.bounce.reasons import classify_reply, decide
from app.services.bounce.taxonomy import REASON_CATEGORY

IP = "192.0.2.25"

# (diagnostic text, enhanced status given separately or None, expected reason)
ROWS: list[tuple[str, str | None, str]] = [
    # --- user_unknown ----------------------------------------------------------------------
    # Postfix default texts (local_recipient_maps, virtual, relay_recipient_maps)
    (("550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown in local "
     "recipient table"), None, "user_unknown"),
    (("550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown in virtual "
     "mailbox table"), None, "user_unknown"),
    (("550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown in virtual alias "
     "table"), None, "user_unknown"),
    (("550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown in relay "
     "recipient table"), None, "user_unknown"),
    ("unknown user: \"ana\"", "5.1.1", "user_unknown"),
    # Sendmail
    ("550 5.1.1 <ana@example.com>... User unknown", None, "user_unknown"),
    ("550 <ana@example.com>... User unknown", None, "user_unknown"),
    # qmail / vpopmail / netqmail
    ("Sorry, no mailbox here by that name. (#5.1.1)", None, "user_unknown"),
    ("550 sorry, no mailbox here by that name (#5.1.1)", None, "user_unknown"),
    ("553 sorry, your envelope recipient has been denied (#5.7.1)", None, "user_unknown"),
    # Exim
    ("550 Unknown user", None, "user_unknown"),
    ("550 unknown local-part \"ana\" in domain \"example.com\"", None, "user_unknown"),
    ("Unrouteable address: ana@example.com is not a known user", "5.0.0", "user_unknown"),
    # Gmail / Google Workspace SMTP error reference
    (("550-5.1.1 The email account that you tried to reach does not exist. Please try "
     "double-checking the recipient's email address for typos or unnecessary spaces."),
     None, "user_unknown"),
    # Microsoft 365 / Exchange NDR reference (5.1.1, 5.1.10, 5.4.1 DBEB)
    ("550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", None, "user_unknown"),
    (("550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient ana@example.com not found by SMTP "
     "address lookup"), None, "user_unknown"),
    ("550 5.4.1 Recipient address rejected: Access denied. AS(201806281)", None,
     "user_unknown"),
    (("550 5.4.1 Recipient address rejected: Access denied "
      "[VI1EUR04FT011.eop-eur04.prod.protection.outlook.com]"), None, "user_unknown"),
    # the same refusal, relayed by a gateway that reports it at DATA
    (("550 5.4.1 All recipient addresses rejected : Access denied (in reply to end of DATA "
      "command)"), None, "user_unknown"),
    ("550 5.1.1 User unknown", None, "user_unknown"),
    # Ipswitch IMail, no coded reply
    ("Invalid final delivery userid: ana@example.com", None, "user_unknown"),
    # Hotmail / Outlook.com, GMX, Web.de
    ("550 Requested action not taken: mailbox unavailable (1953329385:3003:-2147467259)",
     None, "user_unknown"),
    ("550 Requested action not taken: mailbox unavailable", None, "user_unknown"),
    ("550 5.1.1 Mailbox not found", None, "user_unknown"),
    # Yahoo / AOL postmaster error codes
    ("554 delivery error: dd This user doesn't have a yahoo.com account (ana@yahoo.com) [0]",
     None, "user_unknown"),
    ("552 1 Requested mail action aborted, mailbox not found", None, "user_unknown"),
    ("550 MAILBOX NOT FOUND", None, "user_unknown"),
    # Domino, Courier, Zimbra, Dovecot, Cyrus
    ("550 5.0.0 User ana (ana@example.com) not listed in Domino Directory", None,
     "user_unknown"),
    ("550 5.1.1 Recipient's Domino Directory entry does not specify a valid Notes mail file",
     None, "user_unknown"),
    ("511 Unknown user", None, "user_unknown"),
    ("550 5.1.1 <ana@example.com> User doesn't exist: ana@example.com", None, "user_unknown"),
    ("550 5.1.1 <ana@example.com>: Mailbox does not exist", None, "user_unknown"),
    ("550 5.1.1 Invalid recipient", None, "user_unknown"),
    # Mimecast, Symantec.cloud/MessageLabs, Trend Micro, Barracuda
    ("550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550", None,
     "user_unknown"),
    ("550-Invalid recipient <ana@example.com> (#5.1.1)", None, "user_unknown"),
    ("550 5.1.1 <ana@example.com>: Recipient address rejected: No such user", None,
     "user_unknown"),
    ("550 No such recipient", None, "user_unknown"),
    ("550 5.1.1 Unknown recipient", None, "user_unknown"),
    # Yandex, mail.ru
    ("550 5.7.1 No such user!", None, "user_unknown"),
    (("550 Message was not accepted -- invalid mailbox.  Local mailbox ana@mail.example is "
     "unavailable: user not found"), None, "user_unknown"),
    # Orange/Wanadoo, SFR, La Poste, Free (French)
    (("550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 "
     "[416]"), None, "user_unknown"),
    ("550 5.1.1 <ana@sfr.example>: Recipient address rejected: Compte inexistant", None,
     "user_unknown"),
    ("550 Utilisateur inconnu", None, "user_unknown"),
    ("550 Destinataire inconnu", None, "user_unknown"),
    ("550 Cette adresse n'existe pas", None, "user_unknown"),
    ("550 adresse email introuvable", None, "user_unknown"),
    # German
    ("550 Empfänger unbekannt", None, "user_unknown"),
    ("550 5.1.1 Benutzer unbekannt", None, "user_unknown"),
    ("550 Die Adresse existiert nicht", None, "user_unknown"),
    ("550 unbekannter Empfänger", None, "user_unknown"),
    # Spanish
    ("550 Usuario desconocido", None, "user_unknown"),
    ("550 El destinatario no existe", None, "user_unknown"),
    ("550 5.1.1 Dirección inexistente", None, "user_unknown"),
    # Italian
    ("550 Utente sconosciuto", None, "user_unknown"),
    ("550 5.1.1 Indirizzo inesistente", None, "user_unknown"),
    # Portuguese
    ("550 Usuário desconhecido", None, "user_unknown"),
    ("550 5.1.1 Utilizador inexistente", None, "user_unknown"),
    ("550 Endereço não existe", None, "user_unknown"),
    # Russian (mail.ru, Yandex, Rambler)
    ("550 Пользователь не найден", None, "user_unknown"),
    ("550 нет такого пользователя", None, "user_unknown"),
    ("550 Адресат не существует", None, "user_unknown"),
    # Japanese carriers (docomo, au/KDDI, SoftBank)
    ("550 宛先不明", None, "user_unknown"),
    ("550 ユーザが存在しません", None, "user_unknown"),
    ("550 Unknown user ana@docomo.example", None, "user_unknown"),
    ("550 <ana@ezweb.example>: User unknown", None, "user_unknown"),

    # --- mailbox_full ----------------------------------------------------------------------
    # RFC 821/5321 552 and RFC 3463 x.2.2
    ("552 Requested mail action aborted: exceeded storage allocation", None, "mailbox_full"),
    ("452 4.2.2 Mailbox full", None, "mailbox_full"),
    # Gmail
    (("452-4.2.2 The email account that you tried to reach is over quota. Please direct the "
     "recipient to https://support.google.com/mail/?p=OverQuotaTemp"), None, "mailbox_full"),
    ("552-5.2.2 The email account that you tried to reach is over quota and inactive.", None,
     "mailbox_full"),
    # Microsoft 365 / Exchange
    (("554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException."
     "MapiExceptionShutoffQuotaExceeded"), None, "mailbox_full"),
    ("552 5.2.2 Mailbox size limit exceeded", None, "mailbox_full"),
    # Yahoo, AOL, iCloud
    (("554 delivery error: dd Sorry, your message to ana@yahoo.example cannot be delivered. "
     "This account is over quota."), None, "mailbox_full"),
    ("552 MAILBOX FULL", None, "mailbox_full"),
    ("552 5.2.2 <ana@icloud.example>: user is over quota", None, "mailbox_full"),
    # Dovecot LMTP/LDA, Cyrus, Courier
    ("552 5.2.2 <ana@example.com> Quota exceeded (mailbox for user is full)", None,
     "mailbox_full"),
    ("452 4.2.2 <ana@example.com> Quota exceeded (mailbox for user is full)", None,
     "mailbox_full"),
    ("Over quota", "5.2.2", "mailbox_full"),
    ("552 Mail quota exceeded", None, "mailbox_full"),
    ("Not enough disk space", "4.2.2", "mailbox_full"),
    # qmail / vpopmail
    ("The users mailfolder is over the allowed quota (size). (#5.2.2)", None,
     "mailbox_full"),
    ("Sorry, the user's maildir has overdrawn his diskspace quota, please try again later.",
     None, "mailbox_full"),
    ("user is over quota", None, "mailbox_full"),
    # Exim, Postfix local(8), Sendmail
    ("mailbox is full: retry timeout exceeded", None, "mailbox_full"),
    ("550 5.2.2 <ana@example.com>: Recipient address rejected: Mailbox is full", None,
     "mailbox_full"),
    ("552 5.2.2 Mailbox disk quota exceeded", None, "mailbox_full"),
    (("cannot update mailbox /var/mail/ana for user ana. error writing message: File too "
     "large"), "5.2.2", "mailbox_full"),
    # Zimbra, Domino
    ("LMTP server error: 552 5.2.2 Over quota", None, "mailbox_full"),
    ("Unable to deliver message: User's mailbox is full", None, "mailbox_full"),
    # GMX / Web.de / 1&1 (including their "exeeded" spelling)
    ("552 Mailbox limit exeeded for this email address", None, "mailbox_full"),
    ("552 user has too many messages on the server", None, "mailbox_full"),
    # French (Orange, Free, SFR, La Poste, OVH)
    ("452 4.2.2 Boite du destinataire pleine. Recipient mailbox full. OFR_417 [417]", None,
     "mailbox_full"),
    ("552 5.2.2 Boîte aux lettres pleine", None, "mailbox_full"),
    ("552 boite aux lettres du destinataire saturee", None, "mailbox_full"),
    ("552 Quota dépassé", None, "mailbox_full"),
    ("552 Le destinataire a dépassé son quota", None, "mailbox_full"),
    ("452 Espace de stockage insuffisant", None, "mailbox_full"),
    # German
    ("552 Postfach voll", None, "mailbox_full"),
    ("552 Das Postfach des Empfängers ist voll", None, "mailbox_full"),
    ("552 Speicherplatz überschritten", None, "mailbox_full"),
    ("552 Quota überschritten", None, "mailbox_full"),
    # Spanish
    ("552 Buzón lleno", None, "mailbox_full"),
    ("552 El buzón del destinatario está lleno", None, "mailbox_full"),
    ("552 Cuota excedida", None, "mailbox_full"),
    # Italian (Libero, Aruba)
    ("552 Casella piena", None, "mailbox_full"),
    ("552 Casella di posta del destinatario piena", None, "mailbox_full"),
    ("552 Spazio esaurito", None, "mailbox_full"),
    # Portuguese
    ("552 Caixa postal cheia", None, "mailbox_full"),
    ("552 Caixa de correio cheia", None, "mailbox_full"),
    ("552 Cota excedida", None, "mailbox_full"),
    # Russian (mail.ru, Yandex)
    ("552 Почтовый ящик переполнен", None, "mailbox_full"),
    ("552 Ящик получателя переполнен", None, "mailbox_full"),
    ("452 Превышен размер почтового ящика", None, "mailbox_full"),
    # Japanese carriers
    ("552 メールボックスが一杯です", None, "mailbox_full"),
    ("552 容量超過", None, "mailbox_full"),
    ("552 メールボックスの容量を超えています", None, "mailbox_full"),

    # --- suspend (disabled, suspended, inactive accounts) --------------------------------
    # Gmail 5.2.1
    ("550-5.2.1 The email account that you tried to reach is disabled.", None, "suspend"),
    ("550 5.2.1 The email account that you tried to reach is inactive", None, "suspend"),
    # Yahoo 554.30
    (("554 delivery error: dd Sorry your message to ana@yahoo.example cannot be delivered. "
     "This mailbox is disabled (554.30)"), None, "suspend"),
    # mail.ru, Yandex
    (("550 Message was not accepted -- invalid mailbox.  Local mailbox ana@mail.example is "
     "unavailable: account is disabled"), None, "suspend"),
    ("550 5.2.1 Mailbox is frozen", None, "suspend"),
    # Microsoft / Exchange, iCloud, Zimbra
    ("550 5.2.1 Mailbox cannot be accessed: account is disabled", None, "suspend"),
    ("554 This account has been disabled or discontinued", None, "suspend"),
    ("550 5.2.1 <ana@example.com>: account is inactive", None, "suspend"),
    ("550 5.2.1 user account is expired", None, "suspend"),
    ("550 5.2.1 Mailbox is closed", None, "suspend"),
    ("450 4.2.1 Mailbox currently suspended - please try again later", None, "suspend"),
    ("550 account status: maintenance", None, "suspend"),
    ("550 Recipient rejected: temporarily inactive", None, "suspend"),
    ("550 5.2.1 This mailbox has been deactivated", None, "suspend"),
    # French
    ("550 Compte désactivé", None, "suspend"),
    ("550 Boite aux lettres desactivee", None, "suspend"),
    ("550 5.2.1 Ce compte a été suspendu", None, "suspend"),
    # German
    ("550 Postfach gesperrt", None, "suspend"),
    ("550 Das Konto wurde deaktiviert", None, "suspend"),
    # Spanish, Italian, Portuguese
    ("550 La cuenta está deshabilitada", None, "suspend"),
    ("550 Casella disattivata", None, "suspend"),
    ("550 Conta desativada", None, "suspend"),
    # Russian, Japanese
    ("550 Почтовый ящик заблокирован", None, "suspend"),
    ("550 このアカウントは停止されています", None, "suspend"),

    # --- expired (the MTA gave up after retrying) -------------------------------------------
    # RFC 3463 x.4.7
    ("Delivery time expired", "4.4.7", "expired"),
    ("", "4.4.7", "expired"),
    # Exim
    ("retry timeout exceeded", None, "expired"),
    (("all hosts for 'example.com' have been failing for a long time (and retry time not "
     "reached)"), None, "expired"),
    ("retry time not reached for any host after a long failure period", None, "expired"),
    # qmail
    ("I'm not going to try again; this message has been in the queue too long.", None,
     "expired"),
    # Sendmail
    ("Cannot send message for 5 days", None, "expired"),
    ("Message could not be delivered for 5 days", None, "expired"),
    # Microsoft 365 / Exchange
    ("550 4.4.7 QUEUE.Expired; message expired", None, "expired"),
    ("550 5.4.300 Message expired", None, "expired"),
    ("550 4.4.316 Message expired, connection refused(Socket error code 10061)", None,
     "expired"),
    ("The message delivery time has expired", None, "expired"),
    # OpenSMTPD, Postfix, PowerMTA, Amazon SES
    ("Envelope expired", None, "expired"),
    ("message expired after sitting in queue for 4 days", None, "expired"),
    ("delivery temporarily suspended: giving up after 5 days", None, "expired"),
    ("Unable to deliver message after multiple retries, giving up", None, "expired"),
    ("No more retries", None, "expired"),
    # French, German
    ("Le message n'a pas pu être remis depuis 5 jours", None, "expired"),
    ("Délai de remise dépassé", None, "expired"),
    ("Zeitlimit für die Zustellung überschritten", None, "expired"),

    # --- host_unknown -----------------------------------------------------------------------
    (("Host or domain name not found. Name service error for name=example.invalid type=MX: "
     "Host not found"), None, "host_unknown"),
    ("Unrouteable address", None, "host_unknown"),
    ("Sorry, I couldn't find any host named example.invalid. (#5.1.2)", None,
     "host_unknown"),
    ("Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)", None,
     "host_unknown"),
    ("Host unknown (Name server: mx.example.invalid: host not found)", None, "host_unknown"),
    ("all relevant MX records point to non-existent hosts", None, "host_unknown"),
    ("554 5.4.4 Router: No route found to domain example.invalid", None, "host_unknown"),
    ("550 5.1.2 Domain not found", None, "host_unknown"),
    ("550 Domaine inexistant", None, "host_unknown"),
    ("", "5.1.2", "host_unknown"),

    # --- network_error -----------------------------------------------------------------------
    ("mail for example.com loops back to myself", None, "network_error"),
    ("554 5.4.6 Hop count exceeded - possible mail loop", None, "network_error"),
    ("554 5.4.14 Hop count exceeded - possible mail loop", None, "network_error"),
    ("554 5.4.8 Looping topology detected", None, "network_error"),
    ("Host name lookup failure", None, "network_error"),
    ("host lookup did not complete", None, "network_error"),
    (("Host or domain name not found. Name service error for name=example.com type=MX: "
     "Host not found, try again"), None, "network_error"),
    ("connect to mx.example.com[198.51.100.7]:25: Connection timed out", None,
     "network_error"),

    # --- has_moved -------------------------------------------------------------------------
    ("551 User not local; please try <ana@new.example>", None, "has_moved"),
    ("551 5.1.6 Recipient has moved", None, "has_moved"),
    ("550 5.1.6 ana@example.com has moved to ana@new.example", None, "has_moved"),

    # --- not_accept (RFC 7505 null MX) -------------------------------------------------------
    ("556 5.1.10 Recipient address has null MX", None, "not_accept"),
    ("550 5.1.10 Domain example.com does not accept mail (nullMX)", None, "not_accept"),
    ("554 No SMTP service here", None, "not_accept"),
    # Sendmail's own null-MX refusal, filed under RFC 7505's *sender* code 5.7.27
    ("550 Host does not accept mail", "5.7.27", "not_accept"),
    ("550 5.7.27 Sender address has null MX", None, "rejected"),
    # RFC 3463 X.3.2, its registered text: "network" there is no network error
    ("521 5.3.2 <ana@example.com>: System not accepting network messages", None, "not_accept"),

    # --- message_too_big / exceed_limit ---------------------------------------------------
    ("552 5.3.4 Message size exceeds fixed limit", None, "message_too_big"),
    ("552 5.3.4 Message size exceeds fixed maximum message size", None, "message_too_big"),
    ("552-5.2.3 Your message exceeded Google's message size limits.", "5.3.4",
     "message_too_big"),
    ("message is too big (transport limit = 10485760)", None, "message_too_big"),
    ("552 Message size exceeds maximum value", "5.3.4", "message_too_big"),
    ("552 Taille du message trop importante : taille maximale 20 Mo", None,
     "message_too_big"),
    ("552 Nachricht ist zu groß", None, "message_too_big"),
    ("552 5.3.4 Message too large", None, "message_too_big"),
    ("Sorry, message size exceeds the maximum (#5.3.4)", None, "message_too_big"),
    ("552 5.2.3 Message exceeds the recipient's size limit", None, "exceed_limit"),
    ("550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient", None,
     "exceed_limit"),

    # --- system_full / system_error / mailer_error / syntax_error ------------------------
    ("452 4.3.1 Insufficient system storage", None, "system_full"),
    ("451 4.3.0 Temporary local problem - please try later", None, "system_error"),
    ("451 4.3.0 Error: queue file write error", None, "system_error"),
    ("451 Requested action aborted: local error in processing", None, "system_error"),
    ("421 4.3.2 Service not available", None, "system_error"),
    (("Command died with status 1: \"/usr/bin/procmail\". Command output: procmail: "
     "Couldn't create \"/var/mail/ana\""), None, "mailer_error"),
    ("mail forwarding loop for ana@example.com", None, "network_error"),
    ("500 5.5.1 Command unrecognized", None, "syntax_error"),
    ("503 5.5.1 Error: bad sequence of commands", None, "syntax_error"),

    # --- blocked: DNSBL/RBL (sender's IP) ----------------------------------------------------
    # Spamhaus, SpamCop, SORBS, Barracuda, UCEPROTECT, PSBL, Cloudmark, Trend Micro
    ((f"554 5.7.1 Service unavailable; Client host [{IP}] blocked using zen.spamhaus.org; "
     f"https://www.spamhaus.org/query/ip/{IP}"), None, "blocked"),
    (f"550 5.7.1 Service unavailable; client [{IP}] blocked using sbl.spamhaus.org", None,
     "blocked"),
    (f"554 5.7.1 Rejected because {IP} is in a black list at zen.spamhaus.org", None,
     "blocked"),
    (f"550 Blocked - see https://www.spamcop.net/bl.shtml?{IP}", None, "blocked"),
    ((f"554 Service unavailable; Client host [{IP}] blocked using Barracuda Reputation; "
     f"http://www.barracudanetworks.com/reputation/?pr=1&ip={IP}"), None, "blocked"),
    (f"550 5.7.1 Your IP {IP} is listed at UCEPROTECT-Level1", None, "blocked"),
    (f"554 {IP} listed in psbl.surriel.com", None, "blocked"),
    ("550 5.7.1 Currently Sending Spam See: http://www.sorbs.net/lookup.shtml", None,
     "blocked"),
    (f"550 5.7.1 Rejected by Cloudmark Sender Intelligence {IP}", None, "blocked"),
    (f"550 5.7.1 Access denied. ERS-RBL {IP} blocked by Trend Micro Email Reputation Service",
     None, "blocked"),
    (f"554 5.7.0 Blocked - see https://ipcheck.proofpoint.com/?ip={IP}", None, "blocked"),
    ((f"553 5.7.1 [BL21] Connections will not be accepted from {IP}, because the ip is in "
     "Spamhaus's list; see https://postmaster.yahooinc.com/error-codes"), None, "blocked"),
    # Microsoft 365 5.7.606-5.7.649, 5.7.511, 5.7.513, Outlook.com S3150/SC/DY/OU codes
    ((f"550 5.7.606 Access denied, banned sending IP [{IP}]. To request removal from this list "
     "please visit https://sender.office.com/"), None, "blocked"),
    (f"550 5.7.612 Access denied, banned sending IP [{IP}]", None, "blocked"),
    (f"550 5.7.649 Access denied, banned sending IP [{IP}]", None, "blocked"),
    (("550 5.7.511 Access denied, banned sender[192.0.2.25]. To request removal from this list "
     "please forward this message to delist@messaging.microsoft.com"), None, "blocked"),
    ((f"550 5.7.513 Service unavailable, Client host [{IP}] blocked by example.com using "
     "Customer Block list (AS16012607)"), None, "blocked"),
    ((f"550 5.7.1 Unfortunately, messages from [{IP}] weren't sent. Please contact your "
     "Internet service provider since part of their network is on our block list (S3150)."),
     None, "blocked"),
    ((f"550 SC-001 (BAY004-MC1F21) Unfortunately, messages from {IP} weren't sent. Please "
     "contact your Internet service provider."), None, "blocked"),
    ((f"550 DY-001 (SNT004-MC1F20) Unfortunately, messages from {IP} weren't sent. You can "
     "tell them that Hotmail does not relay dynamically-assigned IP ranges."), None,
     "blocked"),
    ("550 5.7.506 Access Denied, Bad HELO", None, "blocked"),
    (("550 5.7.750 Service unavailable. Client blocked from sending from unregistered "
     "domains"), None, "blocked"),
    # Postfix, Exim, Sendmail defaults about the client
    (f"554 5.7.1 <unknown[{IP}]>: Client host rejected: Access denied", None, "blocked"),
    (f"550 5.7.1 Client host rejected: {IP} is a dynamic IP address", None, "blocked"),
    ("504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname", None,
     "blocked"),
    ("550 Access denied - Invalid HELO name (See RFC2821 4.1.1.1)", "5.7.1", "blocked"),
    # Gmail
    (f"421-4.7.0 [{IP}] IP not in whitelist for RCPT domain, closing connection.", None,
     "blocked"),
    (("550-5.7.1 The IP you're using to send mail is not authorized to send email directly to "
     "our servers. Please use the SMTP relay at your service provider instead."), None,
     "blocked"),
    # Orange / Free / SFR / GMX / AOL
    ((f"550 mwinf5c40 ME Adresse IP source bloquee pour incident de spam. Client host blocked "
     f"for spamming issues. OU-002 [{IP}]"), None, "blocked"),
    (f"421 4.7.0 Too many spams from your IP ({IP}), please visit http://postmaster.free.fr/",
     None, "blocked"),
    ("554 5.7.1 Service refuse - Adresse IP blacklistee", None, "blocked"),
    ((f"554-gmx.net (mxgmx012) Nemesis ESMTP Service not available 554-No SMTP service "
     f"554-IP address is block listed. 554 For explanation visit "
     f"https://www.gmx.net/mail/senderguidelines?ip={IP}&c=bl"), None, "blocked"),
    (f"554 5.7.1 RLY:B1 https://postmaster.aol.example/error-codes#554rlyb1 {IP}", None,
     "blocked"),
    (f"421 4.7.1 DYN:T1 {IP} dynamic IP", None, "blocked"),
    ("550 5.7.1 Mail from IP 192.0.2.25 was rejected due to listing in Spamhaus", "5.1.1",
     "blocked"),

    # --- bad_reputation -------------------------------------------------------------------
    # Gmail, Microsoft 365 4.7.650/5.7.708, Yahoo TSS04
    (("421-4.7.0 This message is suspicious due to the very low reputation of the sending IP "
     "address."), None, "bad_reputation"),
    (("550-5.7.1 Gmail has detected that this message is likely suspicious due to the very "
     "low reputation of the sending domain."), None, "bad_reputation"),
    ((f"421-4.7.0 [{IP}] Our system has detected an unusual rate of unsolicited mail "
     "originating from your IP address. To protect our users from spam, mail sent from your "
     "IP address has been temporarily rate limited."), None, "bad_reputation"),
    ((f"451 4.7.650 The mail server [{IP}] has been temporarily rate limited due to IP "
     "reputation."), None, "bad_reputation"),
    ("550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.",
     None, "bad_reputation"),
    ((f"421 4.7.0 [TSS04] Messages from {IP} temporarily deferred due to unexpected volume or "
     "user complaints - 4.16.55.1"), None, "bad_reputation"),
    ("550 5.7.1 Sender has a poor reputation", None, "bad_reputation"),

    # --- auth_failure (SPF/DKIM/DMARC) ------------------------------------------------------
    # RFC 7372, Gmail, Yahoo, Microsoft 365
    (("550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's "
     "DMARC policy. Please contact the administrator of example.com domain."), None,
     "auth_failure"),
    (("550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and "
     "Gmail users, and has been blocked."), None, "auth_failure"),
    (("421-4.7.26 This mail has been rate limited because it is unauthenticated. Gmail "
     "requires all senders to authenticate with either SPF or DKIM."), None, "auth_failure"),
    (("550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo "
     "requires all senders to authenticate with either SPF or DKIM."), None, "auth_failure"),
    (("550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification "
     "and has a DMARC policy of reject."), None, "auth_failure"),
    ("550 5.7.23 The message was rejected because of Sender Policy Framework violation",
     None, "auth_failure"),
    ("550 5.7.1 SPF check failed", None, "auth_failure"),
    ((f"550 5.7.1 Sender address rejected: example.com does not designate {IP} as permitted "
     "sender"), None, "auth_failure"),
    (("550 5.7.1 Message rejected due to: SPF fail - not authorized. Please see "
     "http://www.openspf.net/Why"), None, "auth_failure"),
    ("550 5.7.20 No passing DKIM signature found", None, "auth_failure"),
    ("550 5.7.1 DKIM signature verification failed", None, "auth_failure"),
    ("550 5.7.1 Email rejected per DMARC policy for example.com", None, "auth_failure"),
    ("", "5.7.26", "auth_failure"),
    ("", "5.7.23", "auth_failure"),
    ("550 5.7.1 Unauthenticated email is not accepted from this domain", "5.1.1",
     "auth_failure"),

    # --- require_ptr ----------------------------------------------------------------------
    (f"450 4.7.1 Client host rejected: cannot find your hostname, [{IP}]", None,
     "require_ptr"),
    (f"550 5.7.1 Client host rejected: cannot find your reverse hostname, [{IP}]", None,
     "require_ptr"),
    (("550-5.7.25 The IP address sending this message does not have a PTR record setup, or "
     "the corresponding forward DNS entry does not point to the sending IP."), None,
     "require_ptr"),
    ("550 5.7.1 Relaying denied. IP name possibly forged [192.0.2.25]", None, "require_ptr"),
    ("550 Access denied. IP name lookup failed [192.0.2.25]", None, "require_ptr"),
    ("550 5.7.1 No reverse DNS for your IP", None, "require_ptr"),

    # --- no_relaying -----------------------------------------------------------------------
    ("554 5.7.1 <ana@example.com>: Relay access denied", None, "no_relaying"),
    ("550 5.7.1 Relaying denied", None, "no_relaying"),
    ("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", None,
     "no_relaying"),
    ("550 5.7.1 Unable to relay for ana@example.com", None, "no_relaying"),
    ("550 5.7.64 TenantAttribution; Relay Access Denied", None, "no_relaying"),
    (("553-you are trying to use me [server-4.messagelabs.example] as a relay, but I have not "
     f"been configured to let you [{IP}, mail.example.com] do this."), None, "no_relaying"),
    ("550 relay not permitted", None, "no_relaying"),
    ("550 5.4.1 Relay Access Denied", None, "no_relaying"),
    ("554 5.7.1 Relais refusé", None, "no_relaying"),

    # --- rejected (the envelope sender) ------------------------------------------------------
    ("450 4.1.8 <me@example.com>: Sender address rejected: Domain not found", None,
     "rejected"),
    ("553 5.1.8 <me@example.com>... Domain of sender address me@example.com does not exist",
     None, "rejected"),
    ("504 5.5.2 <me>: Sender address rejected: need fully-qualified address", None,
     "rejected"),
    ("550 Sender verify failed", None, "rejected"),
    (("550-Verification failed for <me@example.com> 550-Called: 198.51.100.7 550-Sent: "
     "RCPT TO:<me@example.com> 550-Response: 550 5.1.1 User unknown 550 Sender verify failed"),
     None, "rejected"),
    ("550 5.7.1 Sender not allowed", None, "rejected"),
    ("550 Sender address is not allowed", None, "rejected"),
    ("550 5.7.27 Sender address has null MX", None, "rejected"),
    ("", "5.7.27", "rejected"),
    (("550 Rejected by header based Blocked Senders - block policy for Sender Address - "
     "https://community.mimecast.com/docs/DOC-1369#550"), None, "rejected"),
    ("550 Envelope blocked - User Entry - https://community.mimecast.com/docs/DOC-1369#550",
     None, "rejected"),
    ("550 5.1.8 Access denied, bad outbound sender", None, "rejected"),
    ("550 5.7.1 Client does not have permissions to send as this sender", None, "rejected"),
    ("553-Sorry, your email address has been blacklisted. Please contact the recipient",
     None, "rejected"),
    ("550 Expéditeur refusé", None, "rejected"),
    ("550 Absender abgelehnt", None, "rejected"),

    # --- policy_violation ------------------------------------------------------------------
    (("554 5.7.9 Message not accepted for policy reasons. See "
     "https://postmaster.yahooinc.com/error-codes"), None, "policy_violation"),
    ("554 5.7.1 Message rejected due to local policy", None, "policy_violation"),
    ("550 5.7.1 Policy rejection on the target address", None, "policy_violation"),
    (("550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required; "
     "Delivery restriction check failed as sender not authenticated"), None,
     "policy_violation"),
    ("550 5.7.134 RESOLVER.RST.SenderNotAuthenticatedForMailbox; authentication required",
     None, "policy_violation"),
    ("550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized", None, "policy_violation"),
    ("550 5.7.1 Delivery not authorized, message refused", None, "policy_violation"),
    ("550 5.7.520 Access denied, Your organization does not allow external forwarding.",
     None, "policy_violation"),
    ("554 Transaction failed: Message rejected due to content restrictions", None,
     "policy_violation"),
    ("554 5.7.0 Reject, id=12345-01 - BANNED: invoice.exe", None, "policy_violation"),
    ("550 Posting by non-member to a members-only list", None, "policy_violation"),
    ("554-Transaction failed 554-Reject due to policy restrictions.", None,
     "policy_violation"),

    # --- spam_detected -----------------------------------------------------------------------
    (("550-5.7.1 Our system has detected that this message is likely unsolicited mail. To "
     "reduce the amount of spam sent to Gmail, this message has been blocked."), None,
     "spam_detected"),
    ("554 5.7.1 [2] Message rejected under suspicion of SPAM; https://ya.cc/1IrBc", None,
     "spam_detected"),
    (("550 spam message rejected. Please visit http://help.mail.example/notspam-support/id or "
     "report details to abuse@corp.mail.example"), None, "spam_detected"),
    ("550 5.7.1 Votre message a ete detecte comme SPAM. Message detected as SPAM. OFR_506",
     None, "spam_detected"),
    ("550 5.7.350 Remote server returned message detected as spam", None, "spam_detected"),
    ("554 5.7.1 Message blocked due to spam content in the message.", None,
     "spam_detected"),
    ("550 5.7.1 Message rejected as spam by Content Filtering.", None, "spam_detected"),
    ("550 rejected after DATA: Your message scored 15.3 SpamAssassin points", None,
     "spam_detected"),
    (("554 5.7.1 The message was rejected because it contains prohibited URLs listed in "
     "SURBL"), None, "spam_detected"),
    ("554 5.7.1 Message considered as spam or virus, rejected", None, "spam_detected"),
    ("550 5.7.1 Message considéré comme indésirable", None, "spam_detected"),
    ("550 5.7.1 Nachricht als Spam erkannt", None, "spam_detected"),
    ("554 5.7.1 High spam probability", None, "spam_detected"),
    ("554 5.7.28 Rejected: spam", "5.7.28", "spam_detected"),

    # --- virus_detected --------------------------------------------------------------------
    ("554 5.7.0 Reject, id=12345-02 - INFECTED: Eicar-Test-Signature", None,
     "virus_detected"),
    (("552-5.7.0 This message was blocked because its content presents a potential security "
     "issue."), None, "virus_detected"),
    ("550 5.7.1 Message rejected: Virus found in attachment", None, "virus_detected"),
    ("554 5.7.1 Malware detected in message", None, "virus_detected"),
    ("550 5.7.1 The message contains a virus", None, "virus_detected"),

    # --- speeding (rate limits, greylisting) -----------------------------------------------
    (("450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please "
     "resend your message at a later time."), "4.2.1", "speeding"),
    (("550-5.2.1 The user you are trying to contact is receiving mail at a rate that "
     "prevents additional messages from being delivered."), None, "speeding"),
    (("421-4.7.28 Gmail has detected an unusual rate of mail originating from your DKIM "
     "domain"), "4.7.28", "speeding"),
    ("550 5.4.5 Daily user sending quota exceeded.", None, "speeding"),
    ("550 5.2.121 Recipient's per hour message receive limit from specific sender exceeded.",
     None, "speeding"),
    (("550 5.2.122 The recipient has exceeded their limit for the number of messages they can "
     "receive per hour"), None, "speeding"),
    (("550 5.7.508 Access denied, 192.0.2.25 has exceeded permitted limits within 192.0.2.0/24 "
     "range"), None, "speeding"),
    (("450 4.2.0 <ana@example.com>: Recipient address rejected: Greylisted, see "
     "http://postgrey.schweikert.ch/help/example.com.html"), None, "speeding"),
    ("451 4.7.1 Greylisting in action, please come back later", None, "speeding"),
    ("421 4.7.0 Message rate limit exceeded, try again later", None, "speeding"),
    ("451 Throttling failure: Maximum sending rate exceeded.", None, "speeding"),
    ("421 mwinf5c20 ME Trop de messages, veuillez verifier votre configuration", None,
     "speeding"),

    # --- too_many_conn ---------------------------------------------------------------------
    ("421 4.7.0 Too many connections from your IP", None, "too_many_conn"),
    (("421 mwinf5c20 ME Trop de connexions, veuillez verifier votre configuration. Too many "
     "connections, slow down. OFR005_104 [104]"), None, "too_many_conn"),
    ("452 4.5.3 Too many recipients", None, "too_many_conn"),
    ("421 Too many concurrent SMTP connections from this IP address", None,
     "too_many_conn"),

    # --- not_compliant_rfc / content_error ---------------------------------------------------
    ("550-5.7.1 This message is not RFC 5322 compliant. There are multiple From headers.",
     None, "not_compliant_rfc"),
    (("550-5.7.1 Messages missing a valid address in From: header, or having no From: header, "
     "are not accepted."), None, "not_compliant_rfc"),
    (("550 5.7.512 Access denied, message must be RFC 5322 section 3.6.2 compliant and "
     "include a valid From address"), None, "not_compliant_rfc"),
    ("550 5.6.11 SMTPSEND.BareLinefeedsAreIllegal; message contains bare linefeeds", None,
     "content_error"),
    ("554 5.6.0 Message contains invalid header", None, "content_error"),
    # Amazon SES: a header the message carries twice
    ("554 Transaction failed: Duplicate header 'Reply-To'.", None, "not_compliant_rfc"),
    ("550 This message has been rejected because it has a potentially executable attachment",
     None, "content_error"),

    # --- filtered (the recipient's own filter) ---------------------------------------------
    (("550 5.7.1 The recipient has blocked your address: on the recipient's blocked senders "
     "list"), None, "filtered"),
    ("550 user refuses to receive this mail", None, "filtered"),
    ("550 受信拒否", None, "filtered"),
    ("550 5.2.1 Message rejected by the recipient's Sieve filter", "5.2.1", "filtered"),

    # --- security_error --------------------------------------------------------------------
    ("530 5.7.0 Must issue a STARTTLS command first", None, "security_error"),
    ("530 5.7.57 Client not authenticated to send anonymous mail during MAIL FROM", None,
     "security_error"),
    ("535 5.7.8 Error: authentication failed: authentication failure", None,
     "security_error"),
    ("421-4.7.0 TLS required for RCPT domain, closing connection.", None, "security_error"),

    # --- delivered -------------------------------------------------------------------------
    ("250 2.0.0 Ok: queued as 4Zx1b", None, "delivered"),
    ("250 2.6.0 <id@example.com> [InternalId=1] Queued mail for delivery", None, "delivered"),

    # --- long-tail providers (Orange/La Poste codes, iCloud, Yandex, SoftBank) ---------------
    ("550 5.7.1 Mail rejete. Mail rejected. OFR_506 [506]", None, "spam_detected"),
    (("550 mwinf5c04 ME Adresse IP source bloquee pour incident de spam. Client host blocked "
      "for spamming issues. OFR006_102 Ref http://csi.cloudmark.com"), None, "blocked"),
    ("550 5.5.0 SPF: 192.0.2.25 is not allowed to send mail. LPN004_401", None, "auth_failure"),
    ("550 5.0.1 Emetteur invalide. Invalid Sender. LPN105_405", None, "rejected"),
    ("550 5.5.3 Mail from not owned by user. LPN105_421", None, "rejected"),
    (("550 5.5.0 Le compte du destinataire est bloque. The recipient account is blocked. "
      "LPN007_426"), None, "suspend"),
    ("550 5.1.1 Boite du destinataire archivee. Archived recipient. OFR_420 [420]", None,
     "suspend"),
    (("552 5.3.4 Taille limite du message atteinte. Message size limit exceeded. OFR_514 "
      "[514]"), None, "message_too_big"),
    (("421 4.7.1 Messages to ana@icloud.example deferred due to excessive volume. Try again "
      "later - https://support.apple.com/en-us/HT204137"), None, "speeding"),
    ("554 p01-smtpin001.me.example ESMTP not accepting connections", None, "blocked"),
    ("554 5.7.1 Blocked by spam statistics - see https://ya.cc/1IrBc", None, "blocked"),
    ("553 boutique.atelier-kobo.example does not exist", None, "rejected"),
    # --- dotted IPs inside "client host [...] blocked", Orange neosmtp codes, user lists ----
    ("550 5.7.1 Service unavailable, Client host [203.0.113.1] blocked by hostkarma", None,
     "blocked"),
    ("554 5.7.1 Client host [198.51.100.7] blocked by local policy", None, "blocked"),
    (("554 IP=203.0.113.1 - A problem occurred. (Ask your postmaster for help or to contact "
      "neosmtp@orange.fr to clarify.) (BL)"), None, "blocked"),
    (("554 IP=198.51.100.20 - A problem occurred. (Ask your postmaster for help or to contact "
      "abuse@fai.example to clarify.) (BL)"), None, "blocked"),
    ("554 5.7.1 Delivery not authorized, message refused: Sender is on user denylist", None,
     "filtered"),
    ("550 5.7.1 Message refused: sender in user's block list", None, "filtered"),
    # --- French hosts' wordings, attachment filters, SES sandbox -----------------------------
    ("550 5.7.1 Mail refuse - Message rejete pour cause de contenu suspect", None,
     "spam_detected"),
    ("554 5.7.1 Ce message a ete refuse par notre filtre antispam", None, "spam_detected"),
    ("550 5.7.1 Adresse IP en liste noire", None, "blocked"),
    ("550 Ce domaine n'accepte pas de courrier", None, "not_accept"),
    ("554 5.7.1 Blocked attachment type", None, "policy_violation"),
    ("552 5.7.0 Attachment type not allowed: .exe", None, "policy_violation"),
    ("550 5.7.0 Message rejected: Email address is not verified.", None, "rejected"),
    # --- providers' documented codes and sentences (provider_codes: the provider's word decides)
    # Orange/La Poste error codes (postmaster.orange.fr; Postmastery's OFR table): the code's
    # last three digits, whatever the bilingual words around them
    (("421 4.2.0 Service refuse. Veuillez essayer plus tard. Service refused, please try later. "
      "OFR005_505 [505]"), None, "system_error"),
    ("550 5.7.1 Client host rejected LPN000_630", None, "policy_violation"),
    ("550 5.7.1 Service unavailable; client [192.0.2.25] refused. LPNAAA_101", None, "blocked"),
    # GoDaddy "What does my email bounceback mean?" (IBnnn codes)
    ("535 Authentication not allowed on IBSMTP Servers. IB401", None, "security_error"),
    (("554 This IP has been temporarily blocked for attempting to send too many messages "
      "containing content judged to be spam by the Internet community. IB110"), None, "blocked"),
    (("550 This message has exceeded the max number of messages per session. Open a new session "
      "and try again. IB510"), None, "speeding"),
    ("550 This IP has sent too many to too many recipients this hour. IB607", None, "speeding"),
    ("Account storage limit", None, "mailbox_full"),
    ("Delivery timeout", None, "expired"),
    # Cox "Email error codes" (AUP#CXxxx, IPBLnnnn, URLBLnnnn) and its reply texts
    ("421 4.7.1 cox.net DNS check failure - try again later. AUP#CXDNS", None, "require_ptr"),
    ("552 5.7.0 cox.net URL in message is on a blocklist. AUP#URLBL1001", None, "spam_detected"),
    ("421 4.7.0 cox too many bad commands from 192.0.2.25", None, "blocked"),
    ("554 5.3.0 cox.net ESMTP no data before greeting", None, "policy_violation"),
    # Spectrum/Charter "Understanding email error codes" (AUP#I-nnnn incoming, AUP#O-nnnn out)
    (("554 5.7.1 The IP address you're trying to connect from has an issue with the Domain Name "
      "System. AUP#I-1100"), None, "require_ptr"),
    ("421 4.7.0 Too many concurrent connections from this sender. AUP#I-1300", None,
     "too_many_conn"),
    ("421 4.7.0 Message limit reached for this sender. AUP#I-1350", None, "speeding"),
    (("550 5.7.1 Your email was rejected for attempting to send as a different email address "
      "than you signed in under. AUP#O-1500"), None, "rejected"),
    # I.UA (mail.i.ua/err/N)
    ("550 Mailbox unused for more than 3 months, see http://mail.i.ua/err/3/", None, "suspend"),
    ("550 Use the SMTP server of your provider, see http://mail.i.ua/err/6/", None,
     "no_relaying"),
    # Tencent QQ Mail help pages (service.mail.qq.com/detail/122/N) and their sentences
    ("550 Connection denied. https://service.mail.qq.com/detail/122/170", None, "blocked"),
    ("451 Ip frequency limited. https://service.mail.qq.com/detail/122/172", None, "speeding"),
    ("550 Mail content denied. https://service.mail.qq.com/detail/122/171", None,
     "spam_detected"),
    ("550 Suspected bounce attacks", None, "blocked"),
    # Gmail "SMTP errors and codes" / "Email sender guidelines"
    (("550 5.7.27 This mail has been blocked because the sender is unauthenticated. Gmail "
      "requires all senders to authenticate with SPF."), None, "auth_failure"),
    (("421 4.7.30 Your email has been rate limited because DKIM authentication didn't pass for "
      "this message. Gmail requires all email bulk senders to authenticate their email with "
      "DKIM."), None, "auth_failure"),
    (("421 4.7.32 Your email has been rate limited because the From: header (RFC5322) in this "
      "message isn't aligned with either the authenticated SPF or DKIM organizational domain."),
     None, "auth_failure"),
    ("421 4.7.0 Try again later, closing connection.", None, "blocked"),
    ("501 5.5.4 HELO/EHLO argument is invalid.", None, "blocked"),
    (("550 5.7.28 There is an unusual rate of unsolicited mail originating from your IP "
      "address. To protect our users from spam, mail sent from your IP address has been "
      "blocked."), None, "blocked"),
    ("421 4.7.0 Connection expired, try reconnecting.", None, "expired"),
    (("550 5.7.1 Invalid credentials for relay 192.0.2.25. The IP address you've registered in "
      "your Workspace SMTP Relay service doesn't match the domain of the account."), None,
     "no_relaying"),
    (("550 5.7.1 Messages missing a valid address in the From: header, or having no From: "
      "header, are not accepted."), None, "not_compliant_rfc"),
    ("550 5.7.1 Messages missing a valid Message-ID: header are not accepted.", None,
     "not_compliant_rfc"),
    ("550 5.7.1 Encoded-word syntax is not permitted in message header Subject.", None,
     "not_compliant_rfc"),
    (("550 5.7.0 Mail Sending denied. This error occurs if the sender account is disabled or "
      "not registered within your Google Workspace domain."), None, "rejected"),
    (("421 4.7.23 The sending IP address for this message doesn't have a PTR record, or the PTR "
      "record's forward DNS entry doesn't match the sending IP address."), None, "require_ptr"),
    ("454 4.7.0 Too many login attempts, please try again later.", None, "security_error"),
    ("535 5.7.8 Username and Password not accepted.", None, "security_error"),
    (("421 4.7.29 Your email has been rate limited because this message wasn't sent over a TLS "
      "connection. Gmail requires all bulk email senders to use TLS/SSL for SMTP connections."),
     None, "security_error"),
    (("421 4.7.0 This message is suspicious due to the nature of the content or the links "
      "within."), None, "spam_detected"),
    ("450 4.2.1 Peak SMTP relay limit exceeded for customer.", None, "speeding"),
    ("550 5.4.5 Daily SMTP relay limit exceeded for user.", None, "speeding"),
    (("525 5.7.10 SMTP protocol violation, no commands allowed to pipeline after STARTTLS."),
     None, "syntax_error"),
    ("451 4.3.0 Mail server temporarily rejected message.", None, "system_error"),
    # Microsoft "Email non-delivery reports and SMTP errors in Exchange Online", "Fix email
    # delivery issues for error code 451 4.7.500-699 (ASxxx)", Outlook.com's RP-00x limits
    ("451 4.7.850 Access denied, please try again later", None, "blocked"),
    ("550 5.7.507 Access denied, rejected by recipient", None, "blocked"),
    (("451 4.4.4 Mail received as unauthenticated, incoming to a recipient domain configured in "
      "a hosted tenant which has no mail-enabled subscriptions."), None, "not_accept"),
    ("550 5.7.12 Sender was not authenticated by organization", None, "rejected"),
    ("550 5.2.1 Content Filter agent quarantined this message", None, "spam_detected"),
    ("432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded", None, "speeding"),
    ("554 5.2.2 Submission quota exceeded", None, "speeding"),
    (("421 RP-001 (COL004-MC1F3) Unfortunately, some messages from 192.0.2.25 weren't sent. "
      "Please try again. We have limits for how many messages can be sent per hour and per "
      "day."), None, "speeding"),
    ("550 5.7.504 Recipient address rejected: Access denied", None, "user_unknown"),
    ("550 5.7.505 Access denied, banned recipient", None, "suspend"),
    ("550 5.2.1 Mailbox cannot be accessed", None, "suspend"),
    ("421 4.3.2 Service not active", None, "system_error"),
    ("451 4.7.700 PFA agent busy, please try again.", None, "system_error"),
    ("550 5.1.4 Recipient address reserved by RFC 2606", None, "user_unknown"),
    ("550 5.1.6 Recipient addresses in single label domains not accepted", None, "user_unknown"),
    # Yahoo/AOL "SMTP error codes" (senders.yahooinc.com)
    (("451 Message temporarily deferred due to unresolvable RFC.5321 from domain. See "
      "https://senders.yahooinc.com/error-codes#unresolvable-from-domain"), None, "rejected"),
    (("553 5.7.2 [TSS09] All messages from 192.0.2.25 will be permanently deferred; Retrying "
      "will NOT succeed."), None, "blocked"),
    ("421 Max message per connection reached, closing transmission channel", None,
     "too_many_conn"),
    # Mimecast "SMTP error codes" (community.mimecast.com)
    ("451 Internal resources are temporarily unavailable", None, "bad_reputation"),
    ("554 Maximum email size exceeded", None, "message_too_big"),
    ("451 The incorrect hostname used for inbounds", None, "network_error"),
    ("451 Account inbounds disabled", None, "not_accept"),
    ("550 Rejected by header-based Blocked Senders - Block policy for Header From", None,
     "rejected"),
    ("550 Submitter failed to authenticate", None, "security_error"),
    ("553 This route requires high-strength ciphers", None, "security_error"),
    ("550 Exceeding outbound thread limit", None, "too_many_conn"),
    # Gmail "SMTP errors and codes" as worded in 2026 ("email" for "mail", 4.7.40 DMARC record)
    ("501 5.5.4 HELO/EHLO argument mx..example invalid closing connection.", None, "blocked"),
    ("550 5.7.1 Messages with multiple addresses in the From: header are not accepted.", None,
     "not_compliant_rfc"),
    (("550 5.7.0 Email relay denied 192.0.2.25. The sending email account has been temporarily "
      "suspended due to abuse."), None, "rejected"),
    (("421 4.7.40 Your email has been rate limited because the sending domain doesn't have a "
      "DMARC record, or the DMARC record doesn't specify a DMARC policy."), None, "auth_failure"),
    # SFR (Postmastery "SFR and SMTP error codes SFR_IN_XXX"), Free (postmaster.free.fr)
    (("450 4.7.1 SFR_IN_105 Service refused due to bad behavior - Volume limit exceeded"), None,
     "speeding"),
    ("450 4.7.1 SFR_IN_104 Service refused due to bad behavior - Too many unknown users", None,
     "blocked"),
    ("421 4.7.0 msfrf2604.sfr.fr Error: too many errors", None, "blocked"),
    ("421 Too many errors from your IP (192.0.2.25), please visit http://postmaster.free.fr/",
     None, "blocked"),
    # Yahoo/AOL (senders.yahooinc.com error codes)
    (("421 4.7.1 [TS03] Messages from 192.0.2.25 permanently deferred; Retrying will NOT "
      "succeed"), None, "blocked"),
    ("451 VS1-IP Excessive unknown recipients - possible Open Relay (#4.1.8)", None, "blocked"),
    # a relay refusal worded around the sending IP's listing is the listing
    ("550 Relaying denied - Your IP identified as spammer", None, "blocked"),
    ("550 5.7.1 Relaying denied. Your IP address is listed in Spamhaus", None, "blocked"),
    ("554 5.7.1 <ana@example.org>: Relay access denied", None, "no_relaying"),
    ("550 5.7.1 Relaying denied. Proper authentication required.", None, "no_relaying"),
    # Cox, GoDaddy: the sending IP refused after too many invalid recipients
    ("421 4.7.0 cox.net too many invalid recipients", None, "blocked"),
    # Zoho Mail
    ("552 5.1.1 <ana@zoho.example> Mailbox delivery restricted by policy error", None,
     "policy_violation"),
    # Broadcom Email Security.cloud (MessageLabs) knowledge base
    (("501 Connection rejected by policy [7.7] 20805, please visit www.messagelabs.com/support "
      "for more details about this error message."), None, "bad_reputation"),
    ("451 TLS/SSLv3 Connection required. (#4.7.1)", None, "security_error"),
    ("550 Requested action aborted [4]", None, "not_compliant_rfc"),
    ("452 Too many recipients received this hour", None, "speeding"),
    ("553 Sorry, your email address has been blocked", None, "rejected"),
    (("553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)"), None, "rejected"),
    ("553 Recipient mailbox is not allowed", None, "user_unknown"),
    # Microsoft 365 / Exchange Server NDR references
    (("550 5.7.193 UnifiedGroupAgent; Delivery failed because the sender isn't a group member "
      "or external senders aren't permitted to send to this group."), None, "policy_violation"),
    ("554 5.2.252 SendAsDenied; lea@example.org not allowed to send as ana@example.org", None,
     "rejected"),
    ("550 5.7.700 Access denied, tenant has exceeded threshold.", None, "blocked"),
    ("550 5.1.4 Destination mailbox address ambiguous", None, "system_error"),
    ("550 5.2.4 Mailing list expansion problem", None, "system_error"),
    ("550 5.4.11 Agent generated message depth exceeded", None, "content_error"),
    ("554 5.4.4 SMTPSEND.DNS.MxLoopback; DNS config error", None, "network_error"),
    # Orange/La Poste codes as Orange's postmaster page words them today (99X rate limited
    # for bad behaviour, 107 no PTR record, 20X invalid HELO, 39X sender domain's SPF)
    (("421 mwinf5c10 ME Service refuse. Veuillez essayer plus tard. Service refused, please "
      "try later. OFR_999 [999]"), None, "speeding"),
    (("421 4.2.1 Service refuse. Veuillez essayer plus tard. Service refused, please try later. "
      "LPN006_107"), None, "require_ptr"),
    ("421 4.7.0 Veuillez essayer plus tard. OFR004_201", None, "blocked"),
    ("550 5.7.0 Emetteur invalide. Invalid Sender. OFR004_391", None, "auth_failure"),
    # Spectrum's codes also written "AUP#In-nnnn"; Mimecast's signature names a spam verdict
    (("550 5.1.0 <lea@example.org> sender rejected. See "
      "https://www.spectrum.net/support/internet/understanding-email-error-codes AUP#In-1310"),
     None, "too_many_conn"),
    ("554 email rejected due to security policies - MCSpamSignature.sa.1.1", None,
     "spam_detected"),
    # --- refusals whose code names the wrong side ---------------------------------------------
    # amavisd-new's spam reject (UBE = unsolicited bulk email) under a 5.7.1 "content" reply
    ("550 5.7.1 Message content rejected, UBE, id=48213-07-3", None, "spam_detected"),
    # Facebook postmaster response code RCP-P2 under 5.1.1: the address exists
    (("550 5.1.1 RCP-P2 http://postmaster.facebook.com/response_codes?ip=192.0.2.25#rcp "
      "Refused due to recipient preferences"), "5.1.1", "filtered"),
    # Exim: an unknown address refused at MAIL FROM is the sender's, not the recipient's
    (("SMTP error from remote mail server after MAIL FROM:<lea@club.example> SIZE=2048: "
      "553 5.1.0 lea club.example does not exist"), None, "rejected"),
    (("SMTP error from remote mail server after MAIL FROM:<lea@club.example>: "
      "550 5.1.1 <lea@club.example>: user unknown"), None, "rejected"),
    # DSN fields printed as text: "rfc822;" is their address type, not an RFC 822 complaint
    (("Final-Recipient: rfc822; ana@example.com Action: failed Diagnostic-Code: smtp; 550 "
      "Sender address rejected: Domain not found"), None, "rejected"),
    # RFC 3464's own example of a gateway's refusal
    ("550 'ana@example.com' is not a registered gateway user", None, "user_unknown"),
    # Exim: a recipient address it cannot parse (RFC 3463 5.1.3), not malformed content
    (("ana@example.com <ana.b@example.com>: malformed address: <ana.b@example.com> may not "
      "follow ana@example.com"), None, "user_unknown"),
    ("554 5.6.0 Malformed MIME header", None, "content_error"),
    # a full mailbox said without "full" or "quota exceeded"
    ("552 Message would be over the allowed quota for ana@example.com", None, "mailbox_full"),
    ("550 The recipient mailbox does not have enough space for this message", None,
     "mailbox_full"),
    ("452 There is not enough storage space in the mailbox of ana@example.com", None,
     "mailbox_full"),
    ("550 ana@example.com is exceeding their quota", None, "mailbox_full"),
    # content filters that name spam only through their product or check names
    ("554 5.7.1 Message refused by SpamProfiler, rejected by the filter", None, "spam_detected"),
    ("550 Your message failed several antispam checks", None, "spam_detected"),
    ("550 This message was rejected by Recurrent Pattern Detection System", None,
     "spam_detected"),
    # a dormant mailbox (AOL/Verizon wording)
    (("554 ana@example.com: due to extended inactivity new mail is not currently being "
      "accepted for this mailbox"), None, "suspend"),
    # Sendmail's DNS trouble is not malformed content
    ("451 4.4.3 Host example.com: Malformed or unexpected name server reply", None,
     "network_error"),
    # AOL: a recipient that refuses attachments
    (("554 ana@example.com: the recipient is not accepting mail with attachments or embedded "
      "images"), None, "policy_violation"),
    # PTR wordings without "PTR" or "reverse"
    ("550 The corresponding forward DNS entry does not point to the sending IP", None,
     "require_ptr"),
    ("450 service permits 2 unverifyable sending IPs - relay.example.org is not 192.0.2.9", None,
     "require_ptr"),
    # RFC 3463 x.1.6 said without its code
    ("550 Address ana@example.com has been replaced by ana.b@example.org", None, "has_moved"),
]

# sender-side refusals: whatever else they say, never "the address is wrong" nor "error"
SENDER_SIDE_ROWS = [row for row in ROWS
                    if REASON_CATEGORY[row[2]] in ("blocked", "spam") and row[2] != "filtered"]


def test_the_table_is_large_and_covers_the_issue_classes() -> None:
    assert len(ROWS) >= 300
    reasons = {reason for _, _, reason in ROWS}
    for needed in ("user_unknown", "mailbox_full", "suspend", "expired", "blocked",
                   "auth_failure", "rejected", "no_relaying", "spam_detected", "speeding"):
        assert needed in reasons


@pytest.mark.parametrize(("text", "status", "reason"), ROWS)
def test_documented_wording(text: str, status: str | None, reason: str) -> None:
    assert classify_reply(None, text, status) == (REASON_CATEGORY[reason], reason)


@pytest.mark.parametrize(("text", "status", "reason"), SENDER_SIDE_ROWS)
def test_sender_side_refusal_is_never_a_bad_address(text: str, status: str | None,
                                                    reason: str) -> None:
    # the same text under the code a careless MTA puts on it: still about the sender
    for code in ("5.1.1", "5.0.0", "5.7.1", None):
        category, _ = classify_reply(None, text, status or code)
        assert category not in ("hard_bounce", "error"), (code, category)


# --- precedence rules ------------------------------------------------------------------------
def test_sender_side_text_beats_recipient_side_code() -> None:
    text = f"550 5.1.1 Client host [{IP}] blocked using zen.spamhaus.org"
    assert decide(text, status="5.1.1") == "blocked"
    assert decide("Sender address rejected: Domain not found", status="5.1.1") == "rejected"
    assert decide("SPF check failed", status="5.1.1") == "auth_failure"


def test_specific_code_on_the_same_side_as_the_text_wins() -> None:
    # 5.2.3 (administrative size limit) refines "too big": same category, the code is finer
    assert decide("Message too big", status="5.2.3") == "exceed_limit"


def test_generic_code_is_only_a_last_resort() -> None:
    assert decide("Mailbox full", status="5.7.1") == "mailbox_full"
    assert decide("No such user!", status="5.7.1") == "user_unknown"
    assert decide("Greylisted", status="4.7.1") == "speeding"
    assert decide("", status="5.7.1") == "security_error"
    assert decide("", status="4.7.1") == "blocked"
    assert decide("some words no rule knows", status="5.1.0") == "user_unknown"


def test_user_unknown_after_data_is_a_filter_not_a_mailbox() -> None:
    text = "550 user unknown"
    assert decide(text, command="RCPT") == "user_unknown"
    assert decide(text, command="DATA") == "filtered"
    assert decide(f"{text} (in reply to end of DATA command)") == "filtered"
    assert decide(f"{text} (in reply to RCPT TO command)") == "user_unknown"
    # the text says the recipient *address* was refused: a mailbox, whatever the stage
    refused = "550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown"
    assert decide(refused, command="DATA") == "user_unknown"


def test_expired_beats_delayed_when_the_mta_gave_up() -> None:
    assert verdict("retry timeout exceeded", status="4.4.7", action="delayed") == (
        "soft_bounce", "expired")
    assert verdict("Message expired", status="4.4.7", action="delayed") == (
        "soft_bounce", "expired")
    # still trying: a delay, whatever the code says
    assert verdict("Connection timed out", status="4.4.1", action="delayed") == (
        "deferred", "delayed")
    assert verdict("", status="4.4.7", action="delayed") == ("deferred", "delayed")


def test_failed_report_of_a_temporary_refusal_expired_unless_the_cause_says_more() -> None:
    assert verdict("451 4.3.0 Temporary local problem", status="4.3.0") == (
        "soft_bounce", "expired")
    assert verdict("452 4.2.2 Mailbox full", status="4.2.2") == ("soft_bounce", "mailbox_full")
    assert verdict(f"421 4.7.0 [{IP}] blocked using zen.spamhaus.org", status="4.7.0") == (
        "blocked", "blocked")


def test_never_existed_beats_disabled() -> None:
    assert decide("550 compte inexistant ou désactivé") == "user_unknown"
    assert decide("550 mailbox does not exist or is disabled") == "user_unknown"


def test_sending_quota_is_a_rate_limit_not_a_full_mailbox() -> None:
    assert decide("550 5.4.5 Daily user sending quota exceeded") == "speeding"
    assert decide("552 5.2.2 Quota exceeded") == "mailbox_full"


def test_temporarily_unavailable_mailbox_is_not_an_unknown_user() -> None:
    assert decide("451 4.3.0 Mailbox temporarily unavailable", status="4.3.0") != (
        "user_unknown")


# --- the literal pre-checks never change an answer ----------------------------------------------
def _texts() -> list[str]:
    samples = Path(__file__).resolve().parents[2] / "data" / "bounces"
    texts = {text.lower() for text, _, _ in ROWS}
    for path in sorted(samples.rglob("*.eml")):
        texts.update(line.lower() for line in path.read_text("utf-8", "replace").splitlines()
                     if len(line) > 12 and ":" not in line[:20])  # not header lines
    return sorted(texts)


def test_pre_checks_agree_with_the_full_searches() -> None:
    texts = _texts()
    assert len(texts) > 1000
    for table, weak in ((phrase_index.PHRASES, False), (phrase_index.WEAK_PHRASES, True)):
        assert all(phrase_index.NEEDS.get((r, weak)) for r in table.sources)  # one each
        for text in texts:
            seen = reasons._Seen(text)
            for reason in table.sources:
                assert seen[reason, weak] == bool(table[reason].search(text)), (reason, text)
    for text in texts:
        first = next(((r.rstrip("?"), m.start()) for r, src in RULES
                      if (m := re.search(src, text))), (None, -1))
        assert reasons.text_reason_at(text) == first, text
