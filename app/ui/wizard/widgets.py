"""Small widget helpers the wizard pages and dialogs share: large type, wrapping labels,
and whether a widget still exists when a background answer comes back."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from app.ui.startup_qt import PLAIN_TEXT, RICH_TEXT


def alive(widget: Any) -> bool:
    """False once Qt deleted the widget: a background answer may arrive after the
    wizard was closed, and must then be dropped."""
    return widget is not None and shiboken6.isValid(widget)


def big_font(label: QLabel, points_delta: int = 6, bold: bool = True) -> QLabel:
    font = QFont(label.font())
    font.setPointSize(max(font.pointSize(), 9) + points_delta)
    font.setBold(bold)
    label.setFont(font)
    return label


def wrap_label(text: str = "", *, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    # Through the property, no Qt enum: the start page uses this (app/ui/startup_qt.py).
    label.setProperty("textFormat", RICH_TEXT if rich else PLAIN_TEXT)
    if rich:
        label.setOpenExternalLinks(False)
    return label
