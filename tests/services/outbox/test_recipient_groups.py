from __future__ import annotations

from pathlib import Path

import pytest

from app.services.outbox import recipient_groups as g
from app.services.storage import Database, open_database


@pytest.fixture()
def db(engine_target: Path | str) -> Database:
    return open_database(engine_target)  # each test on SQLite and on PostgreSQL


@pytest.mark.parametrize(("address", "ok"), [
    ("jean@exemple.fr", True), ("j.dupont+devis@sous.exemple.co.uk", True),
    ("jean@gmail", False), ("jean.exemple.fr", False), ("jean@@exemple.fr", False),
    ("jean dupont@exemple.fr", False), ("jean@-exemple.fr", False), ("a..b@exemple.fr", False),
    ("", False),
])
def test_is_valid_address(address: str, ok: bool) -> None:
    assert g.is_valid_address(address) is ok


def test_split_addresses_names_duplicates_and_typos() -> None:
    valid, invalid = g.split_addresses("a@b.fr, Jean Dupont <j@c.fr>; A@B.fr\nnot-an-address")
    assert valid == ["a@b.fr", "j@c.fr"]
    assert invalid == ["not-an-address"]


def test_group_crud(db: Database) -> None:
    grp = g.create_group(db, "Clients", [g.Member("a@b.fr", "A")])
    with pytest.raises(g.GroupError):
        g.create_group(db, "clients")
    with pytest.raises(g.GroupError):
        g.add_members(db, grp.id, [g.Member("oops")])
    g.add_members(db, grp.id, [g.Member("c@d.fr")])
    assert [m.address for m in g.get_group(db, "Clients").members] == ["a@b.fr", "c@d.fr"]
    g.remove_member(db, grp.id, "a@b.fr")
    assert [m.address for m in g.list_groups(db)[0].members] == ["c@d.fr"]
    g.delete_group(db, grp.id)
    assert g.list_groups(db) == []


def test_import_excel_fr_semicolon_bom_with_header(db: Database) -> None:
    data = ("Nom;Adresse e-mail;Ville\r\nÉlodie Ménard;elodie@exemple.fr;Lyon\r\n"
            "Sans adresse;;Paris\r\nPaul;paul@exemple.fr;Nice\r\n").encode("utf-8-sig")
    result = g.import_csv(db, "Salon", data)
    assert result.added == 2
    assert [(m.address, m.name) for m in result.group.members] == [
        ("elodie@exemple.fr", "Élodie Ménard"), ("paul@exemple.fr", "Paul")]
    assert result.skipped == [(3, "Sans adresse;;Paris")]
    # Importing again adds nothing new.
    assert g.import_csv(db, "Salon", data).added == 0


def test_import_headerless_latin1_comma(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "liste.csv"
    path.write_bytes("bob@exemple.fr,Bob\nGérard,gerard@exemple.fr\ncassé\n".encode("cp1252"))
    result = g.import_csv(db, "Vieux", path)
    assert sorted((m.address, m.name) for m in result.group.members) == [
        ("bob@exemple.fr", "Bob"), ("gerard@exemple.fr", "Gérard")]
    assert result.skipped == [(3, "cassé")]


def test_import_utf16_excel_and_garbage(db: Database) -> None:
    data = "E-mail\tNom\r\nzoe@exemple.fr\tZoé\r\n".encode("utf-16")
    result = g.import_csv(db, "Unicode", data)
    assert [(m.address, m.name) for m in result.group.members] == [("zoe@exemple.fr", "Zoé")]
    junk = bytes(range(256)) * 4
    result = g.import_csv(db, "Junk", junk)  # never raises: nothing usable is skipped
    assert result.added == 0 and result.group.members == []
