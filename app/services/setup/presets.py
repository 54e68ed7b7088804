"""Built-in provider presets (``resources/providers/presets.json``).

A preset gives the servers, the sign-in methods, the provider's own documentation
page and short FR/EN notes (app password needed, IMAP must be enabled…) for a mail
provider. Discovery matches them by the address's domain (gmail.com, orange.fr…) and
by MX host pattern (``*.mail.protection.outlook.com``, ``mx*.mail.ovh.net``…); the
setup wizard lists them for manual choice.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.services.config import resources_dir
from app.services.setup.clientconfig import ServerConfig, auth_list, recommended_order, substitute
from app.services.setup.endpoint import SECURITIES

PROVIDERS = ("office365", "gmail")  # the CLI contract's `provider` values
# Presets whose own sign-in page (OAuth2, setup/sign_in.py) is offered instead of a password.
# "outlook": personal Outlook.com / Hotmail / Live accounts (Microsoft's sign-in too).
OAUTH_PROVIDERS = ("office365", "gmail", "outlook")


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    domains: tuple[str, ...]
    mx_patterns: tuple[str, ...]
    incoming: tuple[ServerConfig, ...]  # templates: may hold %EMAILADDRESS% etc.
    outgoing: tuple[ServerConfig, ...]
    auth: tuple[str, ...]
    doc_url: str
    notes: dict[str, str]
    provider: str | None = None
    # The name as shown, per language, where the provider's own name carries words
    # ("EU data centre", "web hosting"): ``name`` stays the stable English one (CLI, logs).
    labels: dict[str, str] = field(default_factory=dict)

    def matches_domain(self, domain: str) -> bool:
        domain = domain.lower().rstrip(".")
        return any(fnmatch.fnmatchcase(domain, pattern) for pattern in self.domains)

    def matches_mx(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(fnmatch.fnmatchcase(host, pattern) for pattern in self.mx_patterns)

    def serves_host(self, host: str) -> bool:
        host = host.lower()
        return any(s.host.lower() == host for s in (*self.incoming, *self.outgoing)
                   if "%" not in s.host)

    def servers_for(self, email: str) -> tuple[list[ServerConfig], list[ServerConfig]]:
        """Incoming and outgoing servers with the placeholders filled in for ``email``."""
        def fill(servers: tuple[ServerConfig, ...]) -> list[ServerConfig]:
            return recommended_order([ServerConfig(s.protocol,
                                                   substitute(s.host, email).lower(),
                                                   s.port, s.security,
                                                   substitute(s.username, email) or email)
                                      for s in servers])
        return fill(self.incoming), fill(self.outgoing)

    def note(self, language: str = "en") -> str:
        return self.notes.get(language[:2]) or self.notes.get("en", "")

    def label(self, language: str = "en") -> str:
        """The provider's name in the user's language (``name`` when it has no words)."""
        return self.labels.get(language[:2]) or self.labels.get("en") or self.name

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "provider": self.provider,
                "doc_url": self.doc_url, "notes": dict(self.notes)}


class PresetError(ValueError):
    pass


def _server(raw: dict[str, Any], outgoing: bool) -> ServerConfig:
    protocol = str(raw.get("protocol", "smtp" if outgoing else "imap")).lower()
    if protocol not in (("smtp",) if outgoing else ("imap", "pop3")):
        raise PresetError(f"bad protocol {protocol!r}")
    security = str(raw["security"]).lower()
    if security not in SECURITIES:
        raise PresetError(f"bad security {security!r}")
    port = int(raw["port"])
    if not 0 < port < 65536:
        raise PresetError(f"bad port {port}")
    # Host kept as written: placeholders (%EMAILDOMAIN%) are upper case.
    return ServerConfig(protocol, str(raw["host"]).strip(), port, security,
                        str(raw.get("username", "%EMAILADDRESS%")))


def _preset(raw: dict[str, Any]) -> Preset:
    try:
        provider = raw.get("provider")
        if provider is not None and provider not in PROVIDERS:
            raise PresetError(f"bad provider {provider!r}")
        auth = [str(a) for a in raw.get("auth", ["password"])]
        if not auth or any(a not in ("oauth2", "password") for a in auth):
            raise PresetError(f"bad auth {auth!r}")
        return Preset(
            id=str(raw["id"]), name=str(raw["name"]),
            domains=tuple(str(d).lower() for d in raw.get("domains", [])),
            mx_patterns=tuple(str(p).lower() for p in raw.get("mx_patterns", [])),
            incoming=tuple(_server(s, False) for s in raw["incoming"]),
            outgoing=tuple(_server(s, True) for s in raw["outgoing"]),
            auth=tuple(auth_list(set(auth))), doc_url=str(raw["doc_url"]),
            notes={str(k): str(v) for k, v in raw.get("notes", {}).items()},
            provider=provider, labels=_labels(raw.get("label", {})))
    except (KeyError, TypeError, ValueError) as exc:
        raise PresetError(f"preset {raw.get('id', '?')!r}: {exc}") from exc


def _labels(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or any(k not in ("fr", "en") or not isinstance(v, str)
                                        or not v.strip() for k, v in raw.items()):
        raise PresetError(f"bad label {raw!r}: a non-empty text for fr and/or en")
    return {k: v.strip() for k, v in raw.items()}


def load(path: Path | None = None) -> list[Preset]:
    """Read and validate a presets file (the built-in one by default)."""
    path = path or resources_dir() / "providers" / "presets.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    items = [_preset(raw) for raw in data["presets"]]
    ids = [p.id for p in items]
    if len(ids) != len(set(ids)):
        raise PresetError("duplicate preset id")
    return items


@lru_cache(maxsize=1)
def _builtin() -> tuple[Preset, ...]:
    return tuple(load())


def presets() -> list[Preset]:
    return list(_builtin())


def preset_by_id(pid: str) -> Preset | None:
    return next((p for p in _builtin() if p.id == pid), None)


def preset_for_domain(domain: str) -> Preset | None:
    return next((p for p in _builtin() if p.matches_domain(domain)), None)


def preset_for_mx(host: str) -> Preset | None:
    return next((p for p in _builtin() if p.matches_mx(host)), None)


def preset_for_host(host: str) -> Preset | None:
    """The preset whose servers include ``host`` (to attach doc link and notes)."""
    return next((p for p in _builtin() if p.serves_host(host)), None)
