"""The first window imports only what it shows (issue 17).

A new user's first start is run in a fresh process, as from the desktop: the setup wizard
is shown and what Python has imported by then is checked. Network, keyring, DNS,
cryptography and the data file are for later (the pages and services behind run_task, the
file once there is something to save), and so is PySide6's ``Qt`` namespace (its 94 enum
classes are built on first use; the start page sets its few values as ints,
app/ui/startup_qt.py). The speed itself is measured by benchmarks/bench_startup.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QListWidgetItem

from app.ui import startup_qt
from app.ui.main import start

ROOT = Path(__file__).resolve().parents[2]

# Run in the child: the window as main.start() shows it, then what is imported at that
# moment (the event loop's first turn, POSTIER_EXIT_AFTER=0, ends the process).
SHOW_FIRST_WINDOW = """
import json, sys
from app.ui import main

shown = {}
original = main.start

def start(settings):
    window = original(settings)
    import PySide6.QtCore
    shown.update(window=type(window).__name__, visible=window.isVisible(),
                 qt_namespace_built="Qt" in vars(PySide6.QtCore), modules=sorted(sys.modules))
    return window

main.start = start
code = main.run_gui([])
print(json.dumps(shown))
sys.exit(code)
"""

# Imported before the window is shown, each would cost the new user time for nothing: the
# wizard's later pages and the services they start run once asked for.
NOT_BEFORE_THE_WINDOW = (
    "dns",  # dnspython (discovery, domain health)
    "imapclient",
    "cryptography",
    "authlib",
    "msal",
    "keyring",
    "ssl",
    "sqlite3",  # the data file does not exist yet: nothing to open
    "tomllib",  # no postier.toml: nothing to parse
    "xml.etree",  # the presets are listed, no autoconfig document is parsed
    "platformdirs",  # Linux's folders are computed by config.standard_dir
    "app.services.storage",
    "app.services.outbox",
    "app.services.tracking",
    "app.services.domain_health",
    "app.services.mail",  # credentials and sessions: once an account is tested
    "app.services.setup",  # discovery, presets, accounts, the check; even the endpoint type
    "app.services.team",
    "app.services.bounce",
    "app.ui.main_window",
    "app.ui.wizard.address_page",
    "app.ui.wizard.check_page",
)


def _first_start(home: Path, tmp_path: Path) -> dict:
    env = dict(os.environ)
    env.update(POSTIER_HOME=str(home), POSTIER_EXIT_AFTER="0",
               QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               XDG_CONFIG_HOME=str(tmp_path / "user-config"),
               XDG_CONFIG_DIRS=str(tmp_path / "site-config"))
    env.pop("POSTIER_CONFIG", None)
    done = subprocess.run([sys.executable, "-c", SHOW_FIRST_WINDOW], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_first_window_imports_only_what_it_shows(tmp_path: Path) -> None:
    home = tmp_path / "new-user"
    shown = _first_start(home, tmp_path)
    assert shown["window"] == "SetupWizard" and shown["visible"]
    modules = set(shown["modules"])
    early = sorted(name for name in modules for heavy in NOT_BEFORE_THE_WINDOW
                   if name == heavy or name.startswith(heavy + "."))
    assert not early, f"imported before the first window: {early}"
    assert not shown["qt_namespace_built"], "PySide6's Qt enums were built before the window"
    # Made once there is something to keep (an account, the wizard's size), not before.
    assert not (home / "postier.sqlite3").exists()


def test_a_new_users_data_file_is_made_when_the_wizard_closes(qtbot, postier_env: Path) -> None:
    from app.services.config import Settings

    settings = Settings.from_env()
    wizard = start(settings)
    qtbot.addWidget(wizard)
    assert isinstance(wizard, QDialog)
    assert not settings.db_path.exists()
    wizard.reject()  # cancelled: its size is saved and the main window opens on the file
    qtbot.waitUntil(lambda: any(type(w).__name__ == "MainWindow" and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=5000)
    assert settings.db_path.exists()
    from app.services.storage import Database

    assert Database(settings.db_path).get_setting("window/wizard")
    for window in QApplication.topLevelWidgets():
        if type(window).__name__ == "MainWindow":
            window.close()


def test_the_start_pages_int_values_are_qts(qapp: QApplication) -> None:
    assert startup_qt.ALIGN_LEFT == Qt.AlignmentFlag.AlignLeft.value
    assert startup_qt.PLAIN_TEXT == Qt.TextFormat.PlainText.value
    assert startup_qt.RICH_TEXT == Qt.TextFormat.RichText.value
    assert startup_qt.USER_ROLE == Qt.ItemDataRole.UserRole.value
    label = QLabel("<b>x</b>")
    label.setProperty("alignment", startup_qt.ALIGN_LEFT)
    label.setProperty("textFormat", startup_qt.PLAIN_TEXT)
    assert label.alignment() == Qt.AlignmentFlag.AlignLeft
    assert label.textFormat() == Qt.TextFormat.PlainText
    item = QListWidgetItem("x")
    item.setData(startup_qt.USER_ROLE, "preset")
    assert item.data(Qt.ItemDataRole.UserRole) == "preset"


def test_the_version_read_without_tomllib_is_pyprojects() -> None:
    import tomllib

    import app

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert app._project_version(text) == tomllib.loads(text)["project"]["version"]
    # Anything the line scan does not know is left to tomllib.
    assert app._project_version('[project]\nversion = "1.2" # note\n') is None
    assert app._project_version("[project]\nversion = '1.2'\n") is None
    assert app._project_version('[tool.x]\nversion = "9"\n[project]\nname = "p"\n') is None
