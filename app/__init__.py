"""Postier: set up a business mail account, send, and track what became of every message."""

import os


def _source_version() -> str | None:
    """Version from pyproject.toml when running from a source tree (installed editable or not):
    there it is the truth, where the installed metadata can be stale after a version bump."""
    # os.path, not pathlib: pathlib (with re, fnmatch, urllib.parse) is ~4 ms that
    # ``postier --version`` would pay for one file name
    pyproject = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                             "pyproject.toml")
    try:
        with open(pyproject, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    quick = _project_version(text)
    if quick:
        return quick
    import tomllib  # a layout the line scan does not know (~5 ms more at start-up)

    try:
        return tomllib.loads(text)["project"]["version"]
    except (KeyError, ValueError):
        return None


def _project_version(text: str) -> str | None:
    """``version = "…"`` in the ``[project]`` table, found line by line: the GUI sets its
    version before the first window, and tomllib is not imported otherwise (issue 17)."""
    in_project = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_project = stripped == "[project]"
            continue
        key, equals, value = stripped.partition("=")
        value = value.strip()
        if in_project and equals and key.strip() == "version" and len(value) > 2 \
                and value[0] == value[-1] == '"' and '"' not in value[1:-1] \
                and "\\" not in value:
            return value[1:-1]
    return None


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("postier")
    except PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str) -> str:
    """``app.__version__``, looked up on first use: importlib.metadata alone costs more than
    Python's own start-up, and neither ``postier --version`` from a source tree nor the GUI's
    first window should pay it."""
    if name == "__version__":
        found = _source_version() or _installed_version()
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
