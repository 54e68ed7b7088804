"""Where Postier's bundled files (icons, provider presets, translations) live.

Its own module, below every other service, so that ``translation`` (used by ``errors``,
which ``config`` imports) can find its catalogues without an import cycle.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """Where icons, presets and translations live (source tree or PyInstaller bundle)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
