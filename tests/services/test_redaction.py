"""The core scrubber (app/services/redaction.py): a known secret goes in every form a server
can echo it back; ``redact`` also masks secret-looking values; logs are scrubbed while on."""

from __future__ import annotations

import base64
import logging
from urllib.parse import quote

import pytest

from app.services import redaction

SECRET = "S3cr&t pass/Wörd"
USER = "alice@example.test"


@pytest.mark.parametrize("echoed", [
    SECRET,
    base64.b64encode(f"\0{USER}\0{SECRET}".encode()).decode(),  # AUTH PLAIN
    base64.b64encode(SECRET.encode()).decode().rstrip("="),  # AUTH LOGIN, unpadded
    quote(SECRET, safe=""),
    SECRET.replace("\\", "\\\\").replace('"', '\\"'),  # IMAP quoted string
])
def test_scrub_removes_every_echoed_form(echoed: str) -> None:
    text = redaction.scrub(f"535 5.7.8 Authentication failed for: {echoed} (try again)",
                           SECRET, USER)
    assert echoed not in text and "S3cr" not in text
    assert text == f"535 5.7.8 Authentication failed for: {redaction.REDACTED} (try again)"


def test_scrub_leaves_harmless_details_and_tiny_secrets_alone() -> None:
    # Only the known secret: "AUTH PLAIN as …" is not a secret-shaped value for scrub.
    assert redaction.scrub("AUTH PLAIN as jean@exemple.fr", SECRET, USER) == \
        "AUTH PLAIN as jean@exemple.fr"
    assert redaction.scrub("dave@example.test", "x") == "dave@example.test"
    assert redaction.scrub("", SECRET) == "" and redaction.scrub("text", None) == "text"


def test_redact_masks_known_and_secret_looking_values() -> None:
    text = redaction.redact(f"password=hunter2 Bearer abc.def reply {SECRET}", [SECRET], [USER])
    assert "hunter2" not in text and "abc.def" not in text and SECRET not in text
    assert text.count(redaction.REDACTED) == 3


def test_scrubbing_logs_only_while_logging_in(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.redaction.protocol")
    with caplog.at_level(logging.DEBUG, logger=logger.name):
        with redaction.scrubbing_logs(SECRET, USER, [logger.name]):
            logger.debug("< NO LOGIN %s %s", USER, SECRET)
        logger.debug("after: %s", SECRET)
    assert caplog.messages[0] == f"< NO LOGIN {USER} {redaction.REDACTED}"
    assert caplog.messages[1] == f"after: {SECRET}"  # the filter was removed

