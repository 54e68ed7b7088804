"""Start-up time of the packaged app vs running from source, and the size of the bundle.

    .venv/bin/python benchmarks/bench_startup.py [--runs N] [--build]

Measures, for the PyInstaller bundle (packaging/dist/postier) and for the source tree
(``python -m app.cli``):
- ``postier --version``: process start to exit;
- the GUI: process start to the first window shown (offscreen, fresh POSTIER_HOME, the
  POSTIER_EXIT_AFTER=0 timer fires once the event loop runs, i.e. once the window is up).
"cold": before each run the program's own files (the bundle folder; or the source tree, the
virtualenv and the interpreter's standard library) are evicted from the page cache with
posix_fadvise(DONTNEED), which leaves the rest of the machine alone (pages other processes
have mapped stay, so a source-tree "cold" run can be partly warm while other Qt programs run
from the same virtualenv). System libraries (libc, libGL, fontconfig...) stay cached.
"warm": median of N runs right after.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "packaging" / "dist"
BUNDLE = DIST / "postier"
MARKER = "postier: exit after"  # printed once the first window is up


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "POSTIER_EXIT_AFTER")}
    env.update(POSTIER_HOME=str(home), QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
               **extra)
    return env


def time_version(cmd: list[str], cwd: Path) -> float:
    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        subprocess.run([*cmd, "--version"], cwd=cwd, env=_env(Path(home)), check=True,
                       capture_output=True)
        return time.perf_counter() - start


def time_first_window(cmd: list[str], cwd: Path) -> float:
    """Seconds from exec to the first window shown (read from the app's stderr marker)."""
    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=_env(Path(home), POSTIER_EXIT_AFTER="0"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        shown_at = None
        assert proc.stderr is not None
        for line in proc.stderr:
            if MARKER in line and shown_at is None:
                shown_at = time.perf_counter() - start
        proc.wait(timeout=60)
        if shown_at is None or proc.returncode != 0:
            raise RuntimeError(f"{cmd}: no window shown (exit {proc.returncode})")
        return shown_at


def evict(roots: list[Path]) -> None:
    """Drop these files' pages from the page cache (only clean, unmapped pages go)."""
    for root in roots:
        for path in root.rglob("*") if root.is_dir() else [root]:
            if path.is_file() and not path.is_symlink():
                try:
                    fd = os.open(path, os.O_RDONLY)
                except OSError:
                    continue
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)


def measure(label: str, fn, cmd: list[str], cwd: Path, runs: int,
            files: list[Path]) -> None:
    cold = []
    for _ in range(max(1, runs // 2)):
        evict(files)
        cold.append(fn(cmd, cwd))
    warm = [fn(cmd, cwd) for _ in range(runs)]
    print(f"  {label:<28} cold {statistics.median(cold) * 1000:7.0f} ms   "
          f"warm {statistics.median(warm) * 1000:7.0f} ms  (median of {len(cold)} / {runs})")


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    files = (p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build", action="store_true", help="run packaging/build.sh first")
    args = parser.parse_args()
    exe = BUNDLE / "postier"
    if args.build or not exe.exists():
        print("building the bundle (packaging/build.sh --bundle-only)...", flush=True)
        start = time.perf_counter()
        subprocess.run(["bash", str(ROOT / "packaging" / "build.sh"), "--bundle-only"], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"  build: {time.perf_counter() - start:.0f} s")

    # Shared lock: a test session or build.sh elsewhere in this checkout waits before rebuilding.
    lock = open(ROOT / "packaging" / "build" / ".lock", "w")  # noqa: SIM115 (held to the end)
    fcntl.flock(lock, fcntl.LOCK_SH)
    outside = Path(tempfile.mkdtemp(prefix="postier-bench-"))  # not the source tree
    bundle_cmd = [str(exe)]
    source_cmd = [sys.executable, "-m", "app.cli"]
    print("start-up (offscreen):")
    bundle_files = [BUNDLE]
    source_files = [ROOT / "app", ROOT / "resources", Path(sys.prefix),
                    Path(sysconfig.get_paths()["stdlib"])]
    measure("bundle  postier --version", time_version, bundle_cmd, outside, args.runs,
            bundle_files)
    measure("source  postier --version", time_version, source_cmd, ROOT, args.runs,
            source_files)
    measure("bundle  GUI first window", time_first_window, bundle_cmd, outside, args.runs,
            bundle_files)
    measure("source  GUI first window", time_first_window, source_cmd, ROOT, args.runs,
            source_files)

    print("size:")
    print(f"  bundle folder {size_mb(BUNDLE):7.1f} MB  ({BUNDLE.relative_to(ROOT)})")
    internal = BUNDLE / "_internal"
    print(f"    of which Qt/PySide6 {size_mb(internal / 'PySide6'):6.1f} MB, "
          f"cryptography {size_mb(internal / 'cryptography'):5.1f} MB")
    for pattern in ("postier-*.tar.gz", "postier_*.deb"):
        for path in sorted(DIST.glob(pattern)):
            print(f"  {path.name:<40} {size_mb(path):7.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
