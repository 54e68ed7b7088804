"""Sent-messages table at N rows (default 100 000): load, sort, filter, live update, memory.

    .venv/bin/python benchmarks/bench_messages_table.py [ROWS]

Rows are written straight into SQLite (executemany) like the sending service would; the
figures are for the model + a real QTableView (offscreen), as the user would feel them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import message_views as mv
from app.services.storage import open_database
from app.ui.main_window import MessagesTable
from app.ui.messages_model import COLUMNS, SentMessagesModel
from tests.support import sent_messages as sm


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn, results: dict[str, float]) -> None:
    t0 = time.perf_counter()
    fn()
    results[label] = (time.perf_counter() - t0) * 1000


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = QApplication.instance() or QApplication([])
    db = open_database(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    t0 = time.perf_counter()
    sm.bulk_rows(db, rows)
    seed_s = time.perf_counter() - t0
    base_rss = rss_mb()
    model = SentMessagesModel(db)
    view = MessagesTable(model)
    view.resize(1200, 800)
    view.show()
    r: dict[str, float] = {}

    def paint() -> None:
        app.processEvents()
        view.viewport().repaint()

    timed("load (query + first paint)", lambda: (model.reload(), paint()), r)
    timed("scroll to the last row + paint", lambda: (view.scrollToBottom(), paint()), r)
    timed("sort by date ascending", lambda: (model.sort(COLUMNS.index("date"),
                                                       Qt.SortOrder.AscendingOrder), paint()), r)
    timed("sort by subject", lambda: (model.sort(COLUMNS.index("subject"),
                                                 Qt.SortOrder.AscendingOrder), paint()), r)
    timed("sort by status", lambda: (model.sort(COLUMNS.index("status"),
                                                Qt.SortOrder.DescendingOrder), paint()), r)
    timed("sort by recipient", lambda: (model.sort(COLUMNS.index("recipient"),
                                                   Qt.SortOrder.AscendingOrder), paint()), r)
    timed("filter status = hard_bounce", lambda: (model.set_filter(
        mv.ViewFilter(statuses=("hard_bounce",))), paint()), r)
    timed("filter free text 'Devis'", lambda: (model.set_filter(
        mv.ViewFilter(text="Devis")), paint()), r)
    timed("filter account + status", lambda: (model.set_filter(mv.ViewFilter(
        accounts=(sm.ACCOUNTS[0],), statuses=("delivered", "opened"))), paint()), r)
    model.set_filter(mv.ViewFilter())
    timed("data_version poll (per second)", lambda: mv.data_version(db), r)
    version = mv.data_version(db)
    rid = model.recipient_id(5)
    sm.add_event(db, rid, "replied", "reply", None, "Re: devis")

    # In the app the query runs on a worker thread; only apply + paint is on the GUI thread.
    holder: dict[str, object] = {}
    timed("live update, worker: data_version + counts", lambda: holder.update(
        counts=mv.status_counts(db, model.filter),
        changed=mv.changed_recipients(db, version[0])), r)
    timed("live update, GUI thread: apply + repaint", lambda: (model.apply(
        model.ids(), holder["counts"], changed=holder["changed"]), paint()), r)
    timed("new rows, worker: full view query", lambda: holder.update(q=model.query()), r)
    timed("new rows, GUI thread: diff + apply + repaint", lambda: (model.apply(
        *holder["q"]), paint()), r)
    timed("CSV export of the whole view", lambda: mv.export_csv(
        db, Path(tempfile.mkdtemp()) / "x.csv", delimiter=";"), r)
    print(f"rows: {rows}  (seeded in {seed_s:.1f} s)")
    for label, ms in r.items():
        print(f"{label:48s} {ms:9.1f} ms")
    print(f"{'RSS (process, after all of the above)':48s} {rss_mb():9.1f} MB")
    print(f"{'RSS added by the table (model + view)':48s} {rss_mb() - base_rss:9.1f} MB")
    print(f"{'rows cached by the model':48s} {len(model._cache):9d}")


if __name__ == "__main__":
    main()
