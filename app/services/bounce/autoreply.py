"""RFC 3834 auto-replies (out of office, vacation) and read receipts written as plain text."""

from __future__ import annotations

import re

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
    r"|abwesenheitsnotiz|nicht im büro|不在通知)")
_AUTOREPLY_BODY = re.compile(r"out of (?:the )?office|je suis absente?|absent(?:e)? du bureau"
                             r"|on vacation|en congés|away from (?:the office|my desk)"
                             r"|limited access to (?:my )?e-?mail|de retour le|back on"
                             r"|nicht im büro|abwesend|fuera de la oficina|fuori ufficio"
                             r"|ausente do escritório|afwezig|不在にしております")
# Outlook's text receipts, localised: "Read:", "Lu :", "Gelesen:", "Leído:", "Letto:",
# "Lida:", "Gelezen:", "Läst:", "開封済み:"; and what their body says.
_MDN_SUBJECT = re.compile(r"^\s*(?:(?:read|lu|gelesen|leído|leido|letto|lida|lido|gelezen"
                          r"|läst|læst|lest|luettu|開封済み|開封)\s*:|return receipt\b"
                          r"|read (?:receipt|report|notification)\b|accusé de lecture"
                          r"|lesebestätigung|confirmación de lectura|conferma di lettura)")
_MDN_BODY = re.compile(r"was read on|has been (?:read|displayed)|a été lu|été affiché"
                       r"|wurde am .{1,80} gelesen|gelesen\.|se ha leído|fue leído|è stato letto"
                       r"|foi lida|is gelezen op|lästes|開封されました|was received by"
                       r"|was (?:opened|displayed)|wurde gelesen|ha sido leído|a été ouvert")


def looks_like_text_mdn(report: Report, parts: Parts) -> bool:
    if not report.subject or not _MDN_SUBJECT.search(report.subject.lower()):
        return False
    return bool(_MDN_BODY.search(human_text(parts)[:4000].lower()))


def looks_like_auto_reply(msg: Part, report: Report, parts: Parts) -> bool:
    auto = (header_text(msg, "Auto-Submitted") or "").lower()
    subject = report.subject or ""
    local = (report.from_addr or "").rpartition("@")[0].lower()
    if local in ("root", "mailer-daemon", "postmaster"):
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
    if AUTOREPLY_SUBJECT.search(subject.lower()):
        return True
    if auto.startswith(("auto-generated", "auto-notified")) or header_text(
            msg, "X-Auto-Response-Suppress"):
        return bool(_AUTOREPLY_BODY.search(human_text(parts)[:4000].lower()))
    return False


