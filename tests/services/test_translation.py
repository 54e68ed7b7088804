"""The services' gettext catalogues: every marked text has its French, the committed .mo is
the .po compiled, and a new language is a new catalogue, not code."""

from __future__ import annotations

import ast
import importlib.util
import re
import string
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.services import translation
from app.services.errors import PostierError, message_for
from app.services.history import message_status as mst

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "app" / "services"
LOCALE = ROOT / "resources" / "locale"
# The names that mark or translate a literal (app/services/translation.py), and
# domain_health.model.Text (a check's text and its parameters, translated when shown).
SINGLE = {"N_", "_", "gettext", "Text"}
PLURAL = {"N_plural", "ngettext"}


def _compiler() -> ModuleType:
    spec = importlib.util.spec_from_file_location("locale_compile", LOCALE / "compile.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def marked_texts(source: str, where: str) -> tuple[dict[str, str], list[str]]:
    """(msgid -> where, problems) for every N_/_/gettext/N_plural/ngettext call in
    ``source``; a plural pair is keyed by its singular. Problems: an f-string or a
    non-literal first argument (which no catalogue can hold)."""
    found: dict[str, str] = {}
    problems: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in SINGLE | PLURAL and node.args):
            continue
        count = 2 if node.func.id in PLURAL else 1
        args = node.args[:count]
        if any(isinstance(a, ast.JoinedStr) for a in args):
            problems.append(f"{where}:{node.lineno}: f-string inside {node.func.id}()")
        elif all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            found[args[0].value] = f"{where}:{node.lineno}"  # type: ignore[attr-defined]
        # A name (gettext(label, lang)) is a table entry marked where it was defined.
    return found, problems


def all_marked() -> tuple[dict[str, str], list[str]]:
    found: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(SERVICES.rglob("*.py")):
        if path.name == "translation.py":
            continue  # defines the names; its docstring examples are not texts
        texts, bad = marked_texts(path.read_text(encoding="utf-8"),
                                  str(path.relative_to(ROOT)))
        found.update(texts)
        problems += bad
    return found, problems


def untranslated(texts: dict[str, str], catalogue: Catalog) -> list[str]:
    """The marked texts with no usable translation in ``catalogue``: absent, empty (in any
    plural form), fuzzy, or with other {placeholders} than the English."""
    missing = []
    for text, where in texts.items():
        message = catalogue.get(text)
        strings = (message.string if isinstance(message.string, tuple) else (message.string,)
                   ) if message else ()
        ids = message.id if message and isinstance(message.id, tuple) else (text,)
        fields = {f for msgid in ids for _, f, _, _ in string.Formatter().parse(msgid) if f}
        if (not strings or not all(s.strip() for s in strings) or message.fuzzy
                or any({f for _, f, _, _ in string.Formatter().parse(s) if f} != fields
                       for s in strings)):
            missing.append(f"{where}: {text!r}")
    return missing


def catalogues() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/postier.po"))


def read(po: Path) -> Catalog:
    with po.open("rb") as handle:
        return read_po(handle)


def test_the_services_mark_their_texts_and_no_f_string() -> None:
    texts, problems = all_marked()
    assert not problems, problems
    # The converted tables (errors, statuses, notes, notifications, CSV) are all marked.
    assert len(texts) > 200
    assert "The server did not answer in time." in texts and "{count} hard bounce" in texts


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.parent.parent.name)
def test_every_marked_text_has_a_translation(po: Path) -> None:
    texts, _ = all_marked()
    missing = untranslated(texts, read(po))
    assert not missing, f"{len(missing)} texts without a translation in {po}:\n" + "\n".join(
        missing)


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.parent.parent.name)
def test_no_translation_is_left_over(po: Path) -> None:
    """A text reworded or removed in the code leaves no dead entry behind."""
    texts, _ = all_marked()
    unused = [m.id for m in read(po) if m.id and (m.id[0] if isinstance(m.id, tuple)
                                                  else m.id) not in texts]
    assert not unused, unused


def test_the_check_fails_on_a_text_without_french() -> None:
    texts, problems = marked_texts(
        'LABELS = {"x": N_("A text nobody translated"), "y": N_("Sent")}\n'
        'def f(n, who):\n'
        '    return _(f"Hello {who}"), ngettext("{count} cat", "{count} cats", n)\n', "x.py")
    assert problems == ["x.py:3: f-string inside _()"]
    missing = untranslated(texts, read(LOCALE / "fr" / "LC_MESSAGES" / "postier.po"))
    assert missing == ["x.py:1: 'A text nobody translated'", "x.py:3: '{count} cat'"]


def test_committed_mo_is_the_compiled_po() -> None:
    """Run resources/locale/compile.py after editing a .po (the bundle ships the .mo)."""
    compiler = _compiler()
    assert catalogues(), "resources/locale/fr/LC_MESSAGES/postier.po"
    for po in catalogues():
        assert po.with_suffix(".mo").read_bytes() == compiler.compiled(po), po


def test_french_and_english_words() -> None:
    assert message_for("TIMEOUT", "fr")[0] == "Le serveur n'a pas répondu à temps."
    assert message_for("TIMEOUT", "en")[0] == "The server did not answer in time."
    assert mst.count_label("sent", 1, "fr") == "1 envoyé"
    assert mst.count_label("sent", 3, "fr") == "3 envoyés"
    assert mst.count_label("replied", 1, "en") == "1 reply"
    assert mst.count_label("replied", 2, "en") == "2 replies"
    assert translation.gettext("Sent", "fr_FR") == "Envoyé"  # a region finds its language


def test_the_current_language_is_the_default() -> None:
    try:
        translation.set_language("fr")
        assert translation.current_language() == "fr"
        assert mst.status_label("hard_bounce") == "Adresse invalide"
        assert message_for("TIMEOUT")[0] == "Le serveur n'a pas répondu à temps."
        assert PostierError("TIMEOUT").message == "The server did not answer in time."
        assert mst.status_label("hard_bounce", "en") == "Hard bounce"
    finally:
        translation.set_language("en")
    assert mst.status_label("hard_bounce") == "Hard bounce"


def test_a_language_without_catalogue_is_english() -> None:
    assert "de" not in translation.available_languages()
    assert message_for("TIMEOUT", "de") == message_for("TIMEOUT", "en")
    assert mst.count_label("replied", 2, "de") == "2 replies"


def test_a_third_language_is_a_new_catalogue(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """No code: drop resources/locale/de/LC_MESSAGES/postier.po (+ its .mo) beside fr."""
    locale = tmp_path / "locale"
    for lang in ("fr", "de"):
        (locale / lang / "LC_MESSAGES").mkdir(parents=True)
    fr = LOCALE / "fr" / "LC_MESSAGES" / "postier.mo"
    (locale / "fr" / "LC_MESSAGES" / "postier.mo").write_bytes(fr.read_bytes())
    po = locale / "de" / "LC_MESSAGES" / "postier.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: de\\n"\n'
                  '"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
                  'msgid "The server did not answer in time."\n'
                  'msgstr "Der Server hat nicht rechtzeitig geantwortet."\n\n'
                  'msgid "{count} reply"\nmsgid_plural "{count} replies"\n'
                  'msgstr[0] "{count} Antwort"\nmsgstr[1] "{count} Antworten"\n',
                  encoding="utf-8")
    po.with_suffix(".mo").write_bytes(_compiler().compiled(po))
    monkeypatch.setattr(translation, "resources_dir", lambda: tmp_path)
    monkeypatch.setattr(translation, "_catalogues", {})
    assert translation.available_languages() == ("en", "de", "fr")
    message, hint = message_for("TIMEOUT", "de")
    assert message == "Der Server hat nicht rechtzeitig geantwortet."
    assert hint == message_for("TIMEOUT", "en")[1]  # not translated yet: the English
    assert mst.count_label("replied", 2, "de") == "2 Antworten"
    assert message_for("TIMEOUT", "fr")[0] == "Le serveur n'a pas répondu à temps."


def test_placeholders_survive_translation() -> None:
    """``.format(**kw)`` fills the same names in every language (checked per entry above);
    here one of them end to end."""
    params = {"port": 993, "usual": 993, "starttls": 143}
    fr = message_for("TLS_HANDSHAKE_FAILED", "fr", "implicit_tls_port", params)[1]
    assert "Le port 993 " in fr and "{" not in fr
    assert not re.search(r"\{\w+\}", mst.count_label("hard_bounce", 2, "fr"))


def test_the_cli_speaks_the_configured_language(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """postier.toml's [app] language is the services' default language in the CLI too."""
    from app.commands import contract

    config = tmp_path / "postier.toml"
    config.write_text('[app]\nlanguage = "fr"\n', encoding="utf-8")
    monkeypatch.setenv("POSTIER_CONFIG", str(config))
    monkeypatch.setenv("POSTIER_HOME", str(tmp_path / "home"))
    try:
        contract.load_settings()
        assert translation.current_language() == "fr"
        assert message_for("TIMEOUT")[0] == "Le serveur n'a pas répondu à temps."
        # An error's own words stay English: stored (event notes) and scripted (CLI JSON).
        assert PostierError("TIMEOUT").message == "The server did not answer in time."
        config.write_text("", encoding="utf-8")
        contract.load_settings()
        assert translation.current_language() == "en"
    finally:
        translation.set_language("en")
