"""PyInstaller run-time hook: PyInstaller's own PySide6 hook, minus Qt at every start.

PyInstaller's pyi_rth_pyside6 imports PySide6.QtCore at start-up to check for an embedded
qt.conf, so every start of the bundle loaded Qt and shiboken, even ``postier --version``
and the headless subcommands (~0.2 s). The spec drops that hook on Linux and runs this one:
the same environment, and the qt.conf check when something first imports PySide6.QtCore
(the PyPI wheel makes its own qt.conf there, so the check finds nothing to do).
"""

import os
import sys


def _pyi_rthook():
    from _pyi_rth_utils import qt as qt_rth_utils
    from postier_after_import import after_import

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")
    qt_dir = os.path.join(sys._MEIPASS, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_dir, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt_dir, "qml")
    after_import("PySide6.QtCore",
                 lambda: qt_rth_utils.create_embedded_qt_conf("PySide6", qt_dir))


_pyi_rthook()
del _pyi_rthook
