"""What a dialog tells the user, shared by the composer, the resend dialog and the Accounts
tab: a failure's text (the error catalogue's message and hint), a Yes/No whose default is No,
and the language a window speaks (for the services' FR/EN texts shown in it)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.services import translation


def error_text(error: BaseException) -> str:
    """What a failed send says to the user: the catalogue message when there is one."""
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    hint = getattr(error, "hint", None)
    return f"{message}\n{hint}" if hint else message


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """A Yes/No question whose default is No: Enter never confirms something destructive."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def window_language(widget: QWidget | None = None) -> str:
    """The language of the window the dialog belongs to (MainWindow.lang), else the one
    installed for the interface (install_translator sets the services' to it): never
    the system's, which may differ from the language the user chose."""
    while widget is not None:
        lang = getattr(widget, "lang", None)
        if lang in translation.available_languages():
            return str(lang)
        widget = widget.parentWidget()
    return translation.current_language()
