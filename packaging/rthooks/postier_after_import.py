"""For the bundle's run-time hooks: run a function right after a module is first imported.

A run-time hook runs at every start, before ``main``; work that only matters once a module is
in use (pointing OpenSSL at CA certificates, Qt's qt.conf check, PyInstaller's own inspect and
pkgutil patches) waits for that module here instead, so ``postier --version`` and the headless
subcommands do not pay for it. Bundled as a plain module (the spec's hidden imports).
"""

import sys

_PENDING = {}


def after_import(module, action):
    """Call ``action()`` once ``module`` has been imported (now, if it already is)."""
    if module in sys.modules:
        action()
        return
    _PENDING.setdefault(module, []).append(action)
    if _AfterImport not in sys.meta_path:
        sys.meta_path.insert(0, _AfterImport)


class _ThenRun:
    """A module's own loader, then the actions waiting for it."""

    def __init__(self, inner, actions):
        self._inner, self._actions = inner, actions

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        for action in self._actions:
            action()


class _AfterImport:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        actions = _PENDING.pop(name, None)
        if actions is None:
            return None
        if not _PENDING:
            sys.meta_path.remove(cls)
        for finder in sys.meta_path:
            if finder is cls or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _ThenRun(spec.loader, actions)
                return spec
        return None
