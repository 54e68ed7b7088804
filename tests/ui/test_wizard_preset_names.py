"""Provider names in the wizard follow its language (issue 16 item 7): presets.json gives
the names that carry words ("EU data centre", "web hosting") a per-language label, as it
does for the notes; the wizard shows the one of its language, and finds either."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.services.setup import presets
from app.services.setup.endpoint_choice import preset_endpoints

from .wizard_driver import click, make_wizard, offline_settings

FRENCH = {"ovh": "OVHcloud (MX Plan, hébergement web)",
          "zoho": "Zoho Mail (compte personnel)",
          "zoho-eu": "Zoho Mail (organisation, centre de données européen)"}
ENGLISH = {"ovh": "OVHcloud (MX Plan, web hosting)", "zoho": "Zoho Mail (personal)",
           "zoho-eu": "Zoho Mail (organisation, EU data centre)"}
NOT_FRENCH = ("data centre", "personal)", "web hosting")


@pytest.fixture()
def language(request: pytest.FixtureRequest, qtbot):  # noqa: ANN001,ANN201
    from app.ui.i18n import install_translator

    app = QApplication.instance()
    install_translator(app, request.param)
    yield request.param
    install_translator(app, "en")


def _by_id() -> dict[str, presets.Preset]:
    return {p.id: p for p in presets.load()}


def test_presets_have_a_label_per_language() -> None:
    found = _by_id()
    for key, fr in FRENCH.items():
        assert found[key].label("fr") == fr
        assert found[key].label("en") == ENGLISH[key]
        assert found[key].name == ENGLISH[key]  # the stable name (CLI) stays the English one
    for preset in found.values():  # no English words left in any French name
        assert not [w for w in NOT_FRENCH if w in preset.label("fr")], preset.id
        assert "hébergement" not in preset.label("en"), preset.id


def test_a_bad_label_is_refused(tmp_path: Path) -> None:
    raw = (Path(presets.__file__).parents[3] / "resources" / "providers" / "presets.json")
    text = raw.read_text(encoding="utf-8").replace(
        '"label": {"fr": "Zoho Mail (compte personnel)"', '"label": {"de": "Zoho Mail (privat)"')
    path = tmp_path / "presets.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(presets.PresetError, match="label"):
        presets.load(path)


@pytest.mark.parametrize("language", ["fr", "en"], indirect=True)
def test_wizard_lists_provider_names_in_its_language(qtbot, postier_env: Path,
                                                     language: str) -> None:
    wizard = make_wizard(qtbot, offline_settings(postier_env), language=language)
    page = wizard.start_page
    shown = [page.list.item(i).text() for i in range(page.list.count())]
    expected, other = (FRENCH, ENGLISH) if language == "fr" else (ENGLISH, FRENCH)
    for key in ("ovh", "zoho-eu"):
        assert expected[key] in shown and other[key] not in shown, shown
    assert (expected["zoho"] in shown) and (other["zoho"] not in shown), shown
    if language == "fr":
        assert not [t for t in shown if any(w in t for w in NOT_FRENCH)], shown
    # Typed in the other language (a support person reading an English guide), still found.
    click(qtbot, page.other)
    page.search.setText("data centre" if language == "fr" else "hébergement")  # (keyClicks
    # aborts on non-ASCII)
    visible = [page.list.item(i).text() for i in range(page.list.count())
               if not page.list.item(i).isHidden()]
    assert (expected["zoho-eu"] if language == "fr" else expected["ovh"]) in visible, visible
    # The address page names the chosen provider in the same language.
    wizard.state.preset = _by_id()["ovh"]
    choice = preset_endpoints("jean@exemple.fr", wizard.state.preset)
    text = wizard.address_page.found_text(choice, "exemple.fr")
    assert expected["ovh"] in text and other["ovh"] not in text, text
