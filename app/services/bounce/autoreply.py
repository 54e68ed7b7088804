"""RFC 3834 auto-replies (out of office, vacation), the automatic answers that are no
out-of-office (challenge-response filters, ticket acknowledgements, "this address is no longer
in use"), and read receipts written as plain text."""

from __future__ import annotations

import re

from app.services.bounce.addresses import DAEMON_LOCAL, DAEMON_NAME
from app.services.bounce.decode import Part, Parts, header_text, human_text
from app.services.bounce.model import Report

# --- auto-reply markers ------------------------------------------------------------
AUTOREPLY_SUBJECT = re.compile(
    r"^\s*(?:\[?auto(?:matic)?[ -]?(?:reply|response|answer)\]?|auto\s?:|réponse automatique"
    r"|r[ée]ponse automatique|absence|absent|out of (?:the )?office|ooo\b|on vacation"
    r"|vacation|en congés?|congés|auto ?response|autoreply|automatische antwort|abwesend"
    r"|abwesenheit|respuesta automática|fuera de la oficina|risposta automatica"
    r"|自動応答|自動返信|不在|away from|i am (?:currently )?(?:out|away)|je suis absent"
    r"|message d'absence|hors du bureau)"
    # Lotus Notes / Domino: "Marie Curie est absent(e)." and "... is out of the office."
    r"|\best absente?\b|\best absent\(e\)|\bis out of (?:the )?office\b"
    r"|automatisch antwoord|resposta automática|autosvar"
    # Outlook's and webmails' localised subjects (ES, IT, PT, NL, DE): "Ausencia:",
    # "Fuori ufficio:", "Ausente do escritório", "Afwezig:", "Abwesenheitsnotiz:"
    r"|^\s*(?:ausencia|ausente|fuori (?:ufficio|sede)|assente|afwezig|niet aanwezig"
    r"|abwesenheitsnotiz|nicht im büro|不在通知"
    # Outlook's "Automatic reply:" and out-of-office subjects in PL, CS, SK, RU, UK, SV, DA,
    # NO, FI, TR, HU, RO, EL, ZH (simplified, traditional), KO
    r"|automatyczna odpowiedź|odpowiedź automatyczna|poza biurem|nieobecno[sś][cć]"
    r"|automatická odpov[eě]ď|mimo kancelá|nepřítomnost|автоматический ответ|автоответ"
    r"|вне офиса|автоматична відповідь|automatiskt svar|automatisk svar|frånvar|fraværende"
    r"|ikke på kontoret|inte på kontoret|automaattinen vastaus|poissa toimistolta"
    r"|otomatik (?:yanıt|cevap)|ofis dışında|automatikus válasz|házon kívül|r[ăa]spuns automat"
    r"|αυτόματη απάντηση|εκτός γραφείου|自动回复|自動回覆|自动答复|자동 회신|자동 응답|부재)")
# Words that also start ordinary subjects ("Vacation dates for July"): with no automatic
# header, no "Word:" prefix and no out-of-office sentence in the body, a person wrote it.
_AUTO_WORD = re.compile(r"auto|automa|автомат|自動|自动|자동|otomatik|r[ăa]spuns")
_AUTOREPLY_BODY = re.compile(
    r"out of (?:the )?office|je suis absente?|je serai absente?|absent(?:e)? du bureau"
    r"|on vacation|en congés?|en vacances|away from (?:the office|my desk)"
    r"|limited access to (?:my )?e-?mail|de retour le|back on|nicht im büro|abwesend"
    r"|im urlaub|fuera de la oficina|de vacaciones|fuori ufficio|in ferie"
    r"|ausente do escritório|de férias|afwezig|met vakantie|不在にしております"
    # PL, CS, RU, SV, DA/NO, FI, TR, HU, RO, EL, ZH, KO
    r"|poza biurem|na urlopie|nieobecn|mimo kancelář|na dovolené|nepřítomn|в отпуске"
    r"|вне офиса|нет в офисе|på semester|inte på kontoret|frånvarande|på ferie"
    r"|ikke på kontoret|fraværende|lomalla|poissa toimistolta|ofis dışında|izindeyim"
    r"|szabadságon|házon kívül|în concediu|în afara biroului|εκτός γραφείου|休假"
    r"|不在办公室|不在辦公室|부재중|부재 중|휴가")
# Challenge-response filters (Boxbe, SpamArrest and the like) hold the message until the
# sender proves to be a person: an automatic answer about a message not yet read.
_CHALLENGE = re.compile(
    r"verify (?:that )?you are (?:a )?(?:human|real person|person|not a robot)"
    r"|added to (?:my|the|her|his) (?:list of )?approved senders|challenge[- ]response|boxbe"
    r"|spam ?arrest|(?:message|e-?mail) is (?:awaiting|pending) (?:your )?verification"
    r"|en attente de (?:validation|vérification)|confirmer que vous (?:êtes|etes) (?:bien )?"
    r"(?:une personne|un humain|humain)|bestätigen sie, dass sie ein mensch sind")
# Helpdesks' acknowledgements ("[Ticket #123] received"): automatic, the request was read by
# a machine; the subject says ticket/case when no header says automatic.
_ACK_BODY = re.compile(
    r"we(?: have|'ve)? received your (?:request|message|e-?mail|enquiry|inquiry|ticket)"
    r"|(?:your|this) (?:request|ticket|case) (?:has been|was) (?:received|created|logged|opened)"
    r"|nous avons bien reçu votre (?:demande|message|e-?mail|courriel)"
    r"|votre demande a bien été (?:reçue|enregistrée)|wir haben ihre (?:anfrage|nachricht"
    r"|e-?mail) erhalten|hemos recibido (?:su|tu) (?:solicitud|mensaje|correo)"
    r"|abbiamo ricevuto la (?:sua|tua) (?:richiesta|email|e-mail)"
    r"|recebemos (?:a )?(?:sua|tua) (?:solicitação|mensagem)|we hebben uw (?:verzoek|bericht)"
    r" ontvangen")
_ACK_SUBJECT = re.compile(r"\[?(?:ticket|case|request|demande|anfrage|incident)\s?#?\s?\d"
                          r"|\b(?:request|ticket|case) (?:received|created|opened)"
                          r"|accusé de réception|we received your")
# An automatic answer saying the address is dead or replaced (RFC 5321's 551 "user not
# local; please try <forward-path>", written as an auto-reply): CLI.md's has_moved.
_MOVED = re.compile(
    r"(?:address|mailbox|e-?mail account|account) is no longer (?:in use|active|valid|used"
    r"|monitored|being (?:monitored|read|checked))|no longer (?:works?|working|employed)"
    r" (?:at|for|with)|(?:has|have) left (?:the company|the organi[sz]ation|the firm)"
    r"|e-?mail address (?:has (?:been )?changed|is changing)|(?:has|have) changed (?:my|his"
    r"|her|their|our) e-?mail address"
    r"|n'est plus (?:utilisée|valide|active|consultée|en service|lue)"
    r"|ne fait plus partie de|a quitté (?:la société|l'entreprise|le cabinet)"
    r"|ist nicht mehr (?:gültig|aktiv|in (?:benutzung|gebrauch)|erreichbar)"
    r"|hat das unternehmen verlassen|nicht mehr (?:im (?:hause|unternehmen)|für [^\n.]{1,60}"
    r" tätig|bei [^\n.]{1,60} (?:tätig|beschäftigt))"
    r"|ya no (?:está en uso|es válida|está activa|trabaja)"
    r"|non è più (?:attiv|valid|in uso|utilizzat)|não (?:está|é) mais (?:em uso|válid|ativ)"
    r"|niet (?:meer|langer) in gebruik|werkt niet (?:meer|langer) bij")
# Outlook's text receipts, localised: "Read:", "Lu :", "Gelesen:", "Leído:", "Letto:",
# "Lida:", "Gelezen:", "Läst:", "開封済み:"; and what their body says.
_MDN_SUBJECT = re.compile(r"^\s*(?:(?:read|lu|gelesen|leído|leido|letto|lida|lido|gelezen"
                          r"|läst|læst|lest|luettu|開封済み|開封|przeczytano|přečteno|прочитано"
                          r"|okundu|已读|已讀|읽음|olvasott|citit)\s*:|return receipt\b"
                          r"|read (?:receipt|report|notification)\b|accusé de lecture"
                          r"|lesebestätigung|confirmación de lectura|conferma di lettura)")
_MDN_BODY = re.compile(r"was read on|has been (?:read|displayed)|a été lu|été affiché"
                       r"|wurde am .{1,80} gelesen|gelesen\.|se ha leído|fue leído|è stato letto"
                       r"|foi lida|is gelezen op|lästes|開封されました|was received by"
                       r"|was (?:opened|displayed)|wurde gelesen|ha sido leído|a été ouvert"
                       r"|przeczytan|přečten|прочитан|luettiin|okundu|已被阅读|已被閱讀|읽었습니다"
                       r"|elolvas|a fost citit")
# Outlook's "Not read:" receipts: deleted unread, RFC 3798's "deleted" disposition.
_UNREAD_SUBJECT = re.compile(r"^\s*(?:not read|non lu|nicht gelesen|no leído|no leido"
                             r"|non letto|não lida|não lido|niet gelezen|nieprzeczytan"
                             r"|nepřečteno|не прочитано|ej läst|ikke læst|ikke lest)\s*:")
_UNREAD_BODY = re.compile(r"deleted without being read|supprimé sans (?:avoir été )?lu"
                          r"|ungelesen gelöscht|eliminado sin (?:ser )?leído|eliminado sin leer"
                          r"|eliminato senza essere letto|excluída sem ser lida"
                          r"|zonder te (?:worden )?(?:lezen|gelezen) verwijderd"
                          r"|usunięta bez przeczytania|smazána bez přečtení"
                          r"|удалено без прочтения|raderades utan att läsas")


def text_mdn(report: Report, parts: Parts) -> str | None:
    """The disposition of a read receipt written as plain text ("displayed", or "deleted"
    for Outlook's "Not read:"), or None when the message is none."""
    subject = (report.subject or "").lower()
    if _UNREAD_SUBJECT.search(subject):
        return "deleted" if _UNREAD_BODY.search(_body(parts)) else None
    if _MDN_SUBJECT.search(subject) and _MDN_BODY.search(_body(parts)):
        return "displayed"
    return None


def _system_sender(report: Report) -> bool:
    local = (report.from_addr or "").rpartition("@")[0].lower()
    return local in ("root", "mailer-daemon", "postmaster")


# Where an answer starts quoting the message it answers (Outlook's "-----Original
# Message-----" / "From:" block, "On ... wrote:"): the sender's own words must not decide.
_QUOTE_START = re.compile(r"^[ \t]*(?:-{2,}[ \t]*(?:original message|message d'origine"
                          r"|ursprüngliche nachricht|mensaje original|messaggio originale)"
                          r"|(?:from|de|von|da)[ \t]?:[^\n]{0,200}@|[^\n]{0,200}(?:wrote|a écrit"
                          r"|schrieb|escribió|ha scritto)[ \t]?:[ \t]*$)",
                          re.MULTILINE | re.IGNORECASE)


def _own_text(parts: Parts) -> str:
    """The answer's own text: before the quoted original, without "> " lines."""
    if parts.answer is None:
        text = human_text(parts)[:8000]
        quoted = _QUOTE_START.search(text)
        if quoted:
            text = text[:quoted.start()]
        parts.answer = "\n".join(line for line in text.split("\n")
                                  if not line.lstrip().startswith(">"))
    return parts.answer


def _body(parts: Parts) -> str:
    return _own_text(parts)[:4000].lower()


def looks_like_auto_reply(msg: Part, report: Report, parts: Parts) -> bool:
    auto = (header_text(msg, "Auto-Submitted") or "").lower()
    subject = (report.subject or "").lower()
    if _system_sender(report):
        return False  # cron and system mail carry Auto-Submitted too (RFC 3834 § 5)
    if auto.startswith("auto-replied"):
        return True
    if header_text(msg, "X-Autoreply") or header_text(msg, "X-Autorespond") or header_text(
            msg, "X-Autoresponder") or header_text(msg, "X-Vacation"):
        return True
    if (header_text(msg, "X-Apple-Action") or "").lower().startswith("vacation"):
        return True  # iCloud Mail's vacation responder
    precedence = (header_text(msg, "Precedence") or "").lower()
    if precedence == "auto_reply":
        return True
    if header_text(msg, "List-Id") or header_text(msg, "List-Unsubscribe"):
        return False  # a list's or a newsletter's mail ("Vacation deals"), not an answer
    generated = auto.startswith(("auto-generated", "auto-notified")) or bool(header_text(
        msg, "X-Auto-Response-Suppress"))
    subject_says = AUTOREPLY_SUBJECT.search(subject)
    if subject_says and (generated or ":" in subject[subject_says.start():]
                         or _AUTO_WORD.search(subject)):
        return True
    body = _body(parts)
    if subject_says or generated or precedence in ("bulk", "junk"):
        if _AUTOREPLY_BODY.search(body) or _ACK_BODY.search(body):
            return True
    return bool(_ACK_SUBJECT.search(subject) and _ACK_BODY.search(body))


def looks_like_challenge(msg: Part, report: Report, parts: Parts) -> bool:
    """A challenge-response filter's request to prove the sender is a person (an automatic
    answer, not a bounce, though it may say the message "has not been delivered yet")."""
    local = (report.from_addr or "").rpartition("@")[0]
    if DAEMON_LOCAL.match(local) or DAEMON_NAME.search((header_text(msg, "From") or "").lower()):
        return False  # a mail system's report quoting a filter is still that report
    return bool(_CHALLENGE.search((report.subject or "").lower())
                or _CHALLENGE.search(_body(parts)))


def moved_sentence(parts: Parts) -> str | None:
    """The sentence of an automatic answer saying the address is dead or replaced, if any."""
    text = _own_text(parts)[:4000]
    found = _MOVED.search(text.lower())
    if found is None:
        return None
    start = max(text.rfind(".", 0, found.start()), text.rfind("\n", 0, found.start())) + 1
    end = min((i for i in (text.find(".", found.end()), text.find("\n", found.end()))
               if i >= 0), default=len(text))
    return " ".join(text[start:end + 1].split())[:300] or None
