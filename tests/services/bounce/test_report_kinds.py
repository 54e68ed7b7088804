"""What kind of report a message is, and the per-recipient verdict the sent table shows:
final failures under a 4.x.x status, delay and success notices in several languages,
automatic answers that are no out-of-office (challenges, helpdesk acknowledgements, "this
address is no longer in use"), out-of-office replies and text read receipts in more
languages, and one recipient reported twice.
Samples: tests/data/bounces/report_kinds/ (our own words)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.bounce import parse
from app.services.bounce.judge import verdict

ROOT = Path(__file__).resolve().parents[2] / "data" / "bounces" / "report_kinds"

# file stem -> (kind, [(address, category, reason)])
EXPECTED: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    # RFC 3464 "failed" with a 4.x.x status: the MTA gave up; a named cause stays the reason
    "dsn_failed_4xx_dns": ("dsn", [("paul@lointain.example", "soft_bounce", "network_error")]),
    "dsn_failed_4xx_quota": ("dsn", [("paul@plein.example", "soft_bounce", "mailbox_full")]),
    "dsn_failed_4xx_timeout": ("dsn", [("paul@muet.example", "soft_bounce", "expired")]),
    # a catch-all 4.7.1 "try again later" until the queue gave up: nothing but an expiry
    "dsn_failed_4xx_generic_code": ("dsn", [("paul@occupe.example", "soft_bounce", "expired")]),
    # a delay reported, then the final failure for the same recipient: the failure stands
    "dsn_delayed_then_failed_same_rcpt": (
        "dsn", [("lea@plein.example", "soft_bounce", "mailbox_full")]),
    # Exchange's localised delay and success notices
    "exchange_delayed_de": ("bounce", [("klaus@firma.example", "deferred", "delayed")]),
    "exchange_delayed_fr_retardee": ("bounce", [("sophie@client.example", "deferred", "delayed")]),
    "exchange_delayed_nl": ("bounce", [("anke@bedrijf.example", "deferred", "delayed")]),
    "exchange_delivered_fr_remis": (
        "bounce", [("sophie@client.example", "delivered", "delivered")]),
    "exchange_relayed_en": ("bounce", [("tom@partner.example", "delivered", "delivered")]),
    "person_forwards_delivery_notice": ("other", []),
    # other MTAs' delay notices, by their subject and "not delivered yet, still trying"
    "text_delay_fr_generic": ("bounce", [("marc@lent.example", "deferred", "delayed")]),
    "text_delay_de_generic": ("bounce", [("jonas@langsam.example", "deferred", "delayed")]),
    "text_delay_es_generic": ("bounce", [("ines@lento.example", "deferred", "delayed")]),
    "text_delay_it_generic": ("bounce", [("luca@lento.example", "deferred", "delayed")]),
    # automatic answers
    "challenge_verify_human": ("auto_reply", [("nina@filtre.example", "auto_reply", "vacation")]),
    "autoreply_moved_en": ("bounce", [("omar@ancien.example", "hard_bounce", "has_moved")]),
    "autoreply_moved_de": ("bounce", [("klaus@firma.example", "hard_bounce", "has_moved")]),
    "autoreply_moved_fr": ("bounce", [("omar@ancien.example", "hard_bounce", "has_moved")]),
    "ticket_ack_no_header": ("auto_reply", [("aide@service.example", "auto_reply", "vacation")]),
    "ticket_ack_fr_generated": (
        "auto_reply", [("sav@service.example", "auto_reply", "vacation")]),
    "ooo_pl": ("auto_reply", [("ewa@firma.example", "auto_reply", "vacation")]),
    "ooo_ru": ("auto_reply", [("ivan@firma.example", "auto_reply", "vacation")]),
    "ooo_fi_body_only": ("auto_reply", [("aino@yritys.example", "auto_reply", "vacation")]),
    "ooo_ko": ("auto_reply", [("minji@hoesa.example", "auto_reply", "vacation")]),
    "ooo_zh": ("auto_reply", [("liwei@gongsi.example", "auto_reply", "vacation")]),
    # read receipts written as text, in more languages; Outlook's "Not read:" is RFC 3798's
    # "deleted" (delivered, never opened)
    "mdn_text_pl_przeczytano": ("mdn", [("ewa@firma.example", "opened", "displayed")]),
    "mdn_text_ru_prochitano": ("mdn", [("ivan@firma.example", "opened", "displayed")]),
    "mdn_text_not_read_en": ("mdn", [("tom@partner.example", "delivered", "deleted")]),
    "mdn_text_non_lu_fr": ("mdn", [("sophie@client.example", "delivered", "deleted")]),
    # an out-of-office reply about a postal address is no "address no longer in use"
    "ooo_postal_address_changed": ("auto_reply", [("anne@client.example", "auto_reply",
                                                   "vacation")]),
    # the words of the quoted original ("account is no longer active") are not the answer's
    "ooo_quoting_original": ("auto_reply", [("anne@client.example", "auto_reply", "vacation")]),
    # a newsletter whose subject starts with "Vacation", and a person's: no automatic answer
    "newsletter_vacation_subject": ("other", []),
    "person_vacation_subject": ("other", []),
}


def test_every_sample_has_an_expectation() -> None:
    assert {p.stem for p in ROOT.glob("*.eml")} == set(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_report_kind_and_verdict(stem: str) -> None:
    report = parse((ROOT / f"{stem}.eml").read_bytes())
    got = (report.kind, [(r.address, r.category, r.reason) for r in report.recipients])
    assert got == EXPECTED[stem]
    if report.recipients:  # every report is tied to the message it answers
        assert report.original_message_id == f"<rk.{stem}@exemple.fr>"


def test_moved_answer_quotes_the_sentence_that_says_so() -> None:
    report = parse((ROOT / "autoreply_moved_en.eml").read_bytes())
    assert report.recipients[0].diagnostic == "This mailbox is no longer monitored."
    assert report.is_bounce


@pytest.mark.parametrize(("diagnostic", "status", "expected"), [
    # the queue gave up on a full mailbox: still mailbox_full, and final
    ("452 4.2.2 Mailbox full", "4.2.2", ("soft_bounce", "mailbox_full")),
    # DNS kept failing: the cause, not a bare expiry
    ("Name service error for name=x.example type=MX: Host not found, try again", "4.4.3",
     ("soft_bounce", "network_error")),
    # greylisting that never let the message in says nothing more than "expired"
    ("450 4.7.1 Greylisted, please try again later", "4.7.1", ("soft_bounce", "expired")),
    # a 4.7.x policy refusal keeps its cause
    ("450 4.7.1 Client host rejected: cannot find your reverse hostname", "4.7.1",
     ("blocked", "require_ptr")),
    ("DNS Error: DNS type 'mx' lookup of x.example responded with code SERVFAIL", "4.4.3",
     ("soft_bounce", "network_error")),
    # a catch-all code with no cause in the text: the retry time ran out
    ("451 4.7.1 Service unavailable, try again later", "4.7.1", ("soft_bounce", "expired")),
    # nothing but a temporary local problem: the retry time ran out
    ("451 4.3.0 Temporary local problem", "4.3.0", ("soft_bounce", "expired")),
])
def test_a_failed_report_under_a_temporary_code(diagnostic: str, status: str,
                                                expected: tuple[str, str]) -> None:
    reply = int(diagnostic[:3]) if diagnostic[:3].isdigit() else None
    assert verdict(diagnostic, status=status, reply=reply, action="failed") == expected
    # the same text while the MTA still retries is a delay, never a bounce
    assert verdict(diagnostic, status=status, reply=reply, action="delayed") == (
        "deferred", "delayed")
