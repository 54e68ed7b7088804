"""Run-time settings: the environment and the deployment file ``postier.toml``, read once
and passed around as an object.

Services never read ``os.environ`` themselves: they take a ``Settings`` so tests and
the GUI can run several configurations side by side.

Deployment options (client IDs, tenant, language, CA bundle, database) are declared once
in ``OPTIONS`` with their type, environment variable and whether they are secret; every
reader goes through ``Settings.option(key)``. Each key is looked up in order, the first
value wins (shared/CLI.md "Deployment configuration"): its environment variable → the file
named by ``POSTIER_CONFIG`` → the per-user config dir → the system config dir → the
``postier.toml`` beside the executable (inside the bundle).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.services.errors import InputError
from app.services.resources import resources_dir as resources_dir  # re-exported
from app.services.translation import available_languages

DEFAULT_ISPDB_URL = "https://autoconfig.thunderbird.net/v1.1/"
APP_NAME = "Postier"
CONFIG_NAME = "postier.toml"




# ---------------------------------------------------------------------------
# The option registry: each deployment option declared once
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    key: str  # "section.name", as in the TOML file
    env: str | None  # the environment variable that overrides every file
    default: str | None = None
    secret: bool = False  # shown as "set", never in full
    choices: tuple[str, ...] = ()  # allowed values ("" = any)
    help: str = ""


OPTIONS: dict[str, Option] = {}


def _declare(key: str, env: str | None, **kwargs: Any) -> Option:
    option = Option(key, env, **kwargs)
    OPTIONS[key] = option
    return option


_declare("microsoft.client_id", "POSTIER_MS_CLIENT_ID",
         help="Application (client) ID of the Entra ID app registration")
_declare("microsoft.tenant", "POSTIER_MS_TENANT", default="organizations",
         help="organizations | common | consumers | a tenant ID or domain")
_declare("google.client_id", "POSTIER_GOOGLE_CLIENT_ID",
         help="Client ID of the Google Cloud OAuth client (Desktop app)")
_declare("google.client_secret", "POSTIER_GOOGLE_CLIENT_SECRET", secret=True,
         help="The Desktop client's secret")
# Every language with a catalogue (resources/locale): a new language needs no code here.
_declare("app.language", None, choices=available_languages(), help="default UI language")
_declare("app.ca_file", "POSTIER_CA_FILE", help="extra PEM CA bundle (company CA)")
_declare("database.url", "POSTIER_DATABASE_URL",
         help="postgresql://… for a team database; absent = the local SQLite file")
_declare("database.display_name", "POSTIER_DISPLAY_NAME",
         help="your name in the 'sent by' column (team mode); absent = your OS login")


class ConfigError(InputError, ValueError):
    """A configuration file that does not parse, or a key with a wrong value: CLI exit 2
    CONFIG_INVALID, the GUI's start-up message. A ValueError too, so every caller that
    already reports a bad POSTIER_* setting reports this one the same way."""

    def __init__(self, path: Path | str, key: str | None, reason: str) -> None:
        where = f"{path}" + (f": key {key}" if key else "")
        super().__init__(f"{where}: {reason}", code="CONFIG_INVALID")
        self.path, self.key, self.reason = str(path), key, reason


@dataclass(frozen=True)
class ConfigFile:
    path: Path
    found: bool
    error: str | None = None
    unknown: tuple[str, ...] = ()  # keys this Postier does not know (typo, newer file)

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "found": self.found, "error": self.error,
                "unknown_keys": list(self.unknown)}


@dataclass(frozen=True)
class Resolved:
    value: str
    source: str  # a file path or an environment variable's name


@dataclass(frozen=True)
class DeployConfig:
    values: dict[str, Resolved] = field(default_factory=dict)
    files: tuple[ConfigFile, ...] = ()

    def get(self, key: str) -> str | None:
        found = self.values.get(key)
        return found.value if found else OPTIONS[key].default

    def source(self, key: str) -> str | None:
        found = self.values.get(key)
        return found.source if found else None

    def to_dict(self) -> dict[str, Any]:
        """CLI.md's ``postier config --json`` document: secrets never in full."""
        values = {key: {"value": shown(key, r.value), "source": r.source}
                  for key, r in self.values.items()}
        for key, option in OPTIONS.items():  # defaults are part of the answer, too
            if key not in values and option.default is not None:
                values[key] = {"value": option.default, "source": "default"}
        return {"values": dict(sorted(values.items())),
                "files": [f.to_dict() for f in self.files]}

    def text(self) -> str:
        lines = []
        for key, entry in self.to_dict()["values"].items():
            lines.append(f"{key} = {entry['value']}  ({entry['source']})")
        for f in self.files:
            state = "error: " + f.error if f.error else ("found" if f.found else "not found")
            lines.append(f"file {f.path}: {state}")
        return "\n".join(lines) or "(nothing configured)"


def shown(key: str, value: str) -> str:
    """A value as it may be shown: secrets as "set", a password inside a URL removed."""
    option = OPTIONS.get(key)
    if option is not None and option.secret:
        return "set" if value else ""
    parts = urlsplit(value) if "://" in value else None
    if parts is not None and parts.password:  # postgresql://user:password@host/db
        netloc = parts.netloc.replace(f":{parts.password}@", ":set@", 1)
        return parts._replace(netloc=netloc).geturl()
    return value


# Linux's folders by platformdirs' Unix rules (an absolute $XDG_… wins; else under HOME, or
# the password database's home when HOME is unset or relative; site: the first absolute
# entry of $XDG_CONFIG_DIRS, else /etc/xdg), without importing platformdirs: ~6 ms of every
# start (issue 17). tests/services/test_config.py checks them against platformdirs.
_LINUX_DIRS = {"user_config": ("XDG_CONFIG_HOME", ".config"),
               "user_data": ("XDG_DATA_HOME", ".local/share")}


def standard_dir(kind: str) -> Path:
    """Postier's ``user_config``, ``site_config`` or ``user_data`` folder: platformdirs'
    answer (``appauthor=False``), computed here on Linux."""
    if sys.platform == "linux" and not hasattr(sys, "getandroidapilevel") \
            and "ANDROID_DATA" not in os.environ:
        if kind == "site_config":
            dirs = [d for d in os.environ.get("XDG_CONFIG_DIRS", "").split(os.pathsep)
                    if os.path.isabs(d)]
            return Path(dirs[0] if dirs else "/etc/xdg") / APP_NAME
        variable, under_home = _LINUX_DIRS[kind]
        if os.path.isabs(os.environ.get(variable, "")):
            return Path(os.environ[variable]) / APP_NAME
        home = os.environ.get("HOME")
        if home is None or not os.path.isabs(home):
            import pwd

            try:
                home = pwd.getpwuid(os.getuid()).pw_dir
            except KeyError:  # no home at all: platformdirs says so
                home = ""
        if os.path.isabs(home):
            return Path(home) / under_home / APP_NAME
    import platformdirs  # Windows, macOS, anything unusual: its own rules

    return Path(getattr(platformdirs, f"{kind}_dir")(APP_NAME, False))


def config_paths(environ: dict[str, str] | os._Environ[str] | None = None) -> list[Path]:
    """The files looked at, first wins: $POSTIER_CONFIG, user, system, beside the executable."""
    env = os.environ if environ is None else environ
    paths = []
    if env.get("POSTIER_CONFIG"):
        paths.append(Path(env["POSTIER_CONFIG"]))
    paths.append(standard_dir("user_config") / CONFIG_NAME)
    paths.append(standard_dir("site_config") / CONFIG_NAME)
    if getattr(sys, "frozen", False):  # inside the bundle; a source checkout has none
        # Beside the executable (build.sh --config, the Windows installer); macOS keeps
        # data out of Contents/MacOS (code signing), so its .app has it in the bundle's
        # data folder (POSTIER_BUNDLE_CONFIG at build time, see packaging/postier.spec).
        beside = Path(sys.executable).resolve().parent / CONFIG_NAME
        paths.append(beside)
        data = getattr(sys, "_MEIPASS", None)
        if data and (Path(data) / CONFIG_NAME) != beside:
            paths.append(Path(data) / CONFIG_NAME)
    return paths


def _read_file(path: Path, required: bool) -> tuple[ConfigFile, dict[str, str]]:
    """One file's values, checked against OPTIONS. Raises ConfigError (file and key)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:  # POSTIER_CONFIG names it: a missing file is a mistake to say at once
            raise ConfigError(path, None,
                              "the file named by POSTIER_CONFIG does not exist") from None
        return ConfigFile(path, False), {}
    except OSError as exc:
        raise ConfigError(path, None, f"cannot be read ({exc.strerror or exc})") from None
    import tomllib  # only once a file exists: most starts have none (~5 ms, issue 17)

    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, None, "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"is not valid TOML ({exc})") from None
    values: dict[str, str] = {}
    unknown: list[str] = []
    for section, table in doc.items():
        if not isinstance(table, dict):
            raise ConfigError(path, section, "must be a [section] table")
        for name, value in table.items():
            key = f"{section}.{name}"
            option = OPTIONS.get(key)
            if option is None:
                # Unknown keys stop nothing (a newer file on an older Postier), but a typo
                # must not pass silently: it is listed with the file (config --json, About).
                unknown.append(key)
                continue
            if not isinstance(value, str):
                raise ConfigError(path, key, f"must be a string, not {type(value).__name__}")
            _check_value(option, value.strip(), path)
            values[key] = value.strip()
    return ConfigFile(path, True, None, tuple(sorted(unknown))), values


def _check_value(option: Option, value: str, where: Path | str) -> None:
    if option.choices and value not in option.choices:
        raise ConfigError(where, option.key, f"must be one of {', '.join(option.choices)}")
    if option.key == "app.ca_file" and value:
        problem = _ca_problem(value)
        if problem:
            raise ConfigError(where, option.key, f"{value!r} is not a readable PEM CA bundle: "
                                                 f"{problem}")


def load_deploy_config(environ: dict[str, str] | os._Environ[str] | None = None,
                       paths: list[Path] | None = None) -> DeployConfig:
    """Every option's value and where it came from. Raises ConfigError."""
    env = os.environ if environ is None else environ
    search = config_paths(env) if paths is None else paths
    named = Path(env["POSTIER_CONFIG"]) if env.get("POSTIER_CONFIG") else None
    values: dict[str, Resolved] = {}
    files = []
    for path in search:
        info, found = _read_file(path, required=path == named)
        files.append(info)
        for key, value in found.items():
            values.setdefault(key, Resolved(value, str(path)))
    for key, option in OPTIONS.items():
        if option.env and env.get(option.env):
            values[key] = Resolved(env[option.env].strip(), option.env)
    return DeployConfig(values, tuple(files))


@dataclass(frozen=True)
class Settings:
    home: Path
    ispdb_url: str = DEFAULT_ISPDB_URL
    dns_server: tuple[str, int] | None = None
    ca_file: Path | None = None
    autoconfig_scheme: str = "https"
    extra: dict[str, str] = field(default_factory=dict)
    deploy: DeployConfig = field(default_factory=DeployConfig)

    @property
    def db_path(self) -> Path:
        return self.home / "postier.sqlite3"

    @property
    def database_target(self) -> Path | str:
        """Where the data lives: the team database's URL (``database.url``, issue 19) when
        set, else this computer's SQLite file. storage.database_for opens either."""
        return self.option("database.url") or self.db_path

    def option(self, key: str) -> str | None:
        """A deployment option (see OPTIONS): environment first, then the files. Settings
        built by hand (tests, tools) may carry the variable in ``extra`` only."""
        found = self.deploy.values.get(key)
        if found is not None:
            return found.value or None
        option = OPTIONS[key]
        if option.env and self.extra.get(option.env):
            return self.extra[option.env]
        return option.default

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None,
                 config_files: list[Path] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("POSTIER_HOME") or standard_dir("user_data"))
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
            _check_ca_file(ca)  # said as INVALID_INPUT naming the variable (files: below)
        deploy = load_deploy_config(env, config_files)
        ca = deploy.get("app.ca_file")
        extra = {k: v for k, v in env.items() if k.startswith("POSTIER_")}
        return cls(home=home, ispdb_url=ispdb, dns_server=dns_server,
                   ca_file=Path(ca) if ca else None, autoconfig_scheme=scheme, extra=extra,
                   deploy=deploy)


def _ca_problem(path: str) -> str | None:
    """Why a CA bundle cannot be used, or None: a missing or broken one is a configuration
    error, said as such at once; found only at the first handshake it passed for a server
    fault (PROTOCOL_ERROR, "check that the port is really IMAP")."""
    import ssl

    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=path)
    except (OSError, ssl.SSLError, ValueError) as exc:
        return exc.strerror if isinstance(exc, OSError) and exc.strerror else "no PEM certificate"
    return None


def _check_ca_file(path: str) -> None:
    problem = _ca_problem(path)
    if problem:
        raise ValueError(f"POSTIER_CA_FILE {path!r} is not a readable PEM CA bundle: "
                         f"{problem}")
