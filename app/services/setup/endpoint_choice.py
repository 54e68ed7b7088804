"""Which servers an address is set up with: discovery's answer, else the chosen provider's.

The setup wizard shows what this module decides; it decides nothing itself. Only encrypted
servers are ever chosen (SSL/TLS or STARTTLS): a plain one found by discovery or listed by
a provider is passed over, as if it were not there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.services.setup.clientconfig import ServerConfig
from app.services.setup.endpoint import Endpoint
from app.services.setup.presets import Preset

if TYPE_CHECKING:  # the type only: discovery's DNS/HTTP machinery is not needed here
    from app.services.setup.discovery import DiscoveryResult

PRESET_SOURCE = "preset"  # the servers come from Postier's list of providers


@dataclass(frozen=True)
class EndpointChoice:
    """The servers to test an address with, and where they come from."""

    imap: Endpoint | None = None
    smtp: Endpoint | None = None
    username: str = ""  # the login name the source gives ("" until something is found)
    source: str = ""  # discovery's source name, PRESET_SOURCE, or "" when nothing was found
    # The hosting provider discovery recognised (office365, gmail…), or None.
    provider: str | None = None
    # The provider entry the servers are named after: the one discovery matched, or the
    # chosen one when its servers are used (source PRESET_SOURCE); None: say the domain.
    preset: Preset | None = None
    # The provider to record for the account when the user did not choose one.
    account_provider: str | None = None

    @property
    def found(self) -> bool:
        """Both servers are known: the account can be tested without typing them."""
        return self.imap is not None and self.smtp is not None


def first_secure(servers: Iterable[ServerConfig], protocol: str) -> ServerConfig | None:
    """The first server of ``protocol`` that is encrypted: plain ones are never offered."""
    for server in servers:
        if server.protocol == protocol and server.security in ("ssl", "starttls"):
            return server
    return None


def preset_endpoints(email: str, preset: Preset) -> EndpointChoice:
    """The chosen provider's own servers for ``email`` (Office 365, Gmail, a listed
    provider): used when discovery found nothing, or was not waited for."""
    incoming, outgoing = preset.servers_for(email)
    imap, smtp = first_secure(incoming, "imap"), first_secure(outgoing, "smtp")
    if imap is None or smtp is None:
        return EndpointChoice()
    return EndpointChoice(imap.endpoint(), smtp.endpoint(), imap.username or email,
                          PRESET_SOURCE, None, preset, preset.id)


def choose_endpoints(email: str, discovered: DiscoveryResult | None,
                     preset: Preset | None) -> EndpointChoice:
    """Discovery's servers first; a server it did not find comes from the chosen
    ``preset`` (the provider picked in the list), each one on its own. Nothing found:
    an empty choice (the user types the servers), whose username is the address."""
    imap = smtp = None
    source = ""
    if discovered is not None and discovered.found:
        imap = first_secure(discovered.incoming, "imap")
        smtp = first_secure(discovered.outgoing, "smtp")
        source = discovered.source or ""
    if (imap is None or smtp is None) and preset is not None:
        incoming, outgoing = preset.servers_for(email)
        imap = imap or first_secure(incoming, "imap")
        smtp = smtp or first_secure(outgoing, "smtp")
        source = source or PRESET_SOURCE
    if imap is None or smtp is None:
        return EndpointChoice(username=email)
    provider = discovered.provider if discovered is not None else None
    matched = discovered.preset if discovered is not None else None
    if discovered is not None and discovered.found:
        named = matched  # discovery's own answer, even when a server came from the preset
    else:
        named = preset  # nothing found: the servers are the chosen provider's
    kept = matched or preset
    return EndpointChoice(imap.endpoint(), smtp.endpoint(), imap.username or email, source,
                          provider, named, provider or (kept.id if kept is not None else None))
