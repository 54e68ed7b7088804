"""PyInstaller run-time hook: PyInstaller's own ``inspect`` and ``pkgutil`` hooks, run when
those modules are first imported rather than at every start.

PyInstaller's pyi_rth_inspect imports inspect and zipfile and reads base_library.zip's listing,
and pyi_rth_pkgutil imports pkgutil, at every start of the bundle: ~15 ms that ``postier
--version`` and the headless subcommands never use. The spec drops both from the start-up
scripts and ships their unchanged source in ``pyi_lazy_rthooks/``; this hook runs each one
right after its module is first imported, which is all either of them needs.
"""

import os
import sys

HOOKS = {"inspect": "pyi_rth_inspect.py", "pkgutil": "pyi_rth_pkgutil.py"}


def run_pyinstaller_hook(filename):
    path = os.path.join(sys._MEIPASS, "pyi_lazy_rthooks", filename)
    with open(path, encoding="utf-8") as handle:
        code = compile(handle.read(), path, "exec")
    exec(code, {"__name__": "__main__", "__file__": path})  # as PyInstaller runs it


class _ThenHook:
    """The module's own loader, then PyInstaller's hook for it."""

    def __init__(self, inner, filename):
        self._inner, self._filename = inner, filename

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        run_pyinstaller_hook(self._filename)


class _WhenFirstImported:
    pending = dict(HOOKS)

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        filename = cls.pending.pop(name, None)
        if filename is None:
            return None
        if not cls.pending:
            sys.meta_path.remove(cls)
        for finder in sys.meta_path:
            if finder is cls or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _ThenHook(spec.loader, filename)
                return spec
        return None


for _module, _filename in HOOKS.items():
    if _module in sys.modules:  # imported before this hook ran: its hook runs now
        _WhenFirstImported.pending.pop(_module)
        run_pyinstaller_hook(_filename)
if _WhenFirstImported.pending:
    sys.meta_path.insert(0, _WhenFirstImported)
