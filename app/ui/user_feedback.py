"""What a window tells the user, shared by the composer, the resend dialog, the Accounts tab,
the team database section, the sent table and the wizard: a failure's text (the error
catalogue's message and hint), a Yes/No whose default is No, the language a window speaks
(for the services' FR/EN texts shown in it), and the coloured plain-text label such a
message is shown in (``note_label``, ``tint``)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app.services import translation
from app.ui.startup_qt import PLAIN_TEXT

# The colours of a message's text, the same in every window.
MUTED = "#6b7280"  # a note: nothing is wrong (an empty table)
WARNING = "#8a4b00"  # worth a look before going on (a signature's warnings)
ERROR = "#b00020"  # it did not work (saving failed)


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


def note_label(name: str = "", colour: str | None = None, *, wrap: bool = True) -> QLabel:
    """A label for a message to the user, in ``colour``: plain text, never rich (it may quote
    the user's search or a server's reply), named for the tests and screen readers."""
    label = QLabel()
    label.setWordWrap(wrap)
    # Through the property, no Qt enum: the wizard's pages use this too (startup_qt.py).
    label.setProperty("textFormat", PLAIN_TEXT)
    if name:
        label.setObjectName(name)
    return tint(label, colour)


def tint(label: QLabel, colour: str | None) -> QLabel:
    """Show ``label``'s text in ``colour``; None gives it back the palette's."""
    label.setStyleSheet(f"color: {colour};" if colour else "")
    return label
