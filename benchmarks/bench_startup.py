"""Start-up: time to the first window, Postier's vs a bare PySide6 window's, in one run.

Each run is a fresh process (``QT_QPA_PLATFORM`` as set, offscreen by default) that shows
its first window and quits from the event loop's first turn (``POSTIER_EXIT_AFTER=0``):
wall time from spawn to that turn (the window shown: the line it prints on stderr) and from
spawn to exit (which adds tearing the widgets down). Postier starts on a fresh data
folder, so its first window is the setup wizard, as for a new user. Prints the median of
each, their ratio (issue 17's goal: <= 1.5), the first (coldest) run of each, and the top
10 imports by cumulative time
(``-X importtime``).

With ``--bundle packaging/dist/postier`` it also times the PyInstaller bundle's first window
and ``postier --version`` against the source's (issue 17: <= 1.2 and <= 1.5), and the
source's ``--version`` against ``python -c pass``, all interleaved in the same runs.

The app's modules are byte-compiled first, as in an installed copy (pip and the bundle ship
them compiled): with PYTHONDONTWRITEBYTECODE=1 (set here) an editable checkout would otherwise
compile every module from source at every start, a cost no user pays (``--from-source``
keeps that, to see it).

Run: .venv/bin/python benchmarks/bench_startup.py [--runs 9] [--bundle packaging/dist/postier]
Under a real X server: QT_QPA_PLATFORM=xcb xvfb-run -a .venv/bin/python benchmarks/bench_startup.py
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
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
def shown():
    import sys
    print("postier: exit after 0 s", file=sys.stderr, flush=True)  # the same marker as Postier's
    app.exit(0)
QTimer.singleShot(0, shown)
app.exec()
"""


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(POSTIER_HOME=home, POSTIER_EXIT_AFTER="0", PYTHONPATH=str(ROOT),
               XDG_CONFIG_HOME=os.path.join(home, "config"))
    return env


MARKER = b"postier: exit after"  # printed in the first event-loop turn, the window shown


def _time(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
    return time.perf_counter() - started


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time_to_window(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(spawn -> first event-loop turn with the window shown, spawn -> exit, the process's
    CPU time): the second also counts tearing the widgets down, which the user never waits
    for; the third hardly moves with what else the machine runs (a shared one: the wall
    times' ratio does)."""
    cpu_before = _cpu_of_children()
    started = time.perf_counter()
    shown = None
    with subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            if shown is None and line.startswith(MARKER):
                shown = time.perf_counter() - started
        proc.wait(timeout=120)
    if proc.returncode != 0 or shown is None:
        raise RuntimeError(f"{cmd} failed or never showed its window")
    return shown, time.perf_counter() - started, _cpu_of_children() - cpu_before


def _top_imports(env: dict[str, str], args: tuple[str, ...] = ("-m", "app.cli"),
                 ) -> list[tuple[int, str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", *args], env=env,
                         capture_output=True, text=True, timeout=120).stderr
    rows = []
    for line in out.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line[12:].split("|"))
            if cumulative.isdigit():
                rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--bundle", type=Path, help="a built bundle folder (packaging/dist/postier)")
    ap.add_argument("--from-source", action="store_true",
                    help="do not byte-compile the app first (stale or missing .pyc stay so)")
    args = ap.parse_args()
    if not args.from_source:  # __pycache__ is ignored by git; a stale .pyc is never used
        compileall.compile_dir(ROOT / "app", quiet=1)
    print(f"platform {os.environ.get('QT_QPA_PLATFORM', 'offscreen')}, "
          f"{'from source' if args.from_source else 'byte-compiled'}, {args.runs} runs")
    bare_cmd = [sys.executable, "-c", BARE]
    app_cmd = [sys.executable, "-m", "app.cli"]
    bundle_cmd = [str(args.bundle / "postier")] if args.bundle else []
    version_cmds = {"python -c pass": [sys.executable, "-c", "pass"],
                    "source --version": app_cmd + ["--version"]}
    if bundle_cmd:
        version_cmds["bundle --version"] = bundle_cmd + ["--version"]
    bare, postier, bundled = [], [], []
    versions: dict[str, list[float]] = {name: [] for name in version_cmds}
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(args.runs):  # interleaved: all see the same machine load
            home = os.path.join(scratch, f"home{index}")
            os.makedirs(home)
            bare.append(_time_to_window(bare_cmd, _env(home)))
            postier.append(_time_to_window(app_cmd, _env(home)))
            if bundle_cmd:
                bundle_home = os.path.join(scratch, f"bundle{index}")
                os.makedirs(bundle_home)
                bundled.append(_time_to_window(bundle_cmd, _env(bundle_home)))
            for name, cmd in version_cmds.items():
                versions[name].append(_time(cmd, _env(home)))
        os.makedirs(os.path.join(scratch, "imports"))
        top = _top_imports(_env(os.path.join(scratch, "imports")))
        bare_modules = {name for _, name in _top_imports(_env(home), ("-c", BARE))}
    for what, column in (("window shown", 0), ("process exit", 1)):
        b = statistics.median(t[column] for t in bare)
        p = statistics.median(t[column] for t in postier)
        print(f"-- spawn to {what}")
        print(f"bare PySide6 window: median {b * 1000:.0f} ms "
              f"(first run {bare[0][column] * 1000:.0f} ms)")
        print(f"Postier first window (wizard): median {p * 1000:.0f} ms "
              f"(first run {postier[0][column] * 1000:.0f} ms)")
        # Each run's own ratio too: its pair ran seconds apart, under the same load.
        pairs = statistics.median(q[column] / c[column] for q, c in zip(postier, bare,
                                                                         strict=True))
        print(f"ratio Postier / bare: {p / b:.2f} (goal <= 1.5); median of the runs' own "
              f"ratios {pairs:.2f}; first run (coldest) "
              f"{postier[0][column] / bare[0][column]:.2f}")
        if bundled:
            u = statistics.median(t[column] for t in bundled)
            print(f"bundle first window: median {u * 1000:.0f} ms, ratio bundle / source: "
                  f"{u / p:.2f} (goal <= 1.2)")
    b = statistics.median(t[2] for t in bare)
    p = statistics.median(t[2] for t in postier)
    print(f"-- CPU time, spawn to exit: bare {b * 1000:.0f} ms, Postier {p * 1000:.0f} ms, "
          f"ratio {p / b:.2f}")
    medians = {name: statistics.median(times) for name, times in versions.items()}
    print("  ".join(f"{name}: {m * 1000:.0f} ms" for name, m in medians.items()))
    print(f"ratio source --version / python -c pass: "
          f"{medians['source --version'] / medians['python -c pass']:.2f}")
    if bundled:
        print(f"ratio bundle --version / source --version: "
              f"{medians['bundle --version'] / medians['source --version']:.2f} (goal <= 1.5)")
    print("top imports by cumulative time (ms):")
    for micros, name in top[:10]:
        print(f"  {micros / 1000:7.1f}  {name}")
    # Without what the bare window imports too (PySide6, shiboken, the stdlib they use) and
    # app.ui.main, which is where PySide6 is first imported: what Postier adds.
    print("top imports the bare window does not make (ms):")
    own: dict[str, int] = {}
    for micros, name in top:
        if name not in bare_modules and name != "app.ui.main":
            own[name] = max(micros, own.get(name, 0))
    for name, micros in sorted(own.items(), key=lambda item: -item[1])[:10]:
        print(f"  {micros / 1000:7.1f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
