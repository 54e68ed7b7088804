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


def _pyi_rthook():
    from postier_after_import import after_import

    for module, filename in HOOKS.items():
        after_import(module, lambda filename=filename: run_pyinstaller_hook(filename))


_pyi_rthook()
del _pyi_rthook
