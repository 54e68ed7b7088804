"""The error catalogue: every code and finer cause worded in French and English."""

from __future__ import annotations

import re

import pytest

from app.services.errors import CATALOGUE, VARIANTS, ErrorInfo, PostierError, message_for


@pytest.mark.parametrize("key", sorted(CATALOGUE) + sorted(VARIANTS))
def test_every_entry_has_french_and_english_message_and_hint(key: str) -> None:
    code, _, variant = key.partition(":")
    words = {lang: message_for(code, lang, variant or None) for lang in ("en", "fr")}
    assert words["en"] == {**CATALOGUE, **VARIANTS}[key]  # English is the catalogue's text
    for lang in ("en", "fr"):
        message, hint = words[lang]
        assert message.strip() and hint.strip()
    assert words["fr"] != words["en"]  # translated (tests/services/test_translation.py)
    # A placeholder in one language must exist in the other.
    fields = [set(re.findall(r"\{(\w+)\}", " ".join(words[lang]))) for lang in ("en", "fr")]
    assert fields[0] == fields[1]


def test_variant_is_worded_per_language_with_its_parameters() -> None:
    params = {"port": 993, "usual": 993, "starttls": 143}
    en = message_for("TLS_HANDSHAKE_FAILED", "en", "implicit_tls_port", params)
    fr = message_for("TLS_HANDSHAKE_FAILED", "fr", "implicit_tls_port", params)
    assert en[0].startswith("This port expects SSL/TLS") and "Port 993 " in en[1]
    assert fr[0].startswith("Ce port attend SSL/TLS") and "port 993 " in fr[1]
    # Unknown variant or missing parameter: the code's own words, never an exception.
    assert message_for("TIMEOUT", "fr", "no_such_variant") == message_for("TIMEOUT", "fr")
    assert message_for("TLS_HANDSHAKE_FAILED", "en", "implicit_tls_port")[0] == en[0]


def test_variant_travels_in_error_info_and_json() -> None:
    err = PostierError("TIMEOUT", variant="no_greeting", params={"usual": 465}, server="smtp")
    info = ErrorInfo.from_error(err)
    assert info.variant == "no_greeting" and info.params == {"usual": 465}
    assert "465" in info.hint
    assert info.to_dict()["variant"] == "no_greeting" and info.to_dict()["code"] == "TIMEOUT"
    assert ErrorInfo.from_error(PostierError("TIMEOUT")).to_dict().get("variant") is None
