"""Real mail servers on loopback for tests and benchmarks: Dovecot, Postfix, a fake remote MX.

Follows ../shared/rig-recipe.md (verified on Debian 12) with two changes: every port is
picked free at run time, and every path lives in a fresh directory, so several test runs
can share one machine. Needs root (Dovecot/Postfix start as root and drop privileges) and
the apt packages dovecot-imapd, dovecot-lmtpd and postfix.

    rig = Rig.start()          # ~1-2 s
    ... rig.imaps, rig.submission, rig.maildir("bob@example.test") ...
    rig.stop()

Routing: ``example.test`` is delivered by Postfix over LMTP to Dovecot (Maildir under
``rig.root/mail``); every other domain is relayed to ``rig.fake_mx`` (aiosmtpd on
127.0.0.2), whose replies decide what Postfix does: a 5xx makes Postfix send a bounce
(DSN) back to the sender's Dovecot mailbox within a second.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from app.services.setup.endpoint import Endpoint

PASSWORD = "secret"
DEFAULT_USERS = {
    "alice@example.test": PASSWORD,
    "bob@example.test": PASSWORD,
    "carol@example.test": PASSWORD,
    # non-ASCII password: French users have accents in theirs
    "zoe@example.test": "mot-de-passe-été",
}
MAIL_USER = "vmail"
# The server certificate is valid for all the names the rig's endpoints are reached by.
SERVER_NAMES = ("localhost", "mail.example.test", "127.0.0.1", "127.0.0.2", "127.0.0.3")


class RigError(RuntimeError):
    pass


# ---------------------------------------------------------------------------
# Ports and processes
# ---------------------------------------------------------------------------
def free_port(host: str = "127.0.0.1") -> int:
    """A port free on ``host`` right now (the OS picks it; a tiny race remains, which
    ``Rig.start`` covers by retrying with new ports)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_listening(addresses: list[tuple[str, int]], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    pending = list(addresses)
    while pending:
        host, port = pending[0]
        try:
            with socket.create_connection((host, port), timeout=0.5):
                pending.pop(0)
                continue
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RigError(f"nothing listening on {host}:{port} after {timeout:.0f}s")
        time.sleep(0.05)


def _run(*cmd: str, check: bool = True, timeout: float = 30.0) -> subprocess.CompletedProcess:
    # Output goes through temp files, not pipes: daemons (dovecot, postfix master) inherit
    # the pipe and would keep it open, so communicate() would wait for them forever.
    with tempfile.TemporaryFile() as out:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                              check=False,
                              timeout=timeout)
        out.seek(0)
        text = out.read().decode(errors="replace")
    result = subprocess.CompletedProcess(cmd, proc.returncode, text, text)
    if check and proc.returncode != 0:
        raise RigError(f"{' '.join(cmd)} failed ({proc.returncode}): {text}")
    return result


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purposes (PID 1 here reaps lazily).
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


def _pids_named(prefix: str) -> list[int]:
    """PIDs whose command line starts with ``prefix`` (Dovecot names its children
    ``dovecot-<instance>/auth`` etc.; the instance name is unique to this rig)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmdline.startswith(prefix):
            pids.append(int(entry.name))
    return pids


def _ensure_mail_user() -> tuple[int, int]:
    """uid/gid Dovecot delivers as. Created once per machine; two test runs may race here."""
    try:
        import pwd

        entry = pwd.getpwnam(MAIL_USER)
    except KeyError:
        subprocess.run(["useradd", "-r", "-U", "-d", "/nonexistent", "-s", "/usr/sbin/nologin",
                        MAIL_USER], capture_output=True, check=False)
        import pwd

        entry = pwd.getpwnam(MAIL_USER)  # raises if useradd failed for another reason
    return entry.pw_uid, entry.pw_gid


# ---------------------------------------------------------------------------
# Fake remote MX
# ---------------------------------------------------------------------------
@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


class _MXHandler:
    """Replies like a remote MX with a few well-known failure addresses."""

    RCPT_REPLIES = {
        "nobody@remote.test": "550 5.1.1 <nobody@remote.test>: Recipient address rejected: "
                              "User unknown in virtual mailbox table",
        "full@remote.test": "452 4.2.2 <full@remote.test>: Mailbox full, try again later",
    }
    SPAM = "spam@remote.test"

    def __init__(self, messages: list[ReceivedMessage]) -> None:
        self.messages = messages

    async def handle_RCPT(self, server: Any, session: Any, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        reply = self.RCPT_REPLIES.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        # Spam is refused after the content is seen, as real filters do.
        if any(r.lower() == self.SPAM for r in envelope.rcpt_tos):
            return "554 5.7.1 Message rejected as spam by content filter"
        self.messages.append(ReceivedMessage(envelope.mail_from, list(envelope.rcpt_tos),
                                             bytes(envelope.original_content or b"")))
        return "250 2.0.0 Message accepted for delivery"


class FakeMX:
    """aiosmtpd "remote MX": nobody@remote.test → 550 5.1.1, full@remote.test → 452 4.2.2,
    spam@remote.test → 554 5.7.1 (at DATA), anything else → 250. ``messages`` keeps what
    was accepted (envelope + raw bytes)."""

    def __init__(self, host: str = "127.0.0.2", port: int = 0) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.messages: list[ReceivedMessage] = []
        self._controller = Controller(_MXHandler(self.messages), hostname=host, port=self.port,
                                      server_hostname="mx.remote.test", ready_timeout=10)

    def start(self) -> FakeMX:
        self._controller.start()
        return self

    def stop(self) -> None:
        try:
            self._controller.stop()
        except Exception:  # noqa: BLE001 - already stopped / loop gone: nothing left to free
            pass

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


# ---------------------------------------------------------------------------
# Configuration text
# ---------------------------------------------------------------------------
def _dovecot_conf(r: Path, instance: str, uid: int, ports: dict[str, int]) -> str:
    return f"""# Standalone Dovecot for the Postier test rig (does not read /etc/dovecot).
instance_name = {instance}
base_dir = {r}/dovecot/run
state_dir = {r}/dovecot/state
log_path = {r}/dovecot/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <{r}/tls/server.crt
ssl_key = <{r}/tls/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
# An IMAP process's title names its user and command ("imap [bob@… 127.0.0.1 IDLE]"): tests
# wait for a client to be in IDLE (Rig.idling) instead of sleeping and hoping.
verbose_proctitle = yes
first_valid_uid = {uid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/dovecot/passwd
}}
userdb {{
  # passwd-file as userdb too, so LMTP refuses unknown local users (550 5.1.1)
  driver = passwd-file
  args = username_format=%u {r}/dovecot/passwd
  default_fields = uid={MAIL_USER} gid={MAIL_USER} home={r}/mail/%d/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {ports['imap_starttls']}
  }}
  # Dovecot counts 127.0.0.1 -> 127.0.0.1 as secure; another local IP makes it strict.
  inet_listener imap_strict {{
    address = 127.0.0.2
    port = {ports['imap_strict']}
  }}
  inet_listener imap_nossl {{
    address = 127.0.0.3
    port = {ports['imap_plaintext']}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ports['imaps']}
    ssl = yes
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0666
  }}
}}
# No per-IP auth penalty (2, 4, 8… s after each failure): negative tests must stay fast.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0666
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@example.test
}}
# plaintext-only listener (no STARTTLS advertised): per-local-IP block
local 127.0.0.3 {{
  ssl = no
  disable_plaintext_auth = no
}}
"""


def _postfix_main(r: Path, users: dict[str, str], mx: FakeMX) -> str:
    mailboxes = ", ".join(f"{u}=ok" for u in [*users, "postmaster@example.test"])
    owners = ", ".join(f"{u}={u}" for u in users)
    return f"""# Postfix instance for the Postier test rig (postfix -c {r}/postfix ...)
compatibility_level = 3.6
queue_directory = {r}/pf-spool
data_directory = {r}/pf-data
mail_owner = postfix
setgid_group = postdrop
maillog_file = {r}/postfix/log/maillog
maillog_file_prefixes = {r}
myhostname = mail.example.test
mydomain = example.test
myorigin = example.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
biff = no
virtual_mailbox_domains = example.test
virtual_mailbox_maps = inline:{{ {mailboxes} }}
virtual_alias_maps = inline:{{ postmaster@example.test=alice@example.test,
  MAILER-DAEMON@example.test=alice@example.test }}
virtual_transport = lmtp:unix:{r}/dovecot/run/lmtp
# who may use which envelope sender on submission (SENDER_REJECTED otherwise)
smtpd_sender_login_maps = inline:{{ {owners} }}
relayhost = [{mx.host}]:{mx.port}
smtp_tls_security_level = none
smtp_host_lookup = native
disable_dns_lookups = yes
# fast retries / DSNs for tests: a 4xx is retried every ~1-2 s and returned after 10 s;
# rig.set_postfix(maximal_queue_lifetime="0") bounces a 4xx at once.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maximal_queue_lifetime = 10s
bounce_queue_lifetime = 10s
delay_warning_time = 0
smtp_connect_timeout = 5s
# no tarpit after a failed AUTH: negative tests stay fast
smtpd_error_sleep_time = 0s
smtpd_tls_cert_file = {r}/tls/server.crt
smtpd_tls_key_file = {r}/tls/server.key
smtpd_tls_security_level = may
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1
smtpd_sasl_type = dovecot
smtpd_sasl_path = {r}/dovecot/run/auth-postfix
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =
message_size_limit = 10240000
"""


# smtpd_delay_reject=no: a sender not owned by the login is refused at MAIL FROM (as
# SENDER_REJECTED), not at RCPT; client restrictions would then run at connect, so none.
_AUTH_OPTS = """  -o smtpd_sasl_auth_enable=yes
  -o smtpd_delay_reject=no
  -o smtpd_sender_restrictions=reject_sender_login_mismatch
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
"""

_MASTER_SERVICES = """pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def _postfix_master(ports: dict[str, int]) -> str:
    # chroot=n everywhere so the absolute Dovecot socket paths work.
    return (
        "# service type  private unpriv  chroot  wakeup  maxproc command + args\n"
        f"127.0.0.1:{ports['smtp_inject']} inet n  -       n       -       -       smtpd\n"
        f"127.0.0.1:{ports['submission']} inet n  -       n       -       -       smtpd\n"
        "  -o syslog_name=postfix/submission\n"
        "  -o smtpd_tls_security_level=encrypt\n"
        "  -o smtpd_tls_auth_only=yes\n"
        + _AUTH_OPTS
        + f"127.0.0.1:{ports['smtps']} inet n  -       n       -       -       smtpd\n"
        "  -o syslog_name=postfix/smtps\n"
        "  -o smtpd_tls_wrappermode=yes\n"
        + _AUTH_OPTS
        + _MASTER_SERVICES
    )


# ---------------------------------------------------------------------------
# The rig
# ---------------------------------------------------------------------------
@dataclass
class Rig:
    root: Path
    ca: trustme.CA
    ca_file: Path
    users: dict[str, str]
    imaps: Endpoint
    imap_starttls: Endpoint
    imap_strict: Endpoint
    imap_plaintext: Endpoint
    submission: Endpoint
    smtps: Endpoint
    smtp_inject: tuple[str, int]
    fake_mx: FakeMX
    instance: str
    _owns_root: bool = False
    _stopped: bool = field(default=False, repr=False)

    # -- paths -------------------------------------------------------------
    @property
    def postfix_dir(self) -> Path:
        return self.root / "postfix"

    @property
    def dovecot_conf(self) -> Path:
        return self.root / "dovecot" / "dovecot.conf"

    def maildir(self, email: str) -> Path:
        local, _, domain = email.lower().partition("@")
        return self.root / "mail" / domain / local / "Maildir"

    def maildir_messages(self, email: str) -> list[Path]:
        """Files in the user's INBOX (new/ and cur/), oldest first."""
        md = self.maildir(email)
        files = [p for sub in ("new", "cur") if (md / sub).is_dir() for p in (md / sub).iterdir()]
        return sorted(files, key=lambda p: p.stat().st_mtime)

    def wait_for_mail(self, email: str, count: int = 1, timeout: float = 10.0) -> list[Path]:
        """Wait until the user's INBOX holds at least ``count`` messages."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.maildir_messages(email)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def idling(self, email: str) -> bool:
        """Whether one of ``email``'s IMAP sessions is in IDLE now (the process title Dovecot
        gives it with verbose_proctitle: ``dovecot-<instance>/imap [<user> <ip> IDLE]``)."""
        prefix = f"dovecot-{self.instance}/imap [{email} "
        for pid in _pids_named(prefix):
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:  # gone meanwhile
                continue
            if title.decode(errors="replace").rstrip().endswith(" IDLE]"):
                return True
        return False

    def env(self) -> dict[str, str]:
        """Environment for a `postier` subprocess that must trust the rig's CA."""
        return {"POSTIER_CA_FILE": str(self.ca_file)}

    def postfix_log(self) -> str:
        path = self.postfix_dir / "log" / "maillog"
        return path.read_text(errors="replace") if path.exists() else ""

    def dovecot_log(self) -> str:
        path = self.root / "dovecot" / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- Postfix control ---------------------------------------------------
    def flush_queue(self) -> None:
        """Retry every deferred message now."""
        _run("postqueue", "-c", str(self.postfix_dir), "-f")

    def queue(self) -> str:
        return _run("postqueue", "-c", str(self.postfix_dir), "-p").stdout

    def clear_queue(self, recipient: str | None = None) -> None:
        """Delete queued mail: all of it, or only messages for ``recipient``."""
        if recipient is None:
            _run("postsuper", "-c", str(self.postfix_dir), "-d", "ALL", check=False)
            return
        for qid in self.queue_ids(recipient):
            _run("postsuper", "-c", str(self.postfix_dir), "-d", qid, check=False)

    def queue_ids(self, recipient: str) -> list[str]:
        """Queue ids of messages waiting for ``recipient`` (from `postqueue -p`)."""
        ids, current = [], None
        for line in self.queue().splitlines():
            if line and line[0].isalnum() and not line.startswith("-"):
                current = line.split()[0].rstrip("*!")
            elif current and line.strip().lower() == recipient.lower():
                ids.append(current)
        return ids

    def set_postfix(self, **params: str) -> None:
        """Change main.cf parameters and reload, e.g. ``maximal_queue_lifetime="0"``."""
        args = [f"{k}={v}" for k, v in params.items()]
        _run("postconf", "-c", str(self.postfix_dir), "-e", *args)
        _run("postfix", "-c", str(self.postfix_dir), "reload")

    # -- lifecycle ---------------------------------------------------------
    @classmethod
    def start(cls, root: Path | None = None, users: dict[str, str] | None = None,
              attempts: int = 3) -> Rig:
        """Build and start everything. ``root`` must not exist yet or be empty; by default a
        fresh world-traversable dir under /tmp (Dovecot's mail user must reach it)."""
        last: Exception | None = None
        for _ in range(attempts):
            rig = cls._start_once(root, dict(users or DEFAULT_USERS))
            try:
                rig._wait_ready()
                # A crashed script must not leave daemons behind.
                atexit.register(rig.stop)
                return rig
            except RigError as exc:  # lost a port race with another run: retry with new ports
                last = exc
                rig.stop()
        raise RigError(f"rig did not start: {last}")

    @classmethod
    def _start_once(cls, root: Path | None, users: dict[str, str]) -> Rig:
        uid, gid = _ensure_mail_user()
        owns = root is None
        if root is None:
            root = Path(tempfile.mkdtemp(prefix="postier-rig-"))
        root.mkdir(parents=True, exist_ok=True)
        # Dovecot's mail user and Postfix must traverse every parent of the rig's dirs.
        os.chmod(root, 0o755)
        r = root
        for sub in ("tls", "dovecot/run", "dovecot/state", "mail", "postfix/log", "pf-spool",
                    "pf-data"):
            (r / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(r / "dovecot", 0o755)
        os.chown(r / "mail", uid, gid)
        shutil.chown(r / "pf-data", user="postfix")

        ca = trustme.CA(organization_name="Postier rig CA")
        ca.cert_pem.write_to_path(str(r / "tls" / "ca.crt"))
        leaf = ca.issue_cert(*SERVER_NAMES, common_name="localhost")
        leaf.private_key_pem.write_to_path(str(r / "tls" / "server.key"))
        (r / "tls" / "server.crt").write_bytes(b"".join(b.bytes() for b in leaf.cert_chain_pems))
        os.chmod(r / "tls" / "server.key", 0o600)

        ports = {"imaps": free_port("127.0.0.1"), "imap_starttls": free_port("127.0.0.1"),
                 "imap_strict": free_port("127.0.0.2"), "imap_plaintext": free_port("127.0.0.3"),
                 "submission": free_port("127.0.0.1"), "smtps": free_port("127.0.0.1"),
                 "smtp_inject": free_port("127.0.0.1")}
        instance = "rig" + uuid.uuid4().hex[:10]
        mx = FakeMX("127.0.0.2").start()

        (r / "dovecot" / "passwd").write_text(
            "".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in users.items()))
        (r / "dovecot" / "dovecot.conf").write_text(_dovecot_conf(r, instance, uid, ports))
        (r / "postfix" / "main.cf").write_text(_postfix_main(r, users, mx))
        (r / "postfix" / "master.cf").write_text(_postfix_master(ports))

        rig = cls(root=r, ca=ca, ca_file=r / "tls" / "ca.crt", users=users,
                  imaps=Endpoint("127.0.0.1", ports["imaps"], "ssl"),
                  imap_starttls=Endpoint("127.0.0.1", ports["imap_starttls"], "starttls"),
                  imap_strict=Endpoint("127.0.0.2", ports["imap_strict"], "starttls"),
                  imap_plaintext=Endpoint("127.0.0.3", ports["imap_plaintext"], "plain"),
                  submission=Endpoint("127.0.0.1", ports["submission"], "starttls"),
                  smtps=Endpoint("127.0.0.1", ports["smtps"], "ssl"),
                  smtp_inject=("127.0.0.1", ports["smtp_inject"]),
                  fake_mx=mx, instance=instance, _owns_root=owns)
        try:
            _run("dovecot", "-c", str(rig.dovecot_conf))
            _run("postfix", "-c", str(rig.postfix_dir), "start")
        except (RigError, subprocess.TimeoutExpired) as exc:
            rig.stop()
            raise RigError(str(exc)) from exc
        return rig

    def _wait_ready(self) -> None:
        endpoints = [self.imaps, self.imap_starttls, self.imap_strict, self.imap_plaintext,
                     self.submission, self.smtps]
        wait_listening([(e.host, e.port) for e in endpoints] + [self.smtp_inject], timeout=10)
        # LMTP + auth sockets appear with Dovecot's services, before Postfix needs them.
        for sock in ("lmtp", "auth-postfix"):
            deadline = time.monotonic() + 5
            while not (self.root / "dovecot" / "run" / sock).exists():
                if time.monotonic() > deadline:
                    raise RigError(f"Dovecot socket {sock} missing")
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop everything this rig started (by PID) and remove its directory."""
        if self._stopped:
            return
        self._stopped = True
        # Postfix first: it holds connections to Dovecot's auth socket.
        if (self.postfix_dir / "main.cf").exists():
            _run("postfix", "-c", str(self.postfix_dir), "stop", check=False)
        pidfile = self.root / "dovecot" / "run" / "master.pid"
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
            except (ValueError, ProcessLookupError):
                pass
        self.fake_mx.stop()
        self._reap()
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def _reap(self, timeout: float = 5.0) -> None:
        """Wait for our Dovecot and Postfix processes to go; kill stragglers by PID."""
        master_pid_file = self.root / "pf-spool" / "pid" / "master.pid"
        pids = _pids_named(f"dovecot-{self.instance}") + _pids_named(f"{self.instance}/")
        try:
            pids.append(int(master_pid_file.read_text().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
        deadline = time.monotonic() + timeout
        while any(_pid_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in pids:
            if _pid_alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def __enter__(self) -> Rig:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
