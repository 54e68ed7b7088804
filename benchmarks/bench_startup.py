"""Start-up: time to the first window, Postier's vs a bare PySide6 window's, in one run.

Each run is a fresh process (``QT_QPA_PLATFORM`` as set, offscreen by default) that shows
its first window and quits from the event loop's first turn (``POSTIER_EXIT_AFTER=0``):
wall time from spawn to exit. Postier starts on a fresh data folder, so its first window is
the setup wizard, as for a new user. Prints the median of each, their ratio (issue 17's goal:
<= 1.5), the first (coldest) run of each, and the top 10 imports by cumulative time
(``-X importtime``).

Run: .venv/bin/python benchmarks/bench_startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("bare"); w.resize(860, 600); w.show()
QTimer.singleShot(0, lambda: app.exit(0))
app.exec()
"""


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(POSTIER_HOME=home, POSTIER_EXIT_AFTER="0", PYTHONPATH=str(ROOT),
               XDG_CONFIG_HOME=os.path.join(home, "config"))
    return env


def _time(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
    return time.perf_counter() - started


def _top_imports(env: dict[str, str]) -> list[tuple[int, str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "app.cli"], env=env,
                         capture_output=True, text=True, timeout=120).stderr
    rows = []
    for line in out.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line[12:].split("|"))
            if cumulative.isdigit():
                rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)[:10]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    bare_cmd = [sys.executable, "-c", BARE]
    app_cmd = [sys.executable, "-m", "app.cli"]
    bare, postier = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(args.runs):  # interleaved: both see the same machine load
            home = os.path.join(scratch, f"home{index}")
            os.makedirs(home)
            bare.append(_time(bare_cmd, _env(home)))
            postier.append(_time(app_cmd, _env(home)))
        top = _top_imports(_env(os.path.join(scratch, "home0")))
    b, p = statistics.median(bare), statistics.median(postier)
    print(f"bare PySide6 window: median {b * 1000:.0f} ms (first run {bare[0] * 1000:.0f} ms)")
    print(f"Postier first window (wizard): median {p * 1000:.0f} ms "
          f"(first run {postier[0] * 1000:.0f} ms)")
    print(f"ratio Postier / bare: {p / b:.2f} (goal <= 1.5)")
    print("top imports by cumulative time (ms):")
    for micros, name in top:
        print(f"  {micros / 1000:7.1f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
