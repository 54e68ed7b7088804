"""Thunderbird clientConfig (autoconfig / ISPDB) XML: parsing into server settings.

Format: https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat.
The same file format comes from the ISPDB, from ``autoconfig.<domain>`` and from
``<domain>/.well-known/autoconfig``. Files are fetched from servers we do not control,
so parsing is defensive: size cap, no DTD / entities (what defusedxml would refuse),
and any malformation is a ``ClientConfigError`` — never a crash.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from app.services.setup.endpoint import Endpoint

if TYPE_CHECKING:  # the parser is imported when a document is parsed (_safe_parse)
    import xml.etree.ElementTree as ET

MAX_XML_BYTES = 512 * 1024
INCOMING_PROTOCOLS = ("imap", "pop3")
_PROTOCOL_RANK = {"imap": 0, "pop3": 1, "smtp": 0}
_SOCKET_TYPES = {"ssl": "ssl", "tls": "ssl", "starttls": "starttls", "plain": "plain"}
_DEFAULT_PORTS = {("imap", "ssl"): 993, ("imap", "starttls"): 143, ("imap", "plain"): 143,
                  ("pop3", "ssl"): 995, ("pop3", "starttls"): 110, ("pop3", "plain"): 110,
                  ("smtp", "ssl"): 465, ("smtp", "starttls"): 587, ("smtp", "plain"): 587}
# Thunderbird's <authentication> values → what Postier can offer the user.
_AUTH_KINDS = {"oauth2": "oauth2", "password-cleartext": "password",
               "password-encrypted": "password", "plain": "password", "secure": "password"}


class ClientConfigError(ValueError):
    """The document is not a usable clientConfig (garbage, wrong root, no servers…)."""


@dataclass(frozen=True)
class ServerConfig:
    protocol: str  # "imap" | "pop3" | "smtp"
    host: str
    port: int
    security: str  # "ssl" | "starttls" | "plain"
    username: str

    def endpoint(self) -> Endpoint:
        return Endpoint(self.host, self.port, self.security)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ClientConfig:
    display_name: str
    domains: tuple[str, ...]
    incoming: tuple[ServerConfig, ...]
    outgoing: tuple[ServerConfig, ...]
    auth: tuple[str, ...]
    doc_url: str | None = None
    oauth2: dict[str, str] = field(default_factory=dict)
    # <enable visiturl=…><instruction lang=…>: what the user must switch on first
    # (e.g. GMX "allow POP3 & IMAP access once"), by language ("" = no lang given).
    enable_url: str | None = None
    instructions: dict[str, str] = field(default_factory=dict)


def substitute(template: str, email: str) -> str:
    """Replace Thunderbird's placeholders with the parts of ``email``."""
    local, _, domain = email.rpartition("@")
    return (template.replace("%EMAILADDRESS%", email).replace("%EMAILLOCALPART%", local)
            .replace("%EMAILDOMAIN%", domain).replace("%REALNAME%", "").strip())


def recommended_order(servers: list[ServerConfig]) -> list[ServerConfig]:
    """Never a plain server first, IMAP before POP3; otherwise keep the source's order
    (the provider lists its preferred server first)."""
    indexed = list(enumerate(servers))
    indexed.sort(key=lambda item: (item[1].security == "plain",
                                   _PROTOCOL_RANK.get(item[1].protocol, 9), item[0]))
    return [server for _, server in indexed]


def auth_list(kinds: set[str]) -> list[str]:
    """Contract order: OAuth2 first when offered, then password; password by default."""
    out: list[str] = [k for k in ("oauth2", "password") if k in kinds]
    return out or ["password"]


def _local(tag: object) -> str:
    # Tolerate namespaced documents: '{ns}incomingServer' → 'incomingServer'.
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(elem: ET.Element, name: str) -> str:
    for child in elem:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _children(elem: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in elem if _local(child.tag) == name]


def _safe_parse(data: bytes) -> ET.Element:
    if len(data) > MAX_XML_BYTES:
        raise ClientConfigError(f"document too large ({len(data)} bytes)")
    lowered = data.lower()
    # A clientConfig never needs a DTD; refusing one rules out entity expansion and
    # external entities whatever the expat version (what defusedxml's forbid_dtd does).
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise ClientConfigError("documents with a DTD are refused")
    # Here, not at import: the presets (this module's types) are listed on the wizard's
    # first page, which parses no XML (~4 ms of start-up, issue 17).
    import xml.etree.ElementTree as ET

    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise ClientConfigError(f"not well-formed XML: {exc}") from None


def _server(elem: ET.Element, protocol: str, email: str) -> tuple[ServerConfig, set[str]] | None:
    host = substitute(_child_text(elem, "hostname"), email)
    if not host or any(c.isspace() for c in host):
        return None
    socket_type = _SOCKET_TYPES.get(_child_text(elem, "socketType").lower())
    if socket_type is None:
        return None
    port_text = _child_text(elem, "port")
    try:
        port = int(port_text) if port_text else _DEFAULT_PORTS[(protocol, socket_type)]
    except ValueError:
        return None
    if not 0 < port < 65536:
        return None
    username = substitute(_child_text(elem, "username"), email) or email
    kinds = {_AUTH_KINDS[a.text.strip().lower()] for a in _children(elem, "authentication")
             if a.text and a.text.strip().lower() in _AUTH_KINDS}
    return ServerConfig(protocol, host.lower().rstrip("."), port, socket_type, username), kinds


def parse(data: bytes | str, email: str) -> ClientConfig:
    """Parse a clientConfig document for ``email`` (placeholders substituted)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    root = _safe_parse(raw)
    if _local(root.tag) != "clientConfig":
        raise ClientConfigError(f"root element is <{_local(root.tag)}>, not <clientConfig>")
    providers = _children(root, "emailProvider")
    if not providers:
        raise ClientConfigError("no <emailProvider>")
    provider = providers[0]
    incoming: list[ServerConfig] = []
    outgoing: list[ServerConfig] = []
    kinds: set[str] = set()
    for elem in _children(provider, "incomingServer"):
        protocol = (elem.get("type") or "").lower()
        if protocol not in INCOMING_PROTOCOLS:
            continue  # exchange/ews/jmap servers: not something Postier speaks
        parsed = _server(elem, protocol, email)
        if parsed:
            incoming.append(parsed[0])
            kinds |= parsed[1]
    for elem in _children(provider, "outgoingServer"):
        if (elem.get("type") or "smtp").lower() != "smtp":
            continue
        parsed = _server(elem, "smtp", email)
        if parsed:
            outgoing.append(parsed[0])
            kinds |= parsed[1]
    if not incoming and not outgoing:
        raise ClientConfigError("no usable incoming or outgoing server")
    doc_url = None
    for doc in _children(provider, "documentation"):
        url = (doc.get("url") or "").strip()
        if url.startswith(("https://", "http://")):
            doc_url = url
            break
    oauth2: dict[str, str] = {}
    for elem in _children(root, "oAuth2"):
        oauth2 = {_local(c.tag): (c.text or "").strip() for c in elem}
        break
    enable_url = None
    instructions: dict[str, str] = {}
    for elem in _children(provider, "enable"):
        url = (elem.get("visiturl") or "").strip()
        if url.startswith(("https://", "http://")):
            enable_url = enable_url or url
        for instr in _children(elem, "instruction"):
            text = " ".join((instr.text or "").split())
            if text:
                instructions.setdefault((instr.get("lang") or "").lower()[:2], text)
    return ClientConfig(
        display_name=_child_text(provider, "displayName") or (provider.get("id") or ""),
        domains=tuple(d.text.strip().lower() for d in _children(provider, "domain") if d.text),
        incoming=tuple(recommended_order(incoming)),
        outgoing=tuple(recommended_order(outgoing)),
        auth=tuple(auth_list(kinds)),
        doc_url=doc_url,
        oauth2=oauth2,
        enable_url=enable_url,
        instructions=instructions,
    )
