"""Windows that fit the screen they open on and come back where the user left them.

Small laptops (1024×600, 1366×768 with a taskbar) are common in small businesses: a window
sized for a desktop monitor opens with its buttons below the bottom edge. Each top-level
window asks :func:`fit_window` for a size no bigger than the screen's available area (minus
the title bar the window manager adds), restores the size and position saved for its key
when they still fit; the window saves them again (save_geometry) when it closes. Geometry is kept in
the app's own settings table (per data directory: no stray QSettings file, tests isolated).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

# Room for what the window manager draws around the window (title bar, borders): the frame
# is unknown before the window is first shown.
FRAME_W, FRAME_H = 8, 34
_KEY = "window/{}"


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The screen area a window may use (without taskbars/docks). Tests replace this to
    play a small screen."""
    screen = (widget.screen() if widget is not None else None) \
        or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 600)


def _clamp(rect: QRect, area: QRect) -> QRect:
    """``rect`` shrunk to the area and moved inside it (title bar included)."""
    width = min(rect.width(), area.width() - FRAME_W)
    height = min(rect.height(), area.height() - FRAME_H)
    x = min(max(rect.x(), area.left()), area.right() - width - FRAME_W + 1)
    y = min(max(rect.y(), area.top() + FRAME_H), area.bottom() - height + 1)
    return QRect(x, y, width, height)


def save_geometry(window: QWidget, key: str, db: Any) -> None:
    """Remember the window's size and position; each window calls this when it closes or
    hides (from its own handlers: an event filter would also run while Qt destroys it)."""
    if db is None or window.isMinimized():
        return
    g = window.geometry()
    value = f"{g.x()},{g.y()},{g.width()},{g.height()},{int(window.isMaximized())}"
    try:
        db.set_setting(_KEY.format(key), value)
    except Exception:  # a read-only or busy database must not stop a window from closing
        log.warning("could not save the size of the %s window", key, exc_info=True)


class SettingsFile:
    """The data file's settings table for a window's geometry, opened only when used: a
    new user's first window has no data file yet, and must not import storage (and create
    the file) to learn that nothing was saved (issue 17)."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(db_path)
        self._db: Any = None

    def _database(self) -> Any:
        if self._db is None:
            from app.services.storage import Database

            self._db = Database(self.path)
        return self._db

    def get_setting(self, key: str) -> str | None:
        if not self.path.exists():
            return None
        return self._database().get_setting(key)  # type: ignore[no-any-return]

    def set_setting(self, key: str, value: str) -> None:
        self._database().set_setting(key, value)


def _stored(key: str, db: Any) -> tuple[QRect, bool] | None:
    try:
        value = db.get_setting(_KEY.format(key)) if db is not None else None
        if not value:
            return None
        x, y, w, h, maximized = (int(part) for part in value.split(","))
    except Exception as exc:  # old/hand-edited value, unreadable file: the default size
        import sqlite3

        from app.services.storage import StorageError  # imported by whatever raised it

        if isinstance(exc, (ValueError, sqlite3.Error, StorageError)):
            return None
        raise
    return (QRect(x, y, w, h), bool(maximized)) if w > 0 and h > 0 else None


def fit_window(window: QWidget, key: str, preferred: QSize, db: Any = None) -> None:
    """Size ``window`` as it was left (or at ``preferred``), never beyond the available
    screen area, and remember its size and position under ``key``."""
    area = available_geometry(window)
    stored = _stored(key, db)
    if stored is not None:
        rect, maximized = stored
    else:
        size = QSize(min(preferred.width(), area.width() - FRAME_W),
                     min(preferred.height(), area.height() - FRAME_H))
        rect = QRect(area.x() + (area.width() - size.width()) // 2,
                     area.y() + FRAME_H + (area.height() - FRAME_H - size.height()) // 2,
                     size.width(), size.height())
        maximized = False
    rect = _clamp(rect, area)
    window.setGeometry(rect)
    if maximized:
        from PySide6.QtCore import Qt  # not at import: see app/ui/startup_qt.py

        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
