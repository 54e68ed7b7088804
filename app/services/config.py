"""Run-time settings, read once from the environment and passed around as an object.

Services never read ``os.environ`` themselves: they take a ``Settings`` so tests and
the GUI can run several configurations side by side.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

DEFAULT_ISPDB_URL = "https://autoconfig.thunderbird.net/v1.1/"
APP_NAME = "Postier"


def resources_dir() -> Path:
    """Where icons, presets and translations live (source tree or PyInstaller bundle)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


@dataclass(frozen=True)
class Settings:
    home: Path
    ispdb_url: str = DEFAULT_ISPDB_URL
    dns_server: tuple[str, int] | None = None
    ca_file: Path | None = None
    autoconfig_scheme: str = "https"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.home / "postier.sqlite3"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        home = Path(env.get("POSTIER_HOME") or platformdirs.user_data_dir(APP_NAME, False))
        dns = env.get("POSTIER_DNS")
        dns_server = None
        if dns:
            host, _, port = dns.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"POSTIER_DNS must be host:port, got {dns!r}")
            dns_server = (host.strip("[]"), int(port))
        scheme = env.get("POSTIER_AUTOCONFIG_SCHEME", "https").lower()
        if scheme not in ("https", "http"):
            raise ValueError("POSTIER_AUTOCONFIG_SCHEME must be https or http")
        ispdb = env.get("POSTIER_ISPDB_URL") or DEFAULT_ISPDB_URL
        if not ispdb.endswith("/"):
            ispdb += "/"
        ca = env.get("POSTIER_CA_FILE")
        if ca:
            _check_ca_file(ca)
        extra = {k: v for k, v in env.items() if k.startswith("POSTIER_")}
        return cls(home=home, ispdb_url=ispdb, dns_server=dns_server,
                   ca_file=Path(ca) if ca else None, autoconfig_scheme=scheme, extra=extra)


def _check_ca_file(path: str) -> None:
    """A missing or broken POSTIER_CA_FILE is a configuration error, said as such at once:
    found only at the first handshake it passed for a server fault (PROTOCOL_ERROR, "check
    that the port is really IMAP")."""
    import ssl

    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=path)
    except (OSError, ssl.SSLError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "no PEM certificate"
        raise ValueError(f"POSTIER_CA_FILE {path!r} is not a readable PEM CA bundle: "
                         f"{reason}") from None
