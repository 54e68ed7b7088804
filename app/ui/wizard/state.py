"""The answers the setup wizard has collected so far, shared by its pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: these services are imported by the pages that use them
    # (and not before the first window, issue 17: the start page needs none of them)
    from app.services.mail.auth import Credential
    from app.services.mail.oauth import TokenSet
    from app.services.setup.connection_check import CheckResult
    from app.services.setup.discovery import DiscoveryResult
    from app.services.setup.endpoint import Endpoint
    from app.services.setup.presets import Preset
    from app.services.storage import Account


@dataclass
class WizardState:
    """Everything the user told us so far. The password lives only here (in memory)
    until it goes to the keyring; it is never written into a widget other than the
    masked password field."""

    choice: str = "other"  # "office365" | "gmail" | "outlook" | "other" | "own"
    preset: Preset | None = None  # the provider chosen in the list, if any
    email: str = ""
    display_name: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    auth: str = "password"  # "password" | "oauth2"
    tokens: TokenSet | None = field(default=None, repr=False)
    provider: str | None = None
    imap: Endpoint | None = None
    smtp: Endpoint | None = None
    imap_pin: str | None = None
    smtp_pin: str | None = None
    manual: bool = False
    discovery: DiscoveryResult | None = None
    check: CheckResult | None = None  # the last one
    check_passed: bool = False
    signature_html: str = ""
    signature_text: str = ""
    saved: Account | None = None  # once saved
    # The account being changed when the wizard edits one: its stored password/tokens
    # are used unless a new password is typed.
    editing: Account | None = None

    def secrets(self) -> list[str]:
        """Every secret in play, for redacting diagnostics."""
        out = [self.password]
        if self.tokens is not None:
            out += [self.tokens.access_token, self.tokens.refresh_token or ""]
        return [s for s in out if s]

    def credential(self) -> Credential | None:
        from app.services.mail.auth import Credential

        if self.auth == "oauth2" and self.tokens is not None:
            return Credential(self.username or self.email, self.tokens.access_token, "oauth2")
        if self.editing is not None and not self.password:
            return None  # the stored one, read off the GUI thread (keyring, token refresh)
        return Credential(self.username or self.email, self.password, "password")
