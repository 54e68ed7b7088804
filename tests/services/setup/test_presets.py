"""The built-in provider presets: every entry valid and usable, matching by domain and MX."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.setup import presets as presets_mod
from app.services.setup.endpoint import SECURITIES
from app.services.setup.presets import PresetError, preset_by_id, presets

REQUIRED_IDS = {"office365", "gmail", "outlook", "yahoo", "ovh", "orange", "free", "sfr",
                "laposte", "ionos", "gandi", "infomaniak", "o2switch", "gmx", "zoho", "icloud",
                "proton-bridge"}


def test_required_providers_present() -> None:
    assert REQUIRED_IDS <= {p.id for p in presets()}


@pytest.mark.parametrize("preset", presets(), ids=lambda p: p.id)
def test_every_preset_is_complete_and_safe(preset: presets_mod.Preset) -> None:
    assert preset.name and preset.doc_url.startswith("https://")
    assert preset.notes.get("fr") and preset.notes.get("en")
    assert preset.incoming and preset.outgoing
    incoming, outgoing = preset.servers_for("jean.dupont@exemple.fr")
    assert incoming[0].protocol == "imap"  # IMAP is the recommendation
    for server in incoming + outgoing:
        assert server.security in SECURITIES and server.security != "plain"
        assert 0 < server.port < 65536
        assert "%" not in server.host and "%" not in server.username
        assert server.host == server.host.strip().lower() and " " not in server.host
    assert all(s.protocol == "smtp" for s in outgoing)
    assert preset.auth and set(preset.auth) <= {"oauth2", "password"}
    assert preset.provider in (None, "office365", "gmail")


@pytest.mark.parametrize("domain,pid", [
    ("gmail.com", "gmail"), ("googlemail.com", "gmail"), ("outlook.fr", "outlook"),
    ("hotmail.fr", "outlook"), ("orange.fr", "orange"), ("wanadoo.fr", "orange"),
    ("free.fr", "free"), ("sfr.fr", "sfr"), ("neuf.fr", "sfr"), ("laposte.net", "laposte"),
    ("yahoo.fr", "yahoo"), ("icloud.com", "icloud"), ("gmx.fr", "gmx-com"), ("gmx.de", "gmx"),
    ("proton.me", "proton-bridge"), ("contoso.onmicrosoft.com", "office365"),
    ("GMAIL.COM", "gmail"),
])
def test_domain_match(domain: str, pid: str) -> None:
    preset = presets_mod.preset_for_domain(domain)
    assert preset is not None and preset.id == pid


@pytest.mark.parametrize("mx,pid", [
    ("contoso-fr.mail.protection.outlook.com", "office365"),
    ("aspmx.l.google.com.", "gmail"), ("smtp.google.com", "gmail"),
    ("mx1.mail.ovh.net", "ovh"), ("mx4.mail.ovh.net", "ovh"), ("mx00.ionos.fr", "ionos"),
    ("spool.mail.gandi.net", "gandi"), ("mta-gw.infomaniak.ch", "infomaniak"),
    ("mx.zoho.eu", "zoho-eu"), ("mx.zoho.com", "zoho-pro"), ("mx01.mail.icloud.com", "icloud"),
    ("hotmail-com.olc.protection.outlook.com", "outlook"),
])
def test_mx_match(mx: str, pid: str) -> None:
    preset = presets_mod.preset_for_mx(mx)
    assert preset is not None and preset.id == pid


@pytest.mark.parametrize("domain", ["exemple.fr", "notgmail.com", "gmail.com.evil.fr"])
def test_no_false_domain_match(domain: str) -> None:
    assert presets_mod.preset_for_domain(domain) is None


def test_no_false_mx_match() -> None:
    assert presets_mod.preset_for_mx("mx.exemple.fr") is None
    assert presets_mod.preset_for_mx("google.com.evil.fr") is None


def test_placeholders_and_by_id() -> None:
    free = preset_by_id("free")
    assert free is not None
    incoming, _ = free.servers_for("jean.dupont@free.fr")
    assert incoming[0].username == "jean.dupont"
    o2 = preset_by_id("o2switch")
    assert o2 is not None and o2.servers_for("a@Boulangerie.fr")[0][0].host == "mail.boulangerie.fr"
    assert preset_by_id("nope") is None
    assert presets_mod.preset_for_host("ssl0.ovh.net").id == "ovh"  # type: ignore[union-attr]
    assert o2.note("fr") != o2.note("en")


@pytest.mark.parametrize("mutation", [
    {"security": "rot13"}, {"port": 0}, {"protocol": "gopher"}, {"host": None},
])
def test_invalid_preset_file_is_refused(tmp_path: Path, mutation: dict) -> None:
    good = json.loads((Path(presets_mod.__file__).parents[3] / "resources" / "providers"
                       / "presets.json").read_text(encoding="utf-8"))
    entry = good["presets"][0]
    server = dict(entry["incoming"][0])
    server.update({k: v for k, v in mutation.items() if v is not None})
    if mutation.get("host", 1) is None:
        server.pop("host")
    entry["incoming"][0] = server
    path = tmp_path / "presets.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    with pytest.raises(PresetError):
        presets_mod.load(path)
