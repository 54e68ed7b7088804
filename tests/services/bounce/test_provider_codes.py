"""Providers' documented codes and sentences (``provider_codes``): the tables name known
reasons, and a documented code or sentence decides before the status code around it. The
documented replies themselves are rows of test_reasons.py's table."""

from __future__ import annotations

import pytest

from app.services.bounce import provider_codes
from app.services.bounce.provider_codes import documented_reason
from app.services.bounce.reasons import decide
from app.services.bounce.taxonomy import REASON_CATEGORY

_TABLES = {
    "orange": provider_codes._ORANGE, "godaddy": provider_codes._GODADDY,
    "cox": provider_codes._COX, "iua": provider_codes._IUA, "qq": provider_codes._QQ,
    "sfr": provider_codes._SFR,
    "spectrum": {str(low): reason for low, _, reason in provider_codes._SPECTRUM},
    "sentences": dict(provider_codes.SENTENCES),
}


@pytest.mark.parametrize("name", sorted(_TABLES))
def test_every_table_names_known_reasons(name: str) -> None:
    assert set(_TABLES[name].values()) <= set(REASON_CATEGORY)


def test_sentences_are_lower_case_and_listed_once() -> None:
    # the text is lower-cased before the look-up: a capital letter would never match
    sentences = [sentence for sentence, _ in provider_codes.SENTENCES]
    assert all(sentence == sentence.lower() for sentence in sentences)
    assert len(sentences) == len(set(sentences))


def test_a_documented_sentence_beats_the_status_code_around_it() -> None:
    # Microsoft puts its sender's submission quota under 5.2.2 (mailbox full)
    assert decide("554 5.2.2 Submission quota exceeded", status="5.2.2") == "speeding"
    # Gmail's 4.7.23 is registered as an authentication failure; the text says no PTR record
    text = ("451 4.7.23 The sending IP address for this message doesn't have a PTR record, or "
            "the PTR record's forward DNS entry doesn't match the sending IP address.")
    assert decide(text, status="4.7.23") == "require_ptr"


def test_a_vendor_reading_its_own_format_still_comes_first() -> None:
    assert decide("554 5.2.2 Submission quota exceeded", hint="mailbox_full") == "mailbox_full"
    # a vague hint (VAGUE: the text may sharpen it) yields to the documented sentence
    assert decide("554 5.2.2 Submission quota exceeded", hint="on_hold") == "speeding"


def test_orange_codes_use_their_last_three_digits() -> None:
    assert documented_reason("550 5.1.1 invalid recipient. ofr_416 [416]") == "user_unknown"
    assert documented_reason("421 4.7.0 service refuse. ofr004_203") == "blocked"  # 20X
    assert documented_reason("421 service refuse. lpn105_998") == "speeding"  # 99X
    # a code the page gives no single cause for is left to the words
    assert documented_reason("421 veuillez essayer plus tard. ofr004_105") is None


def test_codes_are_whole_words() -> None:
    assert documented_reason("550 possible ib40123 rejected") is None
    assert documented_reason("550 5.1.1 user unknown") is None
    assert documented_reason("") is None
