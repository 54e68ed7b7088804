"""Postier: set up a business mail account, send, and track what became of every message."""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("postier")
except PackageNotFoundError:  # running from a source tree or a frozen bundle without metadata
    __version__ = "0.1.0"
