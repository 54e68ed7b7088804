"""Smoke test of the packaged app: build the PyInstaller bundle with packaging/build.sh, run it.

It runs the *bundle* (not the source tree), from a directory outside the checkout and without
PYTHONPATH, so a missing data file, hidden import or shared library fails here rather than on a
user's machine. Slow (a build is ~1 min): skip it locally with POSTIER_SKIP_PACKAGING=1; it is
never skipped under CI=true.

Several test sessions share this checkout: the build happens under an exclusive lock, the
bundle is then used under a shared one, so nobody rebuilds it while another session runs these
tests.
An up-to-date bundle (same sources, same Python and PyInstaller) is reused.
"""

from __future__ import annotations

import ast
import configparser
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import IN_CI, ROOT, require_tool
from tests.support.dns_server import free_port, local_dns
from tests.support.http_server import LocalHTTP

# The first test also pays for the build (module fixture): give it room beyond the suite's
# 120 s default; each run of the bundle below has its own short timeout.
pytestmark = [pytest.mark.packaging, pytest.mark.timeout(600)]

PACKAGING = ROOT / "packaging"
DIST = PACKAGING / "dist"
WORK = PACKAGING / "build"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
NAME, VERSION = PROJECT["name"], PROJECT["version"]
BUILD_TIMEOUT = 540
# The distributor's postier.toml the test bundle ships (build.sh --config).
BUNDLED_CONFIG = ROOT / "tests" / "data" / "postier-bundle.toml"


def _deb_arch() -> str:
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "amd64"


DEB = DIST / f"{NAME}_{VERSION}_{_deb_arch()}.deb"

ISPDB_XML = """<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <displayName>Example Test Mail</displayName>
    <incomingServer type="imap">
      <hostname>imap.example.test</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.test</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""


def _source_stamp() -> str:
    """Digest of everything that goes into the bundle, and of the tools that build it."""
    import PyInstaller

    digest = hashlib.sha256(f"{sys.version}|{PyInstaller.__version__}".encode())
    files = [ROOT / "pyproject.toml", BUNDLED_CONFIG]
    for top in ("app", "resources", "packaging"):
        files += (p for p in (ROOT / top).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts
                  and not p.is_relative_to(DIST) and not p.is_relative_to(WORK))
    for path in sorted(files):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# Not shipped (the spec skips them): translation sources (.ts, .po) and helpers.
RESOURCE_SOURCES = (".ts", ".po", ".py", ".pyc", ".pro", ".sh")


def _inventory() -> dict[str, list[str]]:
    """The app modules and resource files the bundle must hold, seen when the build starts
    (others may add files to the shared checkout while it runs)."""
    return {
        "app_modules": sorted(".".join(p.relative_to(ROOT).with_suffix("").parts)
                              for p in (ROOT / "app").rglob("*.py") if p.name != "__init__.py"),
        "resources": sorted(str(p.relative_to(ROOT)) for p in (ROOT / "resources").rglob("*")
                            if p.is_file() and p.suffix not in RESOURCE_SOURCES
                            and "__pycache__" not in p.parts),
        "translations": sorted(p.with_suffix(".qm").name
                               for p in (ROOT / "resources" / "i18n").glob("*.ts")),
    }


@pytest.fixture(scope="module")
def bundle() -> Iterator[Path]:
    """packaging/dist/postier, built (or reused when up to date) by packaging/build.sh.

    Module scope (only this module uses it): the shared lock is released when these tests
    end, not when the whole suite does, so another session waits seconds, not minutes."""
    if os.environ.get("POSTIER_SKIP_PACKAGING") == "1" and not IN_CI:
        pytest.skip("POSTIER_SKIP_PACKAGING=1")
    WORK.mkdir(parents=True, exist_ok=True)
    with open(WORK / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp_file = DIST / ".source-stamp"
        stamp, inventory = _source_stamp(), _inventory()
        up_to_date = (not IN_CI and (DIST / NAME / NAME).exists() and stamp_file.exists()
                      and (DIST / NAME / "postier.toml").exists()
                      and stamp_file.read_text() == stamp
                      and (DIST / ".inventory.json").exists()
                      and DEB.exists())
        if not up_to_date:
            stamp_file.unlink(missing_ok=True)
            env = {**os.environ, "POSTIER_BUILD_LOCK_HELD": "1", "PYTHON": sys.executable}
            proc = subprocess.run(["bash", str(PACKAGING / "build.sh"), "--config",
                                   str(BUNDLED_CONFIG)], env=env, check=False,
                                  capture_output=True, text=True, timeout=BUILD_TIMEOUT)
            if proc.returncode != 0:
                pytest.fail(f"packaging/build.sh failed ({proc.returncode}):\n"
                            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
            stamp_file.write_text(stamp)
            (DIST / ".inventory.json").write_text(json.dumps(inventory))
        # Readers share the lock: another session may reuse the bundle, not rebuild it.
        fcntl.flock(lock, fcntl.LOCK_SH)
        yield DIST / NAME


def _bundle_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user: no source tree on the path, no test keyring module."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHON_KEYRING_BACKEND", "PYTHONHOME")}
    env.update({"POSTIER_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra})
    return env


def _run(bundle: Path, args: list[str], cwd: Path, env: dict[str, str],
         timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bundle / NAME), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def test_bundle_prints_the_pyproject_version(bundle: Path, tmp_path: Path) -> None:
    proc = _run(bundle, ["--version"], tmp_path, _bundle_env(tmp_path / "home"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"postier {VERSION}"


def test_bundle_discovers_from_a_local_ispdb(bundle: Path, tmp_path: Path) -> None:
    http = LocalHTTP().start()
    http.route("/ispdb/example.test", ISPDB_XML)
    try:
        with local_dns("") as dns:  # every other name: NXDOMAIN, nothing leaves loopback
            env = _bundle_env(tmp_path / "home", POSTIER_ISPDB_URL=f"{http.base_url}/ispdb/",
                              POSTIER_AUTOCONFIG_SCHEME="http", POSTIER_DNS=dns.address)
            proc = _run(bundle, ["discover", "x@example.test", "--json", "--timeout", "10"],
                        tmp_path, env)
    finally:
        http.stop()
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)
    assert "/ispdb/example.test" in http.requests
    assert result["source"] == "ispdb"
    incoming, outgoing = result["incoming"][0], result["outgoing"][0]
    assert (incoming["host"], incoming["port"], incoming["security"]) == (
        "imap.example.test", 993, "ssl")
    assert (outgoing["host"], outgoing["port"], outgoing["security"]) == (
        "smtp.example.test", 465, "ssl")
    assert incoming["username"] == "x@example.test"  # %EMAILADDRESS% substituted


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """A private X server (Xvfb picks a free display number and tells us through a pipe)."""
    xvfb = require_tool("Xvfb")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", "1280x800x24",
                               "-nolisten", "tcp"], pass_fds=(write_fd,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            number = pipe.readline().strip().decode()
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _run_gui(bundle: Path, tmp_path: Path, home: Path | None = None,
             **extra: str) -> list[tuple[str, str]]:
    """Start the bundled GUI (by default with a fresh POSTIER_HOME: first start, no account);
    the (class, title) of each window shown. It must exit by itself: a hang fails."""
    home = home or tmp_path / f"fresh-home-{len(list(tmp_path.iterdir()))}"
    proc = _run(bundle, [], tmp_path, _bundle_env(home, POSTIER_EXIT_AFTER="3", **extra),
                timeout=60)
    assert proc.returncode == 0, proc.stderr
    before_quit, marker, _after = proc.stderr.partition("postier: exit after")
    assert marker, f"the GUI never reached its event loop: {proc.stderr}"
    for sign in ("Traceback", "ModuleNotFoundError", "ImportError", "No such file"):
        assert sign not in proc.stderr, proc.stderr
    windows = []
    for line in before_quit.splitlines():
        if "postier: window shown: " in line:
            cls, _, title = line.split("postier: window shown: ", 1)[1].partition(" ")
            windows.append((cls, ast.literal_eval(title)))
    return windows


@pytest.mark.parametrize("platform", ["offscreen", "xcb"])
def test_bundle_gui_starts_and_shows_the_wizard(bundle: Path, tmp_path: Path, platform: str,
                                                request: pytest.FixtureRequest) -> None:
    """offscreen: no display needed; xcb: the plugin users get on X11, with the xcb libraries
    and GL integrations from the bundle, on a real (virtual) X server."""
    extra = {"QT_QPA_PLATFORM": platform, "LANG": "C.UTF-8"}
    if platform == "xcb":
        extra["DISPLAY"] = request.getfixturevalue("xvfb_display")
    windows = _run_gui(bundle, tmp_path, **extra)
    # A fresh home has no account: the first window is the setup wizard (app/ui/main.py falls
    # back to the main window when the wizard fails to import, which would hide a bad bundle).
    assert [cls for cls, _title in windows if "Wizard" in cls], windows


def test_bundle_gui_opens_the_main_window_when_an_account_exists(bundle: Path,
                                                                  tmp_path: Path) -> None:
    """The other first window: sent-messages table, watchers and notifier start (their
    servers are unreachable, and the system keyring has no password) and stop on exit."""
    from app.services.storage import Account, AccountStore, open_database

    home = tmp_path / "home"
    home.mkdir()
    closed_port = free_port()
    AccountStore(open_database(home / "postier.sqlite3")).add(Account(
        email="jean@example.test", username="jean@example.test", imap_host="127.0.0.1",
        imap_port=closed_port, imap_security="ssl", smtp_host="127.0.0.1",
        smtp_port=closed_port, smtp_security="ssl"))
    windows = _run_gui(bundle, tmp_path, home=home, LANG="C.UTF-8")
    assert [cls for cls, _title in windows if "MainWindow" in cls], windows


def _french(context: str, source: str) -> str | None:
    ts = ET.parse(ROOT / "resources" / "i18n" / "postier_fr.ts")
    for ctx in ts.getroot().iter("context"):
        if ctx.findtext("name") == context:
            for message in ctx.iter("message"):
                if message.findtext("source") == source:
                    return message.findtext("translation")
    return None


def test_bundle_gui_speaks_french_on_a_french_system(bundle: Path, tmp_path: Path) -> None:
    """The compiled translation is in the bundle and found at run time."""
    inventory = json.loads((DIST / ".inventory.json").read_text())
    if "postier_fr.qm" not in inventory["translations"]:
        pytest.fail("resources/i18n/postier_fr.ts is missing: the app is for French users")
    english = _run_gui(bundle, tmp_path, LANG="C.UTF-8", LC_ALL="C.UTF-8", LANGUAGE="")
    french = _run_gui(bundle, tmp_path, LANG="fr_FR.UTF-8", LC_ALL="fr_FR.UTF-8", LANGUAGE="fr")
    cls, title = next((c, t) for c, t in english if "Wizard" in c)
    expected = _french(cls, title)
    assert expected, f"no French translation of the {cls} title {title!r} in postier_fr.ts"
    assert (cls, expected) in french


def test_bundle_holds_resources_and_runtime_imports(bundle: Path) -> None:
    from PyInstaller.archive.readers import CArchiveReader

    internal = bundle / "_internal"
    inventory = json.loads((DIST / ".inventory.json").read_text())
    bundled = {str(p.relative_to(internal)) for p in (internal / "resources").rglob("*")
               if p.is_file()}
    assert set(inventory["resources"]) - bundled == set()
    for qm in inventory["translations"]:  # every translation source, compiled
        assert (internal / "resources" / "i18n" / qm).exists()
    assert (internal / "resources" / "icons" / "postier.png").exists()
    # The services' gettext catalogue (app/services/translation.py), as committed.
    assert (internal / "resources" / "locale" / "fr" / "LC_MESSAGES" / "postier.mo").exists()
    assert (internal / f"{NAME}-{VERSION}.dist-info" / "METADATA").exists()

    pyz = CArchiveReader(str(bundle / NAME)).open_embedded_archive("PYZ.pyz")
    modules = set(pyz.toc)
    dynamic = ["keyring.backends.SecretService", "keyring.backends.kwallet",
               "keyring.backends.Windows", "keyring.backends.macOS", "keyring.backends.chainer",
               "keyring.backends.fail", "dns.rdtypes.ANY.MX", "dns.rdtypes.ANY.TXT",
               "dns.rdtypes.IN.SRV", "dns.rdtypes.IN.A", "dns.rdtypes.IN.AAAA",
               "dns.rdtypes.ANY.PTR", "imapclient", "authlib.integrations.requests_client",
               "cryptography.x509"]
    app_modules = inventory["app_modules"]
    assert [m for m in dynamic + app_modules if m not in modules] == []


def test_bundle_leaves_out_unused_qt_and_misses_no_library(bundle: Path) -> None:
    from PyInstaller.depend import bindepend, dylib

    internal = bundle / "_internal"
    files = [p for p in internal.rglob("*") if p.is_file()]
    names = {p.name for p in internal.rglob("*")}
    unwanted = ("Qt6Qml", "Qt6Quick", "Qt6WebEngine", "Qt6Network", "Qt63D", "Qt6Multimedia",
                "Qt6Pdf", "Qt6Designer", "Qt6OpenGL")
    assert [p.name for p in files if any(u in p.name for u in unwanted)] == []
    # Every library in the bundle finds its dependencies in the bundle, except the ones
    # PyInstaller leaves to the system on purpose (libc, libGL, Wayland...). Catches over-pruning
    # in the spec's DROP_LIBS.
    missing = sorted({(need, lib.name) for lib in files if ".so" in lib.name
                      for need, _path in bindepend.get_imports(str(lib))
                      if need not in names and dylib.include_library(need)})
    assert missing == []
    # On disk: the symlinks PyInstaller makes (_internal/libQt6Core.so.6 -> PySide6/Qt/lib/...)
    # are not second copies (tar and dpkg keep them as links).
    size_mb = sum(p.stat().st_size for p in [*files, bundle / NAME] if not p.is_symlink()) / 1e6
    # Issue 17: <= 120 MB for the whole folder, executable included (ICU data trimmed to what
    # Qt calls in French and English, no GL plugins, shared objects stripped).
    assert size_mb <= 120, f"bundle grew to {size_mb:.0f} MB: did a big Qt module slip in?"


def test_linux_packages_install_the_bundle_with_menu_entry_and_icon(bundle: Path,
                                                                   tmp_path: Path) -> None:
    deb = DEB
    fields = subprocess.run(["dpkg-deb", "-f", str(deb), "Package", "Version"],
                            capture_output=True, text=True, check=True).stdout
    assert f"Package: {NAME}" in fields and f"Version: {VERSION}" in fields
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True,
                             check=True).stdout
    assert f"./opt/{NAME}/{NAME}\n" in listing
    assert f"./usr/bin/{NAME} -> /opt/{NAME}/{NAME}" in listing
    assert f"./usr/share/applications/{NAME}.desktop" in listing
    assert f"./usr/share/icons/hicolor/256x256/apps/{NAME}.png" in listing
    assert f"./opt/{NAME}/postier.toml" in listing  # build.sh --config

    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # keys are case-sensitive
    desktop.read(PACKAGING / "linux" / "postier.desktop", encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"].split()[0] == NAME
    assert f"./usr/share/icons/hicolor/scalable/apps/{entry['Icon']}.svg" in listing

    # The packaged program runs from where the package puts it.
    root = tmp_path / "deb-root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    proc = _run(root / "opt" / NAME, ["--version"], tmp_path, _bundle_env(tmp_path / "home"))
    assert (proc.returncode, proc.stdout.strip()) == (0, f"postier {VERSION}"), proc.stderr

    arch = os.uname().machine
    with tarfile.open(DIST / f"{NAME}-{VERSION}-linux-{arch}.tar.gz") as tar:
        members = set(tar.getnames())
    assert {f"{NAME}/{NAME}", f"{NAME}/postier.desktop", f"{NAME}/postier.png",
            f"{NAME}/postier.toml",
            f"{NAME}/_internal/resources/icons/postier.png"} <= members


@pytest.fixture
def secret_service(tmp_path: Path) -> Iterator[object]:
    """A real Secret Service (gnome-keyring-daemon on a private session bus) for the bundle."""
    from tests.support.secret_service import SecretService

    require_tool("gnome-keyring-daemon")
    require_tool("dbus-run-session")
    service = SecretService(tmp_path / "secret-service").start()
    try:
        yield service
    finally:
        service.stop()


def test_bundle_signs_in_with_its_shipped_configuration(bundle: Path, tmp_path: Path,
                                                       oauth_rig: object, auth: object,
                                                       secret_service: object) -> None:
    """build.sh --config: the client ID comes from the postier.toml beside the executable,
    with no client-ID variable; the device-code sign-in and the XOAUTH2 check then run from
    the bundle against the local authority and Dovecot's oauth2 passdb, the tokens go into a
    real Secret Service (as on a desktop: keyring picks it, no backend variable), and the
    account then works: the bundle's tracker logs in with the stored token."""
    from tests.support.oauth_rig import OAUTH_USER
    from tests.support.oauth_server import AuthState

    auth.httpd.state = AuthState(approve_as=OAUTH_USER)  # type: ignore[attr-defined]
    env = {k: v for k, v in _bundle_env(tmp_path / "home").items()
           if not k.startswith(("POSTIER_MS_", "POSTIER_GOOGLE_", "XDG_CONFIG"))}
    env.update(secret_service.env)  # type: ignore[attr-defined]
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env["HOME"] = str(secret_service.home)  # type: ignore[attr-defined]
    env["XDG_CONFIG_HOME"] = env["XDG_CONFIG_DIRS"] = str(tmp_path / "no-config")
    rig = oauth_rig.rig  # type: ignore[attr-defined]
    env.update(POSTIER_CA_FILE=str(rig.ca_file),
               POSTIER_OAUTH_MICROSOFT_AUTHORITY=f"{auth.base_url}/tenant-1")  # type: ignore
    config = _run(bundle, ["config", "--json"], tmp_path, env)
    values = json.loads(config.stdout)["values"]
    assert values["microsoft.client_id"] == {"value": "postier-bundled-client",
                                             "source": str(bundle / "postier.toml")}
    proc = _run(bundle, ["account", "add", OAUTH_USER, "--oauth", "--device-code",
                         "--provider", "microsoft", "--timeout", "30",
                         "--imap", f"{rig.imaps.host}:{rig.imaps.port}:{rig.imaps.security}",
                         "--smtp", f"{rig.submission.host}:{rig.submission.port}:"
                                   f"{rig.submission.security}", "--json"], tmp_path, env)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert json.loads(proc.stderr.splitlines()[0])["user_code"] == "ABCD-EFGH"
    [device] = auth.state.devices.values()  # type: ignore[attr-defined]
    assert device["client_id"] == "postier-bundled-client"
    doc = json.loads(proc.stdout)
    assert [s["ok"] for s in doc["steps"] if s["step"] == "login"] == [True, True], doc
    assert proc.returncode == 0 and doc["stored"] is True, doc
    items = secret_service.items()  # type: ignore[attr-defined]
    assert items and {i["attributes"]["service"] for i in items} == {"Postier"}, \
        [i["label"] for i in items]
    assert (secret_service.data / "keyrings").is_dir()  # type: ignore[attr-defined]
    # The account works from what was stored: a new process, no token in the environment.
    track = _run(bundle, ["track", "--once", "--json", "--timeout", "30"], tmp_path, env)
    assert "Traceback" not in track.stderr, track.stderr
    tracked = json.loads(track.stdout)
    assert track.returncode == 0 and tracked["errors"] == [], tracked
    assert tracked["accounts"], tracked
    listed = json.loads(_run(bundle, ["account", "list", "--json"], tmp_path, env).stdout)
    assert [(a["email"], a["auth"]) for a in listed] == [(OAUTH_USER, "oauth2")], listed


# ---------------------------------------------------------------------------
# The CA run-time hook (packaging/rthooks/pyi_rth_postier_ca.py): plain-Python cases, then
# its presence in the bundle.
# ---------------------------------------------------------------------------
@pytest.fixture
def ca_hook(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    import importlib.util

    # Loading runs the hook; with SSL_CERT_FILE set it leaves this process's environment alone.
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/set-by-test.pem")
    monkeypatch.syspath_prepend(str(PACKAGING / "rthooks"))  # postier_after_import
    path = PACKAGING / "rthooks" / "pyi_rth_postier_ca.py"
    spec = importlib.util.spec_from_file_location("pyi_rth_postier_ca", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert os.environ["SSL_CERT_FILE"] == "/nonexistent/set-by-test.pem"
    return module


def test_hooks_run_deferred_work_right_after_the_first_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """postier_after_import: an action waits for its module's first import, then runs once
    the module's code has run (it may use the module); a module already imported runs it now."""
    monkeypatch.syspath_prepend(str(PACKAGING / "rthooks"))
    monkeypatch.syspath_prepend(str(tmp_path))
    import postier_after_import as hooks

    (tmp_path / "postier_late_module.py").write_text("VALUE = 42\n")
    seen: list[object] = []
    hooks.after_import("postier_late_module",
                       lambda: seen.append(sys.modules["postier_late_module"].VALUE))
    hooks.after_import("postier_late_module", lambda: seen.append("second"))
    assert seen == [] and hooks._AfterImport in sys.meta_path
    try:
        import postier_late_module  # noqa: F401
        assert seen == [42, "second"]
        assert hooks._AfterImport not in sys.meta_path  # nothing left to wait for
        hooks.after_import("json", lambda: seen.append("json"))  # already imported
        assert seen[-1] == "json"
    finally:
        sys.modules.pop("postier_late_module", None)
        if hooks._AfterImport in sys.meta_path:
            sys.meta_path.remove(hooks._AfterImport)


@pytest.mark.parametrize(("case", "environ", "platform", "has_default", "existing", "expected"), [
    ("default store present", {}, "linux", True, ["/etc/pki/tls/certs/ca-bundle.crt"], None),
    ("Fedora: Debian's path missing", {}, "linux", False,
     ["/etc/pki/tls/certs/ca-bundle.crt"], "/etc/pki/tls/certs/ca-bundle.crt"),
    ("macOS: framework path missing", {}, "darwin", False, ["/etc/ssl/cert.pem"],
     "/etc/ssl/cert.pem"),
    ("Debian bundle preferred", {}, "linux", False,
     ["/etc/ssl/cert.pem", "/etc/ssl/certs/ca-certificates.crt"],
     "/etc/ssl/certs/ca-certificates.crt"),
    ("user's SSL_CERT_FILE wins", {"SSL_CERT_FILE": "/x.pem"}, "linux", False,
     ["/etc/ssl/cert.pem"], None),
    ("user's SSL_CERT_DIR wins", {"SSL_CERT_DIR": "/certs"}, "darwin", False,
     ["/etc/ssl/cert.pem"], None),
    ("Windows reads its own store", {}, "win32", False, [], None),
])
def test_ca_hook_points_openssl_at_a_store_that_exists(ca_hook: ModuleType, case: str,
                                                       environ: dict[str, str],
                                                       platform: str, has_default: bool,
                                                       existing: list[str],
                                                       expected: str | None) -> None:
    chosen = ca_hook.ca_bundle_to_use(environ=environ, platform=platform,
                                      has_default=lambda: has_default,
                                      isfile=lambda p: p in existing)
    assert chosen == expected, case


def test_ca_hook_falls_back_to_certifi(ca_hook: ModuleType) -> None:
    import certifi

    chosen = ca_hook.ca_bundle_to_use(environ={}, platform="linux", has_default=lambda: False,
                                      isfile=lambda p: False)
    assert chosen == certifi.where() and Path(chosen).is_file()


def test_ca_hook_and_certifi_are_in_the_bundle(bundle: Path) -> None:
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(bundle / NAME))
    assert "pyi_rth_postier_ca" in archive.toc
    assert "certifi" in archive.open_embedded_archive("PYZ.pyz").toc
    assert (bundle / "_internal" / "certifi" / "cacert.pem").is_file()


def test_bundle_defers_pyinstallers_inspect_and_pkgutil_hooks(bundle: Path,
                                                              tmp_path: Path) -> None:
    """PyInstaller's inspect/pkgutil hooks run when those modules are first imported
    (pyi_rth_postier_lazy), not at every start; --version imports neither."""
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(bundle / NAME))
    scripts = [name for name, entry in archive.toc.items() if entry[-1] == "s"]
    assert "pyi_rth_postier_lazy" in scripts
    assert not {"pyi_rth_inspect", "pyi_rth_pkgutil"} & set(scripts)
    lazy = bundle / "_internal" / "pyi_lazy_rthooks"
    assert sorted(p.name for p in lazy.iterdir()) == ["pyi_rth_inspect.py", "pyi_rth_pkgutil.py"]
    # the GUI and the CLI still work once inspect and pkgutil are in use: the classify
    # command goes through dataclasses (inspect) and the whole parser
    sample = tmp_path / "bounce.eml"
    sample.write_bytes((ROOT / "tests" / "data" / "bounces" / "exim_user_unknown.eml").read_bytes())
    proc = _run(bundle, ["classify", str(sample), "--json"], tmp_path,
                _bundle_env(tmp_path / "home"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["recipients"][0]["reason"] == "user_unknown"


# ---------------------------------------------------------------------------
# Icons: the rendered files follow the SVG; the GUI loads them.
# ---------------------------------------------------------------------------
def _mean_difference(a: object, b: object) -> float:
    """Mean absolute difference per RGBA channel (0-255) of two same-sized QImages."""
    from PySide6.QtGui import QImage

    rgba = QImage.Format.Format_RGBA8888
    raw = [bytes(img.convertToFormat(rgba).constBits())  # type: ignore[attr-defined]
           for img in (a, b)]
    return sum(abs(x - y) for x, y in zip(*raw, strict=True)) / len(raw[0])


def test_rendered_icons_match_the_svg(qapp: object) -> None:
    """After editing postier.svg, packaging/render_icons.py must be run (and its output
    committed): the PNG/ICO/ICNS shipped must be what the SVG draws."""
    from PySide6.QtGui import QImage
    from PySide6.QtSvg import QSvgRenderer

    sys.path.insert(0, str(PACKAGING))
    try:
        import render_icons
    finally:
        sys.path.remove(str(PACKAGING))
    renderer = QSvgRenderer(str(render_icons.SVG))
    assert renderer.isValid()
    icons = ROOT / "resources" / "icons"
    for size in render_icons.PNG_SIZES:
        fresh = QImage.fromData(render_icons.render_png(renderer, size))
        shipped = QImage(str(icons / f"postier-{size}.png"))
        assert (shipped.width(), shipped.height()) == (size, size)
        # Not byte-equal: another Qt version may anti-alias an edge a little differently,
        # and at 16/24 px one shifted edge pixel is a large share of the image (seen once
        # in a full CI run: 1.26 at 24 px). An edited SVG moves the mean far more than that.
        limit = 1.0 if size >= 32 else 3.0
        assert _mean_difference(fresh, shipped) < limit, f"postier-{size}.png is stale"
    ico = (PACKAGING / "windows" / "postier.ico").read_bytes()
    assert ico[:4] == b"\0\0\1\0" and int.from_bytes(ico[4:6], "little") == len(
        render_icons.ICO_SIZES)
    icns = (PACKAGING / "macos" / "postier.icns").read_bytes()
    assert icns[:4] == b"icns" and int.from_bytes(icns[4:8], "big") == len(icns)
    for kind in render_icons.ICNS_TYPES:
        assert kind in icns


def test_gui_window_icon_has_every_size(qapp: object) -> None:
    from app.ui.main import WINDOW_ICON_MAX, app_icon

    sizes = sorted(s.width() for s in app_icon().availableSizes())
    sys.path.insert(0, str(PACKAGING))
    try:
        import render_icons
    finally:
        sys.path.remove(str(PACKAGING))
    # Every rendered size a window manager shows; 256/512 stay out of the window icon (on
    # X11 they cost ~15 ms at each window's show, issue 17).
    assert sizes == sorted(s for s in render_icons.PNG_SIZES if s <= WINDOW_ICON_MAX)
    assert sizes[0] <= 16 and sizes[-1] == WINDOW_ICON_MAX
