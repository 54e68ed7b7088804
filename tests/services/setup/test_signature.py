"""Signature lint and plain-text generation (pure functions)."""

from __future__ import annotations

import base64

import pytest

from app.services.setup import signature as sig

PNG_1PX = base64.b64encode(
    bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                  "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
).decode()
LOGO = f'<img src="data:image/png;base64,{PNG_1PX}" alt="Logo Dupont">'


def codes(html: str, text: str | None = "plain") -> set[str]:
    return {w.code for w in sig.lint(html, text)}


def test_clean_signature_has_no_warning() -> None:
    html = f"<p><b>Marie Dupont</b><br>Dupont SARL</p>{LOGO}"
    assert codes(html, sig.html_to_text(html)) == set()


def test_empty_signature_has_nothing_to_warn_about() -> None:
    assert sig.lint("", "") == []
    assert sig.lint("   ", None) == []


@pytest.mark.parametrize(("html", "expected"), [
    (LOGO + LOGO, sig.TOO_MANY_IMAGES),
    ("<table><tr><td>Marie</td><td>06 00</td></tr></table>", sig.HAS_TABLE),
    ('<p>Marie</p><img src="https://cdn.example.com/logo.png">', sig.EXTERNAL_IMAGE),
    ('<p>Marie</p><img src="//cdn.example.com/logo.png">', sig.EXTERNAL_IMAGE),
    ("<p>" + "x" * (51 * 1024) + "</p>", sig.TOO_HEAVY),
])
def test_each_problem_is_reported(html: str, expected: str) -> None:
    assert expected in codes(html)


def test_heavy_embedded_image_counts_towards_the_weight() -> None:
    big = base64.b64encode(b"\0" * 60_000).decode()
    html = f'<p>Marie</p><img src="data:image/png;base64,{big}">'
    assert sig.TOO_HEAVY in codes(html)
    assert sig.data_uri_size(f"data:image/png;base64,{big}") == 60_000


def test_small_embedded_image_is_fine() -> None:
    assert sig.TOO_HEAVY not in codes("<p>Marie</p>" + LOGO)


def test_missing_plain_text_alternative() -> None:
    html = "<p><b>Marie</b></p>"
    assert sig.NO_PLAIN_TEXT in codes(html, None)
    assert sig.NO_PLAIN_TEXT in codes(html, "  ")
    assert sig.NO_PLAIN_TEXT not in codes(html, "Marie")


def test_warning_details_name_the_problem() -> None:
    warnings = {w.code: w.detail for w in sig.lint(LOGO * 3, "x")}
    assert warnings[sig.TOO_MANY_IMAGES] == "3 images"


def test_plain_text_keeps_lines_and_links_not_images() -> None:
    html = ('<p><b>Marie Dupont</b><br>Gérante &amp; fondatrice</p>'
            '<p><a href="https://dupont.fr">Notre site</a> · '
            '<a href="mailto:marie@dupont.fr">marie@dupont.fr</a></p>' + LOGO)
    text = sig.html_to_text(html)
    assert text.splitlines() == [
        "Marie Dupont",
        "Gérante & fondatrice",
        "Notre site <https://dupont.fr> · marie@dupont.fr",
    ]


def test_plain_text_of_a_qt_document_ignores_style_and_head() -> None:
    html = ('<!DOCTYPE HTML><html><head><meta name="qrichtext" content="1" />'
            '<style type="text/css">p, li { white-space: pre-wrap; }</style></head>'
            '<body><p>Marie</p><p>06 12 34 56 78</p></body></html>')
    assert sig.html_to_text(html) == "Marie\n06 12 34 56 78"


def test_lists_and_tables_become_readable_lines() -> None:
    text = sig.html_to_text("<ul><li>un</li><li>deux</li></ul>"
                            "<table><tr><td>Tél</td><td>06</td></tr></table>")
    assert "- un" in text and "- deux" in text
    assert "Tél 06" in text


def test_explicit_blank_line_is_kept() -> None:
    assert sig.html_to_text("Marie<br><br>Dupont SARL") == "Marie\n\nDupont SARL"


def test_image_count() -> None:
    assert sig.image_count(LOGO + "<p>x</p>" + LOGO) == 2


def test_fragment_of_a_whole_document() -> None:
    doc = ('<!DOCTYPE HTML><html><head><style>p {}</style></head>'
           '<body style="font-size:9pt;">\n<p><b>Marie</b></p></body></html>')
    assert sig.html_fragment(doc) == "<p><b>Marie</b></p>"
    assert sig.html_fragment("<p>x</p>") == "<p>x</p>"
