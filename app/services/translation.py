"""Every user-visible text of the services, in the user's language: GNU gettext catalogues.

The English text is the message id; ``resources/locale/<lang>/LC_MESSAGES/postier.po``
holds its translation, compiled to ``postier.mo`` by ``resources/locale/compile.py`` (Babel,
a build/test tool; a test fails if the committed .mo is stale). Widgets use Qt Linguist
instead (``resources/i18n``): one mechanism per side, gettext here because services
must not import Qt.

Adding a language is adding a catalogue, not code: a language with no catalogue is English.
Beyond the four names every service uses (``N_``, ``_``/``gettext``, ``set_language``,
``current_language``) there are plural forms (``N_plural``, ``ngettext``) and the list of
languages that have a catalogue (``available_languages``).

Usage::

    from app.services.translation import N_, _
    LABELS = {"sent": N_("Sent")}          # marked at import time, translated when shown
    _(LABELS[status], "fr")                # -> "Envoyé"
    COUNTS = {"sent": N_plural("{count} sent", "{count} sent")}
    ngettext(*COUNTS["sent"], 3, "fr").format(count=3)   # -> "3 envoyés"
    _("Port {port} is closed.").format(port=25)   # placeholders inside the msgid, never f-strings

The language used when none is given comes from the settings (``app.language``) through
``set_language``; the GUI calls it again when the user switches language.
"""

from __future__ import annotations

import gettext as _stdlib_gettext
import threading

from app.services.resources import resources_dir

DOMAIN = "postier"
SOURCE_LANGUAGE = "en"  # the language of the msgids: it needs no catalogue

_lock = threading.Lock()
_language = SOURCE_LANGUAGE
_catalogues: dict[str, _stdlib_gettext.NullTranslations] = {}


def locale_dir() -> str:
    return str(resources_dir() / "locale")


def N_(text: str) -> str:  # noqa: N802 (gettext's conventional name, known to extractors)
    """Mark ``text`` for extraction and return it unchanged: for tables built at import
    time, translated later with ``gettext`` when the language is known."""
    return text


def N_plural(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 (as N_)
    """Mark a singular/plural pair for extraction (``ngettext`` translates it later)."""
    return singular, plural


def set_language(language: str) -> None:
    """The language ``gettext`` uses when none is given (``fr``, ``en``, ``fr_CA``…)."""
    global _language
    _language = language or SOURCE_LANGUAGE


def current_language() -> str:
    return _language


def _catalogue(language: str) -> _stdlib_gettext.NullTranslations:
    # Loaded once per language; a language with no .mo gets NullTranslations (English).
    with _lock:
        found = _catalogues.get(language)
        if found is None:
            found = _stdlib_gettext.translation(DOMAIN, locale_dir(), languages=[language],
                                                fallback=True)
            _catalogues[language] = found
        return found


def gettext(text: str, language: str | None = None) -> str:
    """``text`` (an English msgid) in ``language`` (None: the current language); the
    English text itself when the catalogue lacks it or the language has none."""
    language = language or _language
    if language == SOURCE_LANGUAGE or not text:
        return text
    return _catalogue(language).gettext(text)


def ngettext(singular: str, plural: str, n: int, language: str | None = None) -> str:
    """The form of ``singular``/``plural`` for ``n`` in ``language``, by the catalogue's own
    plural rule (French: 0 and 1 are singular); English: singular for 1 only."""
    language = language or _language
    if language == SOURCE_LANGUAGE:
        return singular if n == 1 else plural
    return _catalogue(language).ngettext(singular, plural, n)


def available_languages() -> tuple[str, ...]:
    """English and every language with a compiled catalogue, e.g. ``("en", "fr")``: a new
    catalogue is a new language everywhere (settings, the GUI's choice), with no code."""
    found = sorted(mo.parent.parent.name
                   for mo in (resources_dir() / "locale").glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


_ = gettext
