"""Team mode (issue 19): cross-laptop update latency, and the sent table at N rows (default
100 000) on PostgreSQL next to SQLite.

    .venv/bin/python benchmarks/bench_team.py [ROWS] [--runs N]

Starts its own throw-away PostgreSQL (Debian's binaries, loopback, as tests/support/
postgres.py does; run as root it uses the postier-pg system user). Prints:

- latency, commit in one process → NOTIFY heard by another process's Listener;
- latency, commit in another process → the row in this process's sent table (a real main
  window, offscreen, its polling timer stopped: NOTIFY only), next to the SQLite window's
  1-second polling for the same writes;
- the sent table at ROWS rows on each engine: main window constructed → first rows painted,
  → whole view loaded, and the model's full reload (query + paint), medians of --runs;
- the cross-process latency again with ROWS rows on screen (each change re-reads the view).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from app.services.config import Settings
from app.services.storage import database_for, notify_triggers, open_database
from app.services.team import connection
from benchmarks.bench_messages_table import wait_until
from tests.support import sent_messages as sm
from tests.support.postgres import PostgresServer, find_bindir

WRITES = 20
_WRITER = """
import sys, time
from app.services.storage import database_for
from tests.support import sent_messages as sm
db = database_for(sys.argv[1])
for i in range(int(sys.argv[2])):
    sys.stdin.readline()  # one write per request: the reader measures each alone
    sm.add_message(db, sm.ACCOUNTS[0], f"Devis {i}", [("client@example.test", "queued")])
    print(time.time(), flush=True)
"""


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return (f"median {statistics.median(values) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"
            f"   max {values[-1] * 1000:7.1f} ms   (n={len(values)})")


def listener_latency(url: str) -> list[float]:
    """Commit here → another process's Listener prints what it heard (wall clocks)."""
    env = {**os.environ, "POSTIER_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "tests.support.team_procs", "listen"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    import json

    next(line for line in proc.stdout if '"connected": true' in line)
    db = database_for(url)
    out = []
    for i in range(WRITES):
        sm.add_message(db, sm.ACCOUNTS[0], f"Relance {i}", [("client@example.test", "queued")])
        committed = time.time()
        heard = json.loads(next(line for line in proc.stdout if '"changed"' in line))
        out.append(heard["t"] - committed)
        time.sleep(0.05)  # one write at a time
    proc.kill()
    proc.wait()
    return out


def window_latency(app: QApplication, target: str, home: Path) -> list[float]:
    """Another process commits; this process's main window shows the row."""
    from app.ui.main_window import MainWindow

    os.environ["POSTIER_HOME"] = str(home)
    if "://" in target:
        os.environ["POSTIER_DATABASE_URL"] = target
    else:
        os.environ.pop("POSTIER_DATABASE_URL", None)
    db = open_database(target)
    win = MainWindow(Settings.from_env(), db, live_tracking=False, lang="fr")
    win.show()
    model = win.page.model
    wait_until(lambda: win.page.loader.version is not None)
    if "://" in target:
        wait_until(lambda: win.team_live.connected)
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, target, str(WRITES)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert writer.stdin is not None and writer.stdout is not None
    out = []
    for _ in range(WRITES):
        rows = model.rowCount()
        writer.stdin.write("\n")
        writer.stdin.flush()
        committed = float(writer.stdout.readline())
        wait_until(lambda rows=rows: model.rowCount() > rows)
        out.append(time.time() - committed)
    writer.wait()
    win.page.loader.stop()
    win.close()
    win.deleteLater()
    return out


def table_load(app: QApplication, target: str, runs: int) -> dict[str, list[float]]:
    """Main window construction → first rows painted / whole view; model reload."""
    from app.ui.main_window import MainWindow

    figures: dict[str, list[float]] = {"first": [], "whole": [], "reload": []}
    for _ in range(runs):
        db = open_database(target)  # a new object: nothing cached in memory
        t0 = time.perf_counter()
        win = MainWindow(Settings.from_env(), db, live_tracking=False, lang="fr")
        win.show()
        wait_until(lambda w=win: w.page.model.rowCount() > 0)
        win.page.table.viewport().repaint()
        figures["first"].append(time.perf_counter() - t0)
        wait_until(lambda w=win: w.page.loader.version is not None)
        figures["whole"].append(time.perf_counter() - t0)
        t1 = time.perf_counter()
        win.page.model.reload()
        app.processEvents()
        win.page.table.viewport().repaint()
        figures["reload"].append(time.perf_counter() - t1)
        win.page.loader.stop()
        win.close()
        win.deleteLater()
        app.processEvents()
    return figures


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 100_000
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL's server is not installed (apt-get install postgresql)")
    server = PostgresServer(bindir)
    server.start()
    app = QApplication.instance() or QApplication([])
    try:
        home = Path(tempfile.mkdtemp())
        os.environ["POSTIER_HOME"] = str(home)
        url = server.create_database("bench_live")
        open_database(url).connect().close()
        with connection.connect(url, "bench") as conn:
            assert notify_triggers.triggers_installed(conn)
        print(f"PostgreSQL {server.port} on loopback; {WRITES} writes each; machine: "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        print(f"{'commit -> NOTIFY heard by another process':50s} {ms(listener_latency(url))}")
        print(f"{'commit (other process) -> row in the table, PG':50s} "
              f"{ms(window_latency(app, url, home))}")
        lite = home / "live.sqlite3"
        open_database(lite).connect().close()
        print(f"{'commit (other process) -> row in the table, SQLite':50s} "
              f"{ms(window_latency(app, str(lite), home))}   (1 s polling)")

        os.environ.pop("POSTIER_DATABASE_URL", None)
        big_pg = server.create_database("bench_big")
        big_lite = home / "big.sqlite3"
        for target in (big_pg, str(big_lite)):
            db = open_database(target)
            t0 = time.perf_counter()
            sm.bulk_rows(db, rows)
            engine = "PostgreSQL" if "://" in target else "SQLite"
            print(f"{f'seed {rows} rows, {engine}':50s} {time.perf_counter() - t0:7.1f} s")
        for target in (str(big_lite), big_pg):
            engine = "PostgreSQL" if "://" in target else "SQLite"
            f = table_load(app, target, runs)
            print(f"{f'{rows} rows, {engine}: window -> first rows painted':50s} "
                  f"{statistics.median(f['first']) * 1000:9.1f} ms")
            print(f"{f'{rows} rows, {engine}: window -> whole view loaded':50s} "
                  f"{statistics.median(f['whole']) * 1000:9.1f} ms")
            print(f"{f'{rows} rows, {engine}: model reload (query + paint)':50s} "
                  f"{statistics.median(f['reload']) * 1000:9.1f} ms")
        # The cross-laptop figure again with the big table on screen: each change re-reads
        # the view, so this is what a colleague feels at ROWS rows.
        os.environ["POSTIER_DATABASE_URL"] = big_pg
        print(f"{f'commit -> row in the table, PG, {rows} rows':50s} "
              f"{ms(window_latency(app, big_pg, home))}")
        print(f"{f'commit -> row in the table, SQLite, {rows} rows':50s} "
              f"{ms(window_latency(app, str(big_lite), home))}   (1 s polling)")
    finally:
        server.close()


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # PySide6 6.12 can abort while tearing its objects down (bool_dealloc) after every
    # figure was printed: leave without the interpreter's teardown, as the tests do.
    os._exit(0)
