"""The view index: what each filter keeps, every column's order both ways, accent-folded
search, incremental refresh, status counters, and 100k rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.services.history import message_status as mst
from app.services.history import view_index as vi
from app.services.history.message_rows import fetch_rows
from app.services.history.view_filter import SORT_COLUMNS, ViewFilter, fold
from app.services.storage import Database
from tests.support import sent_messages as sm


def test_demo_has_every_status_and_counts(db: Database) -> None:
    sm.demo(db)
    counts = vi.status_counts(db)
    assert set(counts) == set(mst.STATUSES)
    assert all(c == 1 for s, c in counts.items() if s not in ("spam",))
    assert mst.counts_summary({"hard_bounce": 3, "replied": 1}, "en") == ["1 reply",
                                                                          "3 hard bounces"]
    assert mst.count_label("hard_bounce", 3, "fr") == "3 adresses invalides"


def test_filter_by_status_account_text_and_date(db: Database) -> None:
    now = datetime.now(UTC)
    ids = sm.demo(db, now=now)
    hard = vi.view_ids(db, ViewFilter(statuses=("hard_bounce",)))
    assert hard == [ids["hard_bounce"]]
    compta = vi.view_ids(db, ViewFilter(accounts=(sm.ACCOUNTS[1],)))
    rows = fetch_rows(db, compta)
    assert rows and all(r.account == sm.ACCOUNTS[1] for r in rows.values())
    text = vi.view_ids(db, ViewFilter(text="moulin"))
    assert text == [ids["opened"]]
    # LIKE wildcards typed by the user are literal characters.
    assert vi.view_ids(db, ViewFilter(text="%")) == []
    recent = vi.view_ids(db, ViewFilter(date_from=now - timedelta(hours=8)))
    assert set(recent) == {ids["replied"], ids["hard_bounce"]}
    older = vi.view_ids(db, ViewFilter(date_to=now - timedelta(hours=8)))
    assert len(older) == len(sm.DEMO) - 2
    # Counters ignore the status part of the filter but honour the rest.
    counts = vi.status_counts(db, ViewFilter(statuses=("sent",), accounts=(sm.ACCOUNTS[1],)))
    assert sum(counts.values()) == len(compta)


def _assert_sorted(db: Database, ids: list[int], column: str, descending: bool,
                   kept: set[int] | None = None) -> None:
    """``ids`` is exactly the order worked out apart from the index (sm.expected_order),
    over every row or only the ``kept`` ones."""
    expected = sm.expected_order(db, column, descending)
    if kept is not None:
        expected = [i for i in expected if i in kept]
    assert ids and ids == expected


@pytest.mark.parametrize("column", list(SORT_COLUMNS))
def test_sort_every_column_both_ways(db: Database, column: str) -> None:
    sm.demo(db)
    for descending in (False, True):
        _assert_sorted(db, vi.view_ids(db, sort=column, descending=descending), column,
                       descending)
    with pytest.raises(ValueError):
        vi.view_ids(db, sort="id; DROP TABLE messages")


def test_status_sorts_by_severity_worst_first(db: Database) -> None:
    sm.demo(db)
    rows = fetch_rows(db, ids := vi.view_ids(db, sort="status", descending=True))
    statuses = list(dict.fromkeys(rows[i].status for i in ids))
    assert statuses[:3] == ["hard_bounce", "blocked", "spam"]
    assert statuses[-2:] == ["delivered", "opened"]
    assert set(mst.STATUS_SEVERITY) == set(mst.STATUSES)


def test_equal_subjects_are_ordered_newest_first(db: Database) -> None:
    base = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for day in (3, 1, 2):
        sm.add_message(db, sm.ACCOUNTS[0], "Devis", [(f"c{day}@x.fr", "sent")],
                       created=base + timedelta(days=day))
    sm.add_message(db, sm.ACCOUNTS[0], "avoir", [("z@x.fr", "sent")], created=base)
    for descending in (False, True):
        ids = vi.view_ids(db, sort="subject", descending=descending)
        rows = fetch_rows(db, ids)
        devis = [rows[i].recipient for i in ids if rows[i].subject == "Devis"]
        assert devis == ["c3@x.fr", "c2@x.fr", "c1@x.fr"]


def test_search_folds_case_and_accents_on_every_column(db: Database) -> None:
    _, (echeance,) = sm.add_message(db, sm.ACCOUNTS[0], "Échéancier de mars",
                                    [("a@x.fr", "sent")])
    _, (buche,) = sm.add_message(db, sm.ACCOUNTS[0], "BÛCHE de Noël", [("b@x.fr", "sent")])
    _, (oeuvre,) = sm.add_message(db, sm.ACCOUNTS[0], "Chef-d’Œuvre", [("c@x.fr", "sent")])
    _, (strasse,) = sm.add_message(db, sm.ACCOUNTS[0], "Straße 5", [("d@x.fr", "sent")])
    _, (zoe,) = sm.add_message(db, "Hélène@Boulangerie.fr", "Pain",
                               [("Zoé.Müller@exemple.fr", "sent")])

    def found(text: str) -> list[int]:
        return vi.view_ids(db, ViewFilter(text=text))

    for text in ("échéancier", "echeancier", "ECHEANCIER", "ÉCHÉANCIER", "eCHéancier"):
        assert found(text) == [echeance], text
    assert found("bûche") == found("buche") == found("Buche de noel") == [buche]
    assert found("oeuvre") == found("ŒUVRE") == found("d'oeuvre") == [oeuvre]
    assert found("strasse") == found("STRASSE") == found("straße") == [strasse]
    assert found("zoe.muller") == found("ZOÉ") == [zoe]  # recipient
    assert found("helene@boulangerie") == [zoe]  # account and sender
    assert found("moulin") == [] and found("%") == [] and found("_") == []


def test_index_follows_new_rows_and_status_changes(db: Database) -> None:
    sm.bulk_rows(db, 500)
    index = vi.index_for(db)
    index.warm()
    _, rids = sm.add_message(db, sm.ACCOUNTS[1], "Zèbre", [("new@x.fr", "sent")])
    sm.add_event(db, 10, "hard_bounce", "bounce", "user_unknown", "550 5.1.1")
    for column in SORT_COLUMNS:
        for descending in (True, False):
            fresh = vi.ViewIndex(db).query(ViewFilter(), column, descending)
            assert index.query(ViewFilter(), column, descending) == fresh
    assert vi.view_ids(db, ViewFilter(text="zebre")) == rids
    assert 10 in vi.view_ids(db, ViewFilter(statuses=("hard_bounce",)))
    assert vi.view_ids(db)[0] == rids[0]
    assert vi.first_screen_ids(db, 50) == vi.view_ids(db)[:50]


@pytest.mark.parametrize("column", list(SORT_COLUMNS))
def test_sort_with_text_search_still_sorted(db: Database, column: str) -> None:
    sm.bulk_rows(db, 2000)
    flt = ViewFilter(text="devis")
    for descending in (False, True):
        ids = vi.view_ids(db, flt, sort=column, descending=descending)
        with db.reading() as conn:  # the rows the search must find, read apart
            kept = {r[0] for r in conn.execute(
                "SELECT r.id FROM recipients r JOIN messages m ON m.id = r.message_id "
                "WHERE lower(m.subject) LIKE '%devis%'")}
        _assert_sorted(db, ids, column, descending, kept)
    counts = vi.status_counts(db, flt)
    assert sum(counts.values()) == len(ids)


def test_100k_rows_sort_and_filter_whole_views(db: Database) -> None:
    """At the table's real size: every row in the view, the subject sort in order, the
    filter keeping only what it names (the speed is benchmarks/bench_messages_table.py's)."""
    sm.bulk_rows(db, 100_000)
    ids = vi.view_ids(db)
    assert len(ids) == 100_000
    by_subject = vi.view_ids(db, sort="subject", descending=False)
    assert len(by_subject) == 100_000
    sample = by_subject[::997]
    subjects = fetch_rows(db, sample)
    folded = [fold(subjects[i].subject) for i in sample]
    assert folded == sorted(folded)
    hard = vi.view_ids(db, ViewFilter(statuses=("hard_bounce",), text="Devis"))
    assert 0 < len(hard) < 100_000
    rows = fetch_rows(db, hard[:200])
    assert all(r.status == "hard_bounce" and "Devis" in r.subject for r in rows.values())
    assert sum(vi.status_counts(db).values()) == 100_000
