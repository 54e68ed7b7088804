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
    """Load resources/i18n/postier_<lang>.qm (compiled from the .ts at build time)."""
    lang = current_language(language)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if lang != "en":
        # Qt's own strings too (message box buttons, "Show Details…", context menus).
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in ((f"qtbase_{lang}", qt_dir),
                             (f"postier_{lang}", str(resources_dir() / "i18n"))):
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                _installed.append(translator)
    return lang
