"""PyInstaller run-time hook: PyInstaller's own PySide6 hook, minus Qt at every start.

PyInstaller's pyi_rth_pyside6 imports PySide6.QtCore at start-up to check for an embedded
qt.conf, so every start of the bundle loaded Qt and shiboken, even ``postier --version``
and the headless subcommands (~0.2 s). The spec drops that hook on Linux and runs this one:
the same environment, and the qt.conf check when something first imports PySide6.QtCore
(the PyPI wheel makes its own qt.conf there, so the check finds nothing to do).
"""

import os
import sys


class _ThenQtConf:
    """PySide6.QtCore's own loader, then PyInstaller's qt.conf check."""

    def __init__(self, inner, qt_dir):
        self._inner, self._qt_dir = inner, qt_dir

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        from _pyi_rth_utils import qt as qt_rth_utils

        qt_rth_utils.create_embedded_qt_conf("PySide6", self._qt_dir)


class _WhenQtCoreIsImported:
    qt_dir = ""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "PySide6.QtCore":
            return None
        sys.meta_path.remove(cls)
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None and spec.loader is not None:
                spec.loader = _ThenQtConf(spec.loader, cls.qt_dir)
                return spec
        return None


def _pyi_rthook():
    from _pyi_rth_utils import qt as qt_rth_utils

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")
    qt_dir = os.path.join(sys._MEIPASS, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_dir, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt_dir, "qml")
    _WhenQtCoreIsImported.qt_dir = qt_dir
    sys.meta_path.insert(0, _WhenQtCoreIsImported)


_pyi_rthook()
del _pyi_rthook
