"""CI turns an exception that dies in a background thread, or an unraisable one (a failing
``__del__``), into a test failure (pyproject filterwarnings; issue 15, item 8): run pytest
with the project's configuration on two tiny tests that do just that."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DYING = '''
import threading


def test_a_thread_dies():
    thread = threading.Thread(target=lambda: 1 / 0)
    thread.start()
    thread.join()


class Broken:
    def __del__(self):
        raise RuntimeError("in __del__")


def test_an_unraisable_exception():
    Broken()
'''


def test_background_exceptions_fail_the_test(tmp_path: Path) -> None:
    (tmp_path / "test_dying.py").write_text(DYING)
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path),
                          str(tmp_path / "test_dying.py")],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert out.returncode == 1, out.stdout
    assert "PytestUnhandledThreadExceptionWarning" in out.stdout
    assert "PytestUnraisableExceptionWarning" in out.stdout
    assert "2 failed" in out.stdout, out.stdout
