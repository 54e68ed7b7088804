"""The bounce lab: real MTAs on loopback write real bounces for scripted refusals.

A scripted remote MX (``LabMX``, aiosmtpd) refuses each recipient the way a real server
does for one reason (``SCENARIOS``: unknown user, full mailbox, message too big, relaying
denied, blocklisted client IP, SPF/DMARC failure, spam, greylisting until expiry…). The
MTA under test relays to it and, like in production, writes the bounce itself: its own
layout, its own DSN fields, its own wording around the remote reply. Those bounces are what
the classifier must read.

- Postfix: a ``tests.support.rig.Rig`` of its own (Debian's postfix package), relayhost
  pointed at the lab MX; bounces arrive in the sender's Dovecot maildir.
- Exim 4: Debian's exim4-daemon-light, unpacked by ``scripts/lab-mtas.sh`` into ``.lab/``
  (Debian's MTAs conflict, so it cannot be installed beside Postfix) and run with ``-C`` and a
  private config; bounces go to a local maildir.

Only the remote MX's replies are scripted (their texts follow Postfix's, Microsoft's and
Gmail's documented wording); every bounce is written by the real MTA.
"""

from __future__ import annotations

import shutil
import smtplib
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from tests.support.rig import free_port, wait_listening

ROOT = Path(__file__).resolve().parents[2]
LAB_BIN = ROOT / ".lab" / "root" / "usr" / "sbin"
LAB_DOMAIN = "lab.test"


@dataclass(frozen=True)
class Scenario:
    """One way a remote server refuses a recipient, and what the classifier must say."""

    name: str  # the recipient's local part at LAB_DOMAIN
    stage: str  # "RCPT" or "DATA": when the MX refuses
    reply: str  # the MX's reply ("{rcpt}" is replaced by the address)
    category: str
    reason: str
    status: str | None  # the enhanced status the report must carry
    slow: bool = False  # a temporary refusal: the bounce comes when the MTA gives up


SCENARIOS = [
    Scenario("unknown", "RCPT", "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown "
             "in virtual mailbox table", "hard_bounce", "user_unknown", "5.1.1"),
    Scenario("full", "RCPT", "552 5.2.2 <{rcpt}>: Mailbox full: quota exceeded",
             "soft_bounce", "mailbox_full", "5.2.2"),
    Scenario("disabled", "RCPT", "550 5.2.1 The email account that you tried to reach is "
             "disabled.", "soft_bounce", "suspend", "5.2.1"),
    Scenario("toobig", "DATA", "552 5.3.4 Message size exceeds fixed maximum message size",
             "soft_bounce", "message_too_big", "5.3.4"),
    Scenario("relay", "RCPT", "554 5.7.1 <{rcpt}>: Relay access denied", "blocked",
             "no_relaying", "5.7.1"),
    Scenario("dnsbl", "RCPT", "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked "
             "using zen.spamhaus.org; https://www.spamhaus.org/query/ip/127.0.0.1",
             "blocked", "blocked", "5.7.1"),
    Scenario("bannedip", "RCPT", "550 5.7.606 Access denied, banned sending IP [127.0.0.1]. "
             "To request removal from this list please visit https://sender.office.com/",
             "blocked", "blocked", "5.7.606"),
    Scenario("spf", "RCPT", "550 5.7.23 <{rcpt}>: Recipient address rejected: SPF validation "
             "failed: sender.example does not designate 127.0.0.1 as permitted sender",
             "blocked", "auth_failure", "5.7.23"),
    Scenario("dmarc", "DATA", "550 5.7.26 Unauthenticated email from sender.example is not "
             "accepted due to domain's DMARC policy", "blocked", "auth_failure", "5.7.26"),
    Scenario("spam", "DATA", "554 5.7.1 Message rejected as spam by content filter",
             "spam", "spam_detected", "5.7.1"),
    Scenario("virus", "DATA", "554 5.7.0 Message rejected: virus found (Eicar-Test-Signature)",
             "spam", "virus_detected", "5.7.0"),
    Scenario("greylist", "RCPT", "451 4.7.1 <{rcpt}>: Recipient address rejected: Greylisted, "
             "please try again later", "soft_bounce", "expired", None, slow=True),
]


class _Handler:
    def __init__(self) -> None:
        self.by_name = {s.name: s for s in SCENARIOS}

    def _scenario(self, address: str) -> Scenario | None:
        local, _, domain = address.lower().partition("@")
        return self.by_name.get(local) if domain == LAB_DOMAIN else None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        scenario = self._scenario(address)
        if scenario is not None and scenario.stage == "RCPT":
            return scenario.reply.format(rcpt=address)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        for address in envelope.rcpt_tos:
            scenario = self._scenario(address)
            if scenario is not None and scenario.stage == "DATA":
                return scenario.reply.format(rcpt=address)
        return "250 2.0.0 Ok: queued"


class LabMX:
    """The scripted remote MX, on 127.0.0.1 at a free port."""

    def __init__(self) -> None:
        self.port = free_port()
        self._controller = Controller(_Handler(), hostname="127.0.0.1", port=self.port,
                                      server_hostname="mx.lab.test", ready_timeout=10)

    def start(self) -> LabMX:
        self._controller.start()
        return self

    def stop(self) -> None:
        try:
            self._controller.stop()
        except Exception:  # noqa: BLE001 - already stopped
            pass


def message(sender: str, scenario: Scenario) -> tuple[str, str]:
    """(recipient, RFC 5322 text) of the lab message for one scenario."""
    rcpt = f"{scenario.name}@{LAB_DOMAIN}"
    text = (f"From: {sender}\r\nTo: {rcpt}\r\nSubject: lab {scenario.name}\r\n"
            f"Message-ID: <lab-{scenario.name}@sender.example>\r\n"
            f"Date: Wed, 02 Dec 2026 10:00:00 +0000\r\n\r\nFacture en pièce jointe.\r\n")
    return rcpt, text


def wait_for_files(folder: Path, count: int, timeout: float) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("new/*"))
        if len(files) >= count:
            return files
        time.sleep(0.2)
    return sorted(folder.glob("new/*"))


class _UnpackedMTA:
    """What the MTAs run from .lab/ share: a private root, a loopback port, the lab sender,
    bounces collected from a maildir, and a process to end."""

    SENDER = "jean@sender.example"
    PREFIX = "postier-mta-"
    MAILDIR = "mail"  # under root: where the MTA delivers the sender's bounces

    def __init__(self, mx: LabMX) -> None:
        self.mx = mx
        self.root = Path(tempfile.mkdtemp(prefix=self.PREFIX))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def send(self, scenario: Scenario) -> None:
        rcpt, text = message(self.SENDER, scenario)
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as smtp:
            smtp.sendmail(self.SENDER, [rcpt], text.encode("utf-8"))

    def bounces(self, count: int, timeout: float) -> list[bytes]:
        return [p.read_bytes() for p in wait_for_files(self.root / self.MAILDIR, count,
                                                       timeout)]

    def _end_process(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class EximLab(_UnpackedMTA):
    """Exim 4 from Debian's package, unpacked in .lab/, as a daemon on a private config."""

    PREFIX = "postier-exim-"
    MAILDIR = "mail/inbox"

    @staticmethod
    def available() -> bool:
        return (LAB_BIN / "exim4").exists()

    def _config(self) -> str:
        r = self.root
        return f"""# Exim for the Postier bounce lab (exim4 -C this file)
primary_hostname = mta.lab.example
exim_path = {LAB_BIN / 'exim4'}
spool_directory = {r}/spool
log_file_path = {r}/log/%slog
pid_file_path = {r}/exim.pid
daemon_smtp_ports = {self.port}
local_interfaces = 127.0.0.1
keep_environment =
tls_advertise_hosts =
host_lookup =
acl_smtp_rcpt = acl_rcpt
domainlist local_domains = sender.example
qualify_domain = sender.example
begin acl
acl_rcpt:
  accept
begin routers
local_user:
  driver = accept
  domains = +local_domains
  transport = local_delivery
remote:
  driver = manualroute
  domains = ! +local_domains
  route_list = * 127.0.0.1::{self.mx.port}
  self = send
  transport = remote_smtp
begin transports
remote_smtp:
  driver = smtp
  port = {self.mx.port}
local_delivery:
  driver = appendfile
  directory = {r}/mail/inbox
  maildir_format
  user = Debian-exim
begin retry
# a temporary refusal is retried for 4 s, then returned as "retry timeout exceeded"
* * F,4s,1s
"""

    def start(self) -> EximLab:
        for sub in ("spool", "log", "mail"):
            (self.root / sub).mkdir()
        conf = self.root / "exim.conf"
        conf.write_text(self._config())
        shutil.chown(self.root, "Debian-exim", "Debian-exim")
        for path in self.root.rglob("*"):
            shutil.chown(path, "Debian-exim", "Debian-exim")
        shutil.chown(conf, "root", "root")  # Exim refuses a config its user may change
        self.root.chmod(0o755)
        self.process = subprocess.Popen([str(LAB_BIN / "exim4"), "-C", str(conf), "-bdf",
                                         "-q1s"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        wait_listening([("127.0.0.1", self.port)], timeout=10)
        return self

    def log(self) -> str:
        path = self.root / "log" / "mainlog"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        self._end_process()
        # queue runners and deliveries the daemon forked outlive it: end them too
        subprocess.run(["pkill", "-f", str(self.root / "exim.conf")], check=False)
        shutil.rmtree(self.root, ignore_errors=True)


class OpenSmtpdLab(_UnpackedMTA):
    """OpenSMTPD from Debian's package, unpacked in .lab/, in the foreground (-d).

    Its spool (/var/spool/smtpd) and control socket are compiled in, so one instance runs
    on a machine at a time: ``start`` takes a lock file for the whole run.
    """

    PREFIX = "postier-smtpd-"

    def __init__(self, mx: LabMX) -> None:
        super().__init__(mx)
        self._lock: Any = None

    @staticmethod
    def available() -> bool:
        return (LAB_BIN / "smtpd").exists() and Path("/usr/libexec/opensmtpd/mail.maildir").exists()

    def _config(self) -> str:
        return f"""# OpenSMTPD for the Postier bounce lab (smtpd -f this file)
queue ttl 5s
table labusers {{ "{self.SENDER}" = "postier-lab" }}
listen on 127.0.0.1 port {self.port}
action "local" maildir "{self.root}/mail" virtual <labusers>
action "relay" relay host "smtp://127.0.0.1:{self.mx.port}"
match from any for domain "sender.example" action "local"
match from local for any action "relay"
"""

    def start(self) -> OpenSmtpdLab:
        import fcntl

        self._lock = open("/tmp/postier-opensmtpd.lock", "w")  # noqa: SIM115 - held until stop
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        (self.root / "mail").mkdir()
        shutil.chown(self.root / "mail", "postier-lab")
        self.root.chmod(0o755)
        conf = self.root / "smtpd.conf"
        conf.write_text(self._config())
        self.process = subprocess.Popen([str(LAB_BIN / "smtpd"), "-d", "-f", str(conf)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_listening([("127.0.0.1", self.port)], timeout=10)
        return self

    def stop(self) -> None:
        self._end_process()
        # the queue is the machine's: leave nothing of ours in it for the next run
        for queued in Path("/var/spool/smtpd").glob("*/*"):
            shutil.rmtree(queued, ignore_errors=True)
        shutil.rmtree(self.root, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()
