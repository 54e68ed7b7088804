"""Signature logos travel as inline MIME parts (issue 16, item 17): multipart/related with
Content-ID and cid: references, never a data: URI in the sent HTML (Gmail and Outlook show
none); the logo is stored once per account. Built through the real save → record path,
sent through the rig (Postfix → Dovecot) and read back from the maildir, and scored by
SpamAssassin's local rules."""

from __future__ import annotations

import base64
import email
import os
import re
import struct
import subprocess
import tempfile
import zlib
from email.message import EmailMessage
from pathlib import Path

import pytest

from app.services.config import Settings
from app.services.mail.auth import Credential
from app.services.outbox import sending
from app.services.outbox.sending import OutgoingMessage
from app.services.setup import accounts
from app.services.setup import signature as sig
from app.services.setup.endpoint import Endpoint
from app.services.storage import Database
from tests.conftest import require_tool


def _png(width: int = 160, height: int = 48) -> bytes:
    """A real logo-sized PNG (a two-colour banner), made without Qt."""
    rows = b"".join(b"\0" + b"".join(
        (b"\x1f\x4e\x8c" if (x // 16 + y // 16) % 2 else b"\xf2\xf2\xf2") for x in range(width))
        for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


LOGO = _png()
LOGO_URI = "data:image/png;base64," + base64.b64encode(LOGO).decode()
# What the wizard's editor saves: Qt's HTML, the logo as a data: URI, the alt text a name.
SIGNATURE = ('<p style="margin:0"><b>Marie Dupont</b><br>Gérante — Dupont Menuiserie SARL<br>'
             '12 rue des Halles, 69002 Lyon · 04 72 00 00 00<br>'
             '<a href="https://dupont-menuiserie.fr">dupont-menuiserie.fr</a></p>'
             f'<p style="margin:0"><img src="{LOGO_URI}" alt="Dupont Menuiserie" '
             'width="160" height="48"></p>')
BODY = ("Bonjour Monsieur Bernard,\n\n"
        "Suite à notre visite de mardi, vous trouverez ci-dessous notre proposition pour la "
        "pose des fenêtres de la cuisine et du séjour : deux fenêtres en chêne double vitrage, "
        "dépose des anciennes menuiseries comprise, pour 2 480 € TTC. Les travaux peuvent "
        "commencer la semaine du 14 ; comptez deux jours sur place.\n\n"
        "N'hésitez pas à m'appeler si vous avez des questions.\n\n"
        "Bien cordialement,")


def _save(settings: Settings, email_addr: str = "marie@dupont-menuiserie.fr",
          smtp: Endpoint | None = None, imap: Endpoint | None = None,
          password: str = "secret") -> None:
    accounts.save_account(settings, email=email_addr,
                          credential=Credential(email_addr, password),
                          imap=imap or Endpoint("127.0.0.1", 1, "ssl"),
                          smtp=smtp or Endpoint("127.0.0.1", 1, "starttls"),
                          display_name="Marie Dupont", signature_html=SIGNATURE,
                          signature_text=sig.html_to_text(SIGNATURE))


def _recorded(settings: Settings, **kw: object) -> EmailMessage:
    """Record a message through the real path (account + stored logo → MIME) and parse the
    bytes that will be sent."""
    base: dict[str, object] = dict(account_email="marie@dupont-menuiserie.fr",
                                   to=["bernard@client.test"],
                                   subject="Devis fenêtres cuisine et séjour", text=BODY)
    base.update(kw)
    mid = sending.record(settings, OutgoingMessage(**base))  # type: ignore[arg-type]
    with Database(settings.db_path).reading() as conn:
        raw = conn.execute("SELECT raw FROM messages WHERE id = ?", (mid,)).fetchone()[0]
    return email.message_from_bytes(raw, policy=email.policy.default)


def assert_inline_logo(mail: EmailMessage, logo: bytes = LOGO) -> str:
    """RFC 2046/2387 nesting, every cid: resolves, no data: URI; returns the HTML."""
    assert mail.get_content_type() == "multipart/alternative"
    plain, related = mail.get_payload()
    assert plain.get_content_type() == "text/plain"
    text = plain.get_content().replace("\r\n", "\n")
    assert "Bonjour Monsieur Bernard" in text and "\n-- \nMarie Dupont" in text
    assert related.get_content_type() == "multipart/related"
    assert related.get_param("type") == "text/html"  # RFC 2387: the root's type
    root, *inline = related.get_payload()
    assert root.get_content_type() == "text/html"  # the first part is the root
    html = root.get_content()
    assert "data:" not in html  # Gmail and Outlook show no data: image
    assert re.search(r"(?i)<html[\s>]", html)
    ids = {part["Content-ID"].strip("<>"): part for part in inline}
    refs = sig.cid_references(html)
    assert refs and set(refs) == set(ids), (refs, list(ids))
    for ref in refs:
        part = ids[ref]
        assert part.get_content_type() == "image/png"
        assert part.get_content_disposition() == "inline"
        assert part.get_content() == logo
    img = re.search(r"<img\b[^>]*>", html).group(0)
    assert 'alt="Dupont Menuiserie"' in img
    return html


def test_built_message_carries_the_logo_as_an_inline_part(postier_env: Path) -> None:
    settings = Settings.from_env()
    _save(settings)
    html = assert_inline_logo(_recorded(settings))
    assert "Marie Dupont" in html and "Suite à notre visite" in html


def test_logo_is_stored_once_per_account_not_per_message(postier_env: Path) -> None:
    settings = Settings.from_env()
    _save(settings)
    account = accounts.account_store(settings).require("marie@dupont-menuiserie.fr")
    assert "data:" not in account.signature_html
    assert sig.cid_references(account.signature_html)
    for n in range(3):
        _recorded(settings, subject=f"Devis {n}")
    db = Database(settings.db_path)
    with db.reading() as conn:
        rows = conn.execute("SELECT cid, data FROM signature_images").fetchall()
        html_rows = conn.execute("SELECT body_html FROM messages").fetchall()
    assert [bytes(r[1]) for r in rows] == [LOGO]
    assert all(r[0] is None for r in html_rows)  # nothing of the logo in the message rows
    # Saved again unchanged (as the wizard's edit does, from the cid: form or the data:
    # form): still that one logo; saved without it: gone.
    for html in (account.signature_html, SIGNATURE):
        accounts.update_account(settings, account.email, imap=Endpoint("127.0.0.1", 1, "ssl"),
                                smtp=Endpoint("127.0.0.1", 1, "starttls"),
                                username=account.email, signature_html=html)
        assert [i.data for i in accounts.signature_images(settings, account)] == [LOGO]
    accounts.update_account(settings, account.email, imap=Endpoint("127.0.0.1", 1, "ssl"),
                            smtp=Endpoint("127.0.0.1", 1, "starttls"),
                            username=account.email, signature_html="<b>Marie</b>")
    assert accounts.signature_images(settings, account) == []
    assert_no_logo(_recorded(settings))


def assert_no_logo(mail: EmailMessage) -> None:
    assert mail.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in mail.get_payload()] == ["text/plain", "text/html"]


def test_a_data_uri_left_in_the_html_is_sent_inline_too(postier_env: Path) -> None:
    # A signature stored before inline images existed still holds its data: URI.
    settings = Settings.from_env()
    _save(settings)
    accounts.account_store(settings).update_fields("marie@dupont-menuiserie.fr",
                                                   signature_html=SIGNATURE,
                                                   signature_images=[])
    assert_inline_logo(_recorded(settings))


def test_weight_rule_counts_the_inline_logo() -> None:
    html, images = sig.extract_data_images(SIGNATURE, "dupont.fr")
    text = sig.html_to_text(html)
    assert sig.lint(html, text, images) == []
    # As heavy as the data: form was: base64 in MIME lines.
    assert abs(sig.signature_weight(html, images) - sig.signature_weight(SIGNATURE)) < 200
    big = bytes(range(256)) * 240  # 60 KB
    heavy_html, heavy = sig.extract_data_images(
        f'<p>Marie</p><img src="data:image/png;base64,{base64.b64encode(big).decode()}">', "x")
    assert sig.TOO_HEAVY in {w.code for w in sig.lint(heavy_html, "Marie", heavy)}
    assert sig.TOO_HEAVY in {w.code for w in sig.lint(sig.with_data_uris(heavy_html, heavy),
                                                      "Marie")}


def test_cid_and_data_forms_convert_both_ways() -> None:
    html, images = sig.extract_data_images(SIGNATURE, "dupont.fr")
    assert len(images) == 1 and images[0].cid.endswith("@dupont.fr")
    assert f'src="cid:{images[0].cid}"' in html
    assert sig.with_data_uris(html, images) == SIGNATURE
    # Not images: left alone.
    odd = '<img src="data:text/html;base64,PGI+">'
    assert sig.extract_data_images(odd, "x") == (odd, [])


# ---------------------------------------------------------------------------
# Through the rig: real Postfix submission → LMTP → Dovecot's maildir
# ---------------------------------------------------------------------------
def test_rig_delivers_the_logo_inline(rig, postier_env: Path,  # noqa: ANN001
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTIER_CA_FILE", str(rig.ca_file))
    settings = Settings.from_env()
    alice = "alice@example.test"
    _save(settings, alice, smtp=rig.submission, imap=rig.imaps, password=rig.users[alice])
    before = len(rig.maildir_messages("bob@example.test"))
    msg = OutgoingMessage(account_email=alice, to=["bob@example.test"],
                          subject="Devis fenêtres", text=BODY)
    result = sending.send_message(settings, msg, timeout=15, save_to_sent=False)
    assert result.status == "sent", result.error
    received = rig.wait_for_mail("bob@example.test", before + 1)
    raw = next(p.read_bytes() for p in received if result.message_id.encode() in p.read_bytes())
    assert_inline_logo(email.message_from_bytes(raw, policy=email.policy.default))


# ---------------------------------------------------------------------------
# SpamAssassin, local tests only (-L: no DNS, no network checks)
# ---------------------------------------------------------------------------
# What a normal business message may show: informational rules (a message read before any
# relay has no Received header; it has HTML). Anything else fails the test and is listed:
# image-only or image-heavy HTML, HTML without a text part or an <html> tag, alternatives
# that differ, malformed MIME, a data: image counted as remote (T_REMOTE_IMAGE)...
EXPECTED = {"HTML_MESSAGE", "NO_RECEIVED", "NO_RELAYS"}
# HTML_IMAGE_ONLY_NN is not what its description says ("images with N bytes of words"):
# SpamAssassin 4.0.1's html_image_only (HTMLEval.pm) fires for any <img> in an HTML part
# whose *raw* HTML is at most 3,200 bytes (HTML.pm adds length($text) of the source). A
# short message with any logo, cid: or data:, hits it (a data: URI only hid it by making
# the HTML longer than 3,200 bytes); only padding the HTML would avoid it, which is what
# spam does. So it is tolerated exactly there, and the strict xfail below keeps it in view.
IMAGE_ONLY = re.compile(r"^HTML_IMAGE_ONLY_\d+$")
IMAGE_ONLY_MAX_HTML = 3200


def spamassassin_rules(raw: bytes) -> tuple[float, list[str]]:
    """Score and rule names of ``spamassassin -L -t`` on a message (local tests only)."""
    spamassassin = require_tool("spamassassin")
    with tempfile.TemporaryDirectory() as home:  # its user state dir (~/.spamassassin)
        done = subprocess.run([spamassassin, "-L", "-t", "--cf=use_bayes 0"], input=raw,
                              capture_output=True, timeout=300, check=False,
                              env={**os.environ, "HOME": home})
    out = done.stdout.decode("utf-8", "replace")
    status = re.search(r"^X-Spam-Status: \w+, score=(-?[\d.]+)[^\n]*"
                       r"(?:\n\s+[^\n]*)*", out, re.M)
    assert status, (done.returncode, out[-2000:], done.stderr.decode()[-2000:])
    tests = re.search(r"tests=(.*?)\s+autolearn", status.group(0), re.S)
    names = re.split(r"[,\s]+", tests.group(1).strip()) if tests else []
    return float(status.group(1)), [n for n in names if n and n != "none"]


def _scored(settings: Settings) -> tuple[str, float, list[str]]:
    _save(settings)
    mail = _recorded(settings)
    html = assert_inline_logo(mail)
    score, fired = spamassassin_rules(mail.as_bytes())
    return html, score, fired


def test_spamassassin_local_rules_find_nothing_unusual(postier_env: Path) -> None:
    html, score, fired = _scored(Settings.from_env())
    unexpected = [name for name in fired if name not in EXPECTED
                  and not (IMAGE_ONLY.match(name) and len(html.encode()) <= IMAGE_ONLY_MAX_HTML)]
    assert not unexpected, (f"unexpected {', '.join(unexpected)}; score {score},"
                            f" fired: {', '.join(fired)}")


@pytest.mark.xfail(strict=True, reason="SpamAssassin's HTML_IMAGE_ONLY_* fires on any <img> "
                   "in an HTML part of at most 3,200 raw bytes (see IMAGE_ONLY above)")
def test_spamassassin_html_image_only_does_not_fire(postier_env: Path) -> None:
    html, score, fired = _scored(Settings.from_env())
    hits = [name for name in fired if IMAGE_ONLY.match(name)]
    assert not hits, f"score {score}, fired: {', '.join(fired)}"
