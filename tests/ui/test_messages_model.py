from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QLocale, QPersistentModelIndex, Qt

from app.services.history import message_views as mv
from app.services.storage import Database, open_database
from app.ui.messages_model import (
    COLUMNS,
    FAILED_BACKGROUND,
    FIRST_SCREEN,
    LiveLoader,
    RecipientIdRole,
    SentMessagesModel,
    StatusRole,
    format_date,
)
from tests.support import sent_messages as sm


@pytest.fixture()
def db(tmp_path: Path) -> Database:
    return open_database(tmp_path / "m.sqlite3")


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = open_database(tmp_path_factory.mktemp("big") / "big.sqlite3")
    sm.bulk_rows(db, 100_000)
    return db


def test_100k_rows_lazy_sort_filter(qtbot, big_db: Database) -> None:
    model = SentMessagesModel(big_db)
    t0 = time.perf_counter()
    model.reload()
    load = time.perf_counter() - t0
    assert model.rowCount() == 100_000
    # Only the pages painted are fetched: two pages after reading the first and last rows.
    assert model.data(model.index(0, 2)) and model.data(model.index(99_999, 4))
    assert len(model._cache) <= 2 * 256
    # Newest first by default.
    first, last = model.row_at(0), model.row_at(99_999)
    assert first.created_at >= last.created_at
    t0 = time.perf_counter()
    model.sort(COLUMNS.index("subject"), Qt.SortOrder.AscendingOrder)
    sort = time.perf_counter() - t0
    assert model.ids() == sm.expected_order(big_db, "subject", descending=False)
    t0 = time.perf_counter()
    model.set_filter(mv.ViewFilter(statuses=("hard_bounce",)))
    filt = time.perf_counter() - t0
    assert 0 < model.rowCount() < 100_000
    assert {model.data(model.index(r, 0), StatusRole)
            for r in range(model.rowCount())} == {"hard_bounce"}
    assert sum(model.counts.values()) == 100_000  # counters ignore the status filter
    assert load < 15 and sort < 3 and filt < 3  # loose bounds; the benchmark prints figures


def test_roles_colours_and_dates(qtbot, db: Database) -> None:
    ids = sm.demo(db)
    model = SentMessagesModel(db, lang="fr")
    model.reload()
    row = model.row_of(ids["hard_bounce"])
    assert model.data(model.index(row, 1)) == "Adresse invalide"
    assert model.data(model.index(row, 0), RecipientIdRole) == ids["hard_bounce"]
    assert model.data(model.index(row, 3), Qt.ItemDataRole.BackgroundRole).color().name() \
        == FAILED_BACKGROUND
    assert model.data(model.index(row, 1), Qt.ItemDataRole.DecorationRole) is not None
    assert "User unknown" in model.data(model.index(row, 4), Qt.ItemDataRole.ToolTipRole)
    ok = model.row_of(ids["delivered"])
    assert model.data(model.index(ok, 1), Qt.ItemDataRole.BackgroundRole) is None


def test_format_date_time_today_date_otherwise() -> None:
    locale = QLocale(QLocale.Language.French, QLocale.Country.France)
    now = datetime(2026, 3, 4, 15, 7, tzinfo=UTC).astimezone()
    assert format_date(now.isoformat(), now.date(), locale) == now.strftime("%H:%M")
    older = now - timedelta(days=3)
    assert format_date(older.isoformat(), now.date(), locale) == older.strftime("%d/%m/%Y")
    assert format_date("garbage", date.today(), locale) == "garbage"


def _select(model: SentMessagesModel, rid: int) -> QItemSelectionModel:
    sel = QItemSelectionModel(model)
    sel.setCurrentIndex(model.index(model.row_of(rid), 0),
                        QItemSelectionModel.SelectionFlag.ClearAndSelect
                        | QItemSelectionModel.SelectionFlag.Rows)
    return sel


def test_live_status_change_keeps_selection(qtbot, db: Database) -> None:
    ids = sm.demo(db)
    model = SentMessagesModel(db)
    loader = LiveLoader(model, interval_ms=50)
    with qtbot.waitSignal(model.refreshed, timeout=10_000):
        loader.start()
    sel = _select(model, ids["sent"])
    row = model.row_of(ids["sent"])
    with qtbot.waitSignal(model.dataChanged, timeout=10_000) as blocker:
        sm.add_event(db, ids["sent"], "hard_bounce", "bounce", "user_unknown", "550 5.1.1")
    assert blocker.args[0].row() <= row <= blocker.args[1].row()
    assert model.data(model.index(row, 0), StatusRole) == "hard_bounce"
    assert model.data(sel.currentIndex(), RecipientIdRole) == ids["sent"]
    assert model.counts["hard_bounce"] == 2
    loader.stop()


def test_live_new_rows_and_reorder_move_selection(qtbot, db: Database) -> None:
    ids = sm.demo(db)
    model = SentMessagesModel(db)
    model.sort(COLUMNS.index("status"), Qt.SortOrder.AscendingOrder)
    loader = LiveLoader(model, interval_ms=50)
    with qtbot.waitSignal(model.refreshed, timeout=10_000):
        loader.start()
    sel = _select(model, ids["sent"])
    keep = QPersistentModelIndex(model.index(model.row_of(ids["replied"]), 2))
    n = model.rowCount()
    with qtbot.waitSignal(model.rowsInserted, timeout=10_000):
        sm.add_message(db, sm.ACCOUNTS[0], "Nouveau", [("new@exemple.fr", "delivered")])
    assert model.rowCount() == n + 1
    # A status change that moves the row in status order: the selection follows it.
    with qtbot.waitSignal(model.layoutChanged, timeout=10_000):
        sm.add_event(db, ids["sent"], "blocked", "smtp", "blocked", "554 5.7.1")
    assert model.data(sel.currentIndex(), RecipientIdRole) == ids["sent"]
    assert model.data(sel.currentIndex(), StatusRole) == "blocked"
    assert keep.isValid() and model.data(keep, RecipientIdRole) == ids["replied"]
    # Status ascending (best outcomes first), the order worked out apart from the index.
    assert (model.sort_column, model.descending) == ("status", False)
    assert model.ids() == sm.expected_order(db, "status", descending=False)
    loader.stop()


def test_first_screen_then_whole_view_in_one_reset(qtbot, tmp_path: Path) -> None:
    """The newest rows show first; the whole view then extends them without a second
    reset (which would drop a row selected meanwhile)."""
    db = open_database(tmp_path / "first.sqlite3")
    sm.bulk_rows(db, 3000)
    model = SentMessagesModel(db)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(model.rowCount()))
    loader = LiveLoader(model, interval_ms=50)
    with qtbot.waitSignal(model.refreshed, timeout=20_000):
        loader.start()
    assert model.rowCount() == 3000 and model.ids() == mv.view_ids(db)
    assert len(resets) == 1 and resets[0] in (FIRST_SCREEN, 3000)
    assert sum(model.counts.values()) == 3000
    loader.stop()
