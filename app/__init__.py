"""Postier: set up a business mail account, send, and track what became of every message."""

from importlib.metadata import PackageNotFoundError, version as _version
from pathlib import Path


def _source_version() -> str:
    """Version from pyproject.toml when running from a source tree that was not installed."""
    import tomllib

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    try:
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, ValueError):
        return "0+unknown"


try:
    __version__ = _version("postier")
except PackageNotFoundError:
    __version__ = _source_version()
