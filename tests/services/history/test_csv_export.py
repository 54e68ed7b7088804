"""CSV export: BOM and delimiter, headers and labels in the user's language, and every cell
guarded against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from app.services.history.csv_export import export_csv
from app.services.history.view_filter import ViewFilter
from app.services.history.view_index import view_ids
from app.services.storage import Database
from tests.support import sent_messages as sm


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_export_csv_bom_and_delimiter(db: Database, tmp_path: Path, delimiter: str) -> None:
    ids = sm.demo(db)
    out = tmp_path / "export.csv"
    flt = ViewFilter(accounts=(sm.ACCOUNTS[1],))
    n = export_csv(db, out, flt, delimiter=delimiter, lang="fr")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))
    assert rows[0] == ["Date", "Statut", "Code statut", "Objet", "Compte", "Destinataire",
                       "Raison", "Code raison", "Réponse du serveur", "Envoyé par"]
    assert n == len(rows) - 1 == len(view_ids(db, flt))
    by_recipient = {r[5]: r for r in rows[1:]}
    hard = by_recipient["jean.dupnt@exemple.fr"]
    assert hard[1:3] == ["Adresse invalide", "hard_bounce"]
    # The reason in the user's language, the raw code in its own column.
    assert hard[6:8] == ["L'adresse n'existe pas", "user_unknown"]
    assert "User unknown" in hard[8]
    assert ids  # demo seeded


def test_export_csv_guards_every_cell_against_formulas(db: Database, tmp_path: Path) -> None:
    """Recipient, account, subject, reply… any cell starting with = + - @ tab or CR is
    written as text (a leading apostrophe), else a spreadsheet would run it."""
    evil = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    for i, value in enumerate(evil):
        _, (rid,) = sm.add_message(db, f"{value}acct{i}@x.fr", value,
                                     [(f"{value}r{i}@x.fr", "sent")])
        sm.add_event(db, rid, "hard_bounce", "bounce", "user_unknown", value + " reply")
    out = tmp_path / "evil.csv"
    export_csv(db, out, delimiter=";", lang="en")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == len(evil) + 1
    for row in rows[1:]:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), row
        assert row[3].startswith("'") and row[4].startswith("'") and row[5].startswith("'")
        assert row[8].startswith("'")  # the server's answer
        assert row[6] == "Address does not exist" and row[7] == "user_unknown"
