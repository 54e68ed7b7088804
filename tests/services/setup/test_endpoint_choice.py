"""Which servers the wizard tests an address with (setup/endpoint_choice.py): discovery's
answer first, the chosen provider's servers for what it did not find, only encrypted ones,
and where the servers come from (the wizard says it in words)."""

from __future__ import annotations

from app.services.setup.clientconfig import ServerConfig
from app.services.setup.discovery import DiscoveryResult
from app.services.setup.endpoint import Endpoint
from app.services.setup.endpoint_choice import (
    PRESET_SOURCE,
    choose_endpoints,
    first_secure,
    preset_endpoints,
)
from app.services.setup.presets import preset_by_id

EMAIL = "marie@dupont.fr"


def _found(incoming: list[ServerConfig], outgoing: list[ServerConfig], *,
           source: str = "autoconfig", provider: str | None = None) -> DiscoveryResult:
    return DiscoveryResult(found=True, email=EMAIL, domain="dupont.fr", provider=provider,
                           source=source, incoming=incoming, outgoing=outgoing)


IMAP = ServerConfig("imap", "mail.dupont.fr", 993, "ssl", "marie")
SMTP = ServerConfig("smtp", "smtp.dupont.fr", 587, "starttls", "marie")


def test_discovery_answer_is_used_with_its_username() -> None:
    choice = choose_endpoints(EMAIL, _found([IMAP], [SMTP]), None)
    assert choice.found
    assert choice.imap == Endpoint("mail.dupont.fr", 993, "ssl")
    assert choice.smtp == Endpoint("smtp.dupont.fr", 587, "starttls")
    assert (choice.username, choice.source, choice.preset) == ("marie", "autoconfig", None)
    assert choice.account_provider is None


def test_plain_servers_are_never_chosen() -> None:
    plain_imap = ServerConfig("imap", "mail.dupont.fr", 143, "plain", "")
    pop = ServerConfig("pop3", "pop.dupont.fr", 995, "ssl", "")
    assert first_secure([plain_imap, pop, IMAP], "imap") is IMAP
    choice = choose_endpoints(EMAIL, _found([plain_imap, pop], [SMTP]), None)
    assert not choice.found and choice.imap is None and choice.username == EMAIL


def test_nothing_found_and_no_provider_means_typing_them() -> None:
    nothing = DiscoveryResult(found=False, email=EMAIL, domain="dupont.fr")
    for result in (nothing, None):
        choice = choose_endpoints(EMAIL, result, None)
        assert not choice.found and choice.source == "" and choice.username == EMAIL


def test_chosen_provider_fills_in_what_discovery_did_not_find() -> None:
    ovh = preset_by_id("ovh")
    assert ovh is not None
    incoming, outgoing = ovh.servers_for(EMAIL)
    # Discovery found nothing: the servers are the chosen provider's, named after it.
    choice = choose_endpoints(EMAIL, None, ovh)
    assert choice.found and choice.source == PRESET_SOURCE and choice.preset is ovh
    assert choice.imap == first_secure(incoming, "imap").endpoint()  # type: ignore[union-attr]
    assert choice.account_provider == "ovh"
    assert preset_endpoints(EMAIL, ovh) == choice
    # Discovery found only the incoming server: its own, the outgoing one from the preset,
    # and the text names discovery's source and match (none here), not the preset.
    half = choose_endpoints(EMAIL, _found([IMAP], []), ovh)
    assert half.imap == Endpoint("mail.dupont.fr", 993, "ssl")
    assert half.smtp == first_secure(outgoing, "smtp").endpoint()  # type: ignore[union-attr]
    assert (half.source, half.preset, half.account_provider) == ("autoconfig", None, "ovh")


def test_hosting_provider_discovery_recognised_is_kept() -> None:
    office = preset_by_id("office365")
    result = _found([IMAP], [SMTP], source="mx", provider="office365")
    result.preset = office
    choice = choose_endpoints(EMAIL, result, preset_by_id("ovh"))
    assert choice.provider == "office365" and choice.account_provider == "office365"
    assert choice.preset is office
