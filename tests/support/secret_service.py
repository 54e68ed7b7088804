"""A real Secret Service for tests: gnome-keyring-daemon on a private session bus.

``SecretService(root).start()`` runs ``dbus-run-session`` with a bus configuration of its
own (no service activation: nothing on the machine is started behind the test's back, and
no password prompt window can appear), and inside it this module's ``serve`` helper, which
starts ``gnome-keyring-daemon --unlock`` with the login keyring's password on stdin and a
throwaway ``XDG_DATA_HOME``, so the login collection is created fresh and unlocked.
``with_daemon=False`` gives the same bus with no Secret Service at all.

``env`` is what a ``postier`` subprocess needs to use it through keyring's SecretService
backend. ``stop()`` closes the helper's stdin: it stops the daemon, dbus-run-session ends
the bus.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BACKEND = "keyring.backends.SecretService.Keyring"
PASSWORD = "throwaway-login-password"

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir={run}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class SecretService:
    def __init__(self, root: Path, *, with_daemon: bool = True) -> None:
        self.root = Path(root)
        self.with_daemon = with_daemon
        self.data = self.root / "data"  # the login keyring lives in data/keyrings/
        self.run = self.root / "run"
        self.home = self.root / "home"
        self.address = ""
        self._proc: subprocess.Popen[str] | None = None

    @property
    def env(self) -> dict[str, str]:
        return {"DBUS_SESSION_BUS_ADDRESS": self.address, "XDG_DATA_HOME": str(self.data),
                "XDG_RUNTIME_DIR": str(self.run), "PYTHON_KEYRING_BACKEND": BACKEND,
                "DISPLAY": "", "WAYLAND_DISPLAY": ""}

    def start(self) -> SecretService:
        for folder in (self.data, self.run, self.home):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)
        config = self.root / "bus.conf"
        config.write_text(_BUS_CONFIG.format(run=self.run))
        env = {**os.environ, "XDG_DATA_HOME": str(self.data), "XDG_RUNTIME_DIR": str(self.run),
               "HOME": str(self.home), "DISPLAY": "", "WAYLAND_DISPLAY": "",
               "PYTHONPATH": str(ROOT)}
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        self._proc = subprocess.Popen(
            [shutil.which("dbus-run-session") or "dbus-run-session",
             f"--config-file={config}", "--", sys.executable, "-m",
             "tests.support.secret_service", "serve" if self.with_daemon else "bare"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env=env, cwd=ROOT)
        line = self._proc.stdout.readline() if self._proc.stdout else ""
        if not line:
            self.stop()
            raise RuntimeError("the private Secret Service did not start")
        self.address = json.loads(line)["address"]
        return self

    def stop(self) -> None:
        if self._proc is None:
            return
        try:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def python(self, code: str) -> str:
        """Run ``code`` against this bus (secretstorage), for what the CLI cannot do."""
        out = subprocess.run([sys.executable, "-c", code], env={**os.environ, **self.env},
                             capture_output=True, text=True, timeout=30, check=True)
        return out.stdout

    def lock(self) -> None:
        self.python("import secretstorage as s; c = s.dbus_init(); "
                    "s.get_default_collection(c).lock()")

    def items(self) -> list[dict[str, str]]:
        """Every item of the default collection: label, attributes and the secret."""
        return json.loads(self.python(
            "import json, secretstorage as s; c = s.dbus_init(); col = "
            "s.get_default_collection(c); print(json.dumps([{'label': i.get_label(), "
            "'attributes': i.get_attributes(), 'secret': i.get_secret().decode()} "
            "for i in col.get_all_items()]))"))


def _serve(with_daemon: bool) -> None:
    """Inside dbus-run-session: start the daemon, say the bus address, wait for stdin EOF."""
    daemon = None
    if with_daemon:
        daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            text=True)
        assert daemon.stdin is not None
        daemon.stdin.write(PASSWORD + "\n")  # --unlock: the login keyring's password
        daemon.stdin.close()
        _wait_for_secrets()
    print(json.dumps({"address": os.environ["DBUS_SESSION_BUS_ADDRESS"]}), flush=True)
    sys.stdin.read()
    if daemon is not None:
        daemon.terminate()
        daemon.wait(timeout=10)


def _wait_for_secrets() -> None:
    import secretstorage

    for _ in range(200):  # the daemon registers org.freedesktop.secrets within ~0.1 s
        try:
            conn = secretstorage.dbus_init()
            if secretstorage.check_service_availability(conn):
                secretstorage.get_default_collection(conn)
                conn.close()
                return
            conn.close()
        except secretstorage.exceptions.SecretStorageException:
            pass
        time.sleep(0.05)
    raise RuntimeError("gnome-keyring-daemon did not register org.freedesktop.secrets")


if __name__ == "__main__":
    _serve(sys.argv[1:] == ["serve"])
