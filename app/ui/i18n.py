"""Qt translations: the language follows the system locale unless set in settings."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app.services.config import resources_dir

_installed: list[QTranslator] = []
# postier.toml's [app] language (a distributor's choice): wins over the system locale.
_configured: list[str] = []


def set_configured_language(language: str | None) -> None:
    _configured[:] = [language] if language in ("fr", "en") else []


def current_language(preferred: str | None = None) -> str:
    if preferred in ("fr", "en"):
        return preferred
    if _configured:
        return _configured[0]
    return "fr" if QLocale.system().name().lower().startswith("fr") else "en"


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
    return lang


def plural(text: str, n: int) -> str:
    """English plural of a ``tr("%Ln message(s)", "", n)`` result: the French .ts has its
    own numerus forms; English (the source language, no .qm) would show "1 message(s)"."""
    return text.replace("(s)", "" if n == 1 else "s")


def _set_locale(lang: str) -> None:
    system = QLocale.system()
    wanted = QLocale.Language.French if lang == "fr" else QLocale.Language.English
    if system.language() == wanted or (lang == "en" and system.language()
                                       == QLocale.Language.C):
        QLocale.setDefault(system)  # the user's own region (fr_CA, en_GB…) and settings
    else:
        QLocale.setDefault(QLocale(wanted, QLocale.Country.France if lang == "fr"
                                   else QLocale.Country.UnitedKingdom))
