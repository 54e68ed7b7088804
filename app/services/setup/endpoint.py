"""A server address as the user or discovery gives it: host, port, security."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from app.services.errors import InputError

Security = Literal["ssl", "starttls", "plain"]
SECURITIES = ("ssl", "starttls", "plain")
# Common spellings users and ISPDB files use for the same thing.
_ALIASES = {"tls": "ssl", "ssl/tls": "ssl", "implicit": "ssl", "imaps": "ssl", "smtps": "ssl",
            "none": "plain", "cleartext": "plain", "start_tls": "starttls"}


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    security: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def parse(cls, text: str) -> Endpoint:
        """Parse HOST:PORT:SECURITY (IPv6 hosts in brackets)."""
        if text.startswith("["):
            host, _, rest = text[1:].partition("]")
            rest = rest.lstrip(":")
            parts = [host, *rest.split(":")]
        else:
            parts = text.split(":")
        if len(parts) != 3 or not parts[0]:
            raise InputError(f"expected HOST:PORT:SECURITY, got {text!r}")
        host, port_text, security = parts
        return cls(host=host, port=parse_port(port_text), security=parse_security(security))


def parse_port(text: str | int) -> int:
    try:
        port = int(text)
    except (TypeError, ValueError):
        raise InputError(f"port must be a number, got {text!r}") from None
    if not 0 < port < 65536:
        raise InputError(f"port must be between 1 and 65535, got {port}")
    return port


def parse_security(text: str) -> str:
    value = _ALIASES.get(text.strip().lower(), text.strip().lower())
    if value not in SECURITIES:
        raise InputError(f"security must be ssl, starttls or plain, got {text!r}")
    return value
