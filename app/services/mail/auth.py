"""What a client presents to a server: a password or an OAuth2 access token.

Kept tiny and Qt-free; the ``repr`` never shows the secret so a credential that ends
up in a log line or a traceback stays harmless.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Literal

AuthKind = Literal["password", "oauth2"]


@dataclass(frozen=True)
class Credential:
    username: str
    secret: str = field(repr=False)
    kind: AuthKind = "password"

    def __repr__(self) -> str:  # never leak the secret, even in debug output
        return f"Credential(username={self.username!r}, kind={self.kind!r}, secret=<redacted>)"


def xoauth2_string(username: str, access_token: str) -> str:
    """SASL XOAUTH2 initial response (Google/Microsoft), not yet base64-encoded."""
    return f"user={username}\x01auth=Bearer {access_token}\x01\x01"


def xoauth2_b64(username: str, access_token: str) -> str:
    return base64.b64encode(xoauth2_string(username, access_token).encode()).decode()


def oauthbearer_string(username: str, access_token: str, host: str, port: int) -> str:
    """RFC 7628 OAUTHBEARER initial response, not yet base64-encoded."""
    return f"n,a={username},\x01host={host}\x01port={port}\x01auth=Bearer {access_token}\x01\x01"
