"""Qt translations: the language follows the system locale unless set in settings.

Widgets are translated by Qt Linguist (resources/i18n/postier_<lang>.ts/.qm); the services'
texts by their gettext catalogues (app/services/translation.py), whose current language
``install_translator`` sets too, so both sides always speak the same language. A language is
available once it has a services catalogue (translation.available_languages())."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app.services import translation
from app.services.config import resources_dir

_installed: list[QTranslator] = []
_by_language: dict[str, QTranslator] = {}  # translate()'s, one per language asked for
# postier.toml's [app] language (a distributor's choice): wins over the system locale.
_configured: list[str] = []


def set_configured_language(language: str | None) -> None:
    _configured[:] = [language] if language in translation.available_languages() else []


def current_language(preferred: str | None = None) -> str:
    languages = translation.available_languages()
    if preferred in languages:
        return preferred
    if _configured:
        return _configured[0]
    system = QLocale.system().name().lower()[:2]
    return system if system in languages else translation.SOURCE_LANGUAGE


def shown_language() -> str:
    """The language the widgets are actually shown in (the installed translator), so the
    catalogue's error messages match the rest of the page. Each Qt catalogue names its own
    language (postier_fr.ts translates this "en" to "fr"): a new language is a new
    catalogue, not code."""
    code = QCoreApplication.translate("SetupWizard", "en", "language code of this translation")
    return code if code in translation.available_languages() else translation.SOURCE_LANGUAGE


def install_translator(app: QApplication, language: str | None = None) -> str:
    """Load resources/i18n/postier_<lang>.qm (compiled from the .ts at build time), Qt's
    own qtbase_<lang> and qt_extra_<lang> (the Qt strings qtbase_fr lacks, such as the file
    dialog's "&Look in:"). The default QLocale follows the language, so dates, times and
    numbers match the words around them."""
    lang = current_language(language)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    i18n = str(resources_dir() / "i18n")
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    names = [(f"qtbase_{lang}", qt_dir), (f"qt_extra_{lang}", i18n), (f"postier_{lang}", i18n)]
    for name, folder in (names if lang != "en" else []):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
    _set_locale(lang)
    translation.set_language(lang)  # the services' words (errors, statuses) follow
    return lang


def translate(context: str, text: str, language: str, n: int = -1) -> str:
    """``text`` (a source string of ``context`` in postier_<lang>.ts) in ``language``, whatever
    translator the application has installed: for a view that speaks its own language (the
    domain report inside the wizard follows the wizard's choice). ``%n`` becomes ``n``, with
    the .ts numerus forms (English: ``plural``)."""
    translated = ""
    if language != translation.SOURCE_LANGUAGE:
        translator = _by_language.get(language)
        if translator is None:
            translator = QTranslator()  # not installed: consulted only through this function
            translator.load(f"postier_{language}", str(resources_dir() / "i18n"))
            _by_language[language] = translator
        translated = translator.translate(context, text, None, n) or ""
    if not translated:
        translated = plural(text, n) if n >= 0 else text
    return translated.replace("%n", str(n)) if n >= 0 else translated


def plural(text: str, n: int) -> str:
    """English plural of a ``tr("%Ln message(s)", "", n)`` result: the French .ts has its
    own numerus forms; English (the source language, no .qm) would show "1 message(s)"."""
    return text.replace("(s)", "" if n == 1 else "s")


# The region a language gets when the system speaks another one (dates, numbers).
_REGIONS = {"fr": "fr_FR", "en": "en_GB"}


def _set_locale(lang: str) -> None:
    system = QLocale.system()
    if system.language() == QLocale(lang).language() or (
            lang == "en" and system.language() == QLocale.Language.C):
        QLocale.setDefault(system)  # the user's own region (fr_CA, en_GB…) and settings
    else:
        QLocale.setDefault(QLocale(_REGIONS.get(lang, lang)))
