"""Qt translations: the language follows the system locale unless set in settings."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app.services.config import resources_dir

_installed: list[QTranslator] = []


def current_language(preferred: str | None = None) -> str:
    if preferred in ("fr", "en"):
        return preferred
    return "fr" if QLocale.system().name().lower().startswith("fr") else "en"


def install_translator(app: QApplication, language: str | None = None) -> str:
    """Load resources/i18n/postier_<lang>.qm (compiled from the .ts at build time)."""
    lang = current_language(language)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if lang != "en":
        translator = QTranslator(app)
        if translator.load(str(resources_dir() / "i18n" / f"postier_{lang}.qm")):
            app.installTranslator(translator)
            _installed.append(translator)
    return lang
