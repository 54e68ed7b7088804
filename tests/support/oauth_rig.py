"""An OAuth2-enabled mail rig: the real Dovecot + Postfix of ``rig.py`` where one mailbox
signs in with XOAUTH2/OAUTHBEARER only, tokens checked against the local authorization
server (``oauth_server.py``) by Dovecot's own ``oauth2`` passdb (RFC 7662 introspection).

    auth = LocalAuthServer().start()
    orig = OAuthRig.start(auth)          # ~1-2 s
    ... orig.rig.imaps, orig.rig.submission, orig.email ...
    orig.stop(); auth.stop()

What the Dovecot auth chain does (inserted before rig.py's password passdb):

1. ``deny`` for password mechanisms (PLAIN/LOGIN) for the OAuth-only mailbox: its
   password is refused even when right, as on a tenant with basic auth turned off.
2. ``oauth2`` passdb for XOAUTH2/OAUTHBEARER: the token is introspected; the answer's
   ``username`` must equal the SASL user and ``active`` must be true.
3. per-service ``deny`` (file ``deny-imap`` / ``deny-smtp``) after a good token: the
   mailbox has IMAP or SMTP turned off. The refusal carries the provider's own words
   (``AuthState.refusals``), as Gmail/Microsoft do: IMAP says ``NO [ALERT] <text>``,
   Postfix says ``535 5.7.8 Error: authentication failed: <text>``.

Postfix authenticates through the same Dovecot (SASL ``dovecot``), so XOAUTH2 works for
submission too. Everything is set up on a started ``Rig`` and applied with a reload: no
change to rig.py's own configuration for its other users.
"""

from __future__ import annotations

import imaplib
import os
import signal
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.oauth_server import LocalAuthServer
from tests.support.rig import DEFAULT_USERS, Rig, RigError, _run

OAUTH_USER = "olivia@example.test"
# Known to the test so it can prove the password is refused even when it is right.
OAUTH_USER_PASSWORD = "secret-but-disabled"

# Texts real providers send when the mailbox has the protocol turned off.
GMAIL_IMAP_OFF = ("Your account is not enabled for IMAP use. Please visit your Gmail "
                  "settings page and enable your account for IMAP access.")
MS_SMTP_OFF = ("5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
               "for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.")


def _passdbs(d: Path) -> str:
    return f"""# --- OAuth2 (tests/support/oauth_rig.py) ---
passdb {{
  # password sign-in is off for OAuth-only mailboxes (listed in this file)
  driver = passwd-file
  args = username_format=%u {d}/password-off
  deny = yes
  mechanisms = plain login
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {d}/dovecot-oauth2.conf.ext
  result_success = continue-ok
}}
passdb {{
  # good token, but IMAP (deny-imap) or SMTP (deny-smtp) is turned off for the mailbox
  driver = passwd-file
  args = username_format=%u {d}/deny-%s
  deny = yes
  mechanisms = xoauth2 oauthbearer
  skip = unauthenticated
}}
"""


def _oauth2_ext(auth: LocalAuthServer) -> str:
    return f"""introspection_mode = post
introspection_url = {auth.introspection_url}
username_attribute = username
active_attribute = active
active_value = true
# the server's refusal text, shown to the client when a deny passdb above refuses
pass_attrs = reason=%{{oauth2:postier_refusal}}
"""


@dataclass
class OAuthRig:
    rig: Rig
    auth: LocalAuthServer
    email: str = OAUTH_USER

    @property
    def dovecot_dir(self) -> Path:
        return self.rig.root / "dovecot"

    @classmethod
    def start(cls, auth: LocalAuthServer) -> OAuthRig:
        users = {**DEFAULT_USERS, OAUTH_USER: OAUTH_USER_PASSWORD}
        rig = Rig.start(users=users)
        made = cls(rig, auth)
        try:
            made._configure()
        except BaseException:
            rig.stop()
            raise
        return made

    def _configure(self) -> None:
        d = self.dovecot_dir
        (d / "dovecot-oauth2.conf.ext").write_text(_oauth2_ext(self.auth))
        (d / "password-off").write_text(f"{self.email}:::::::\n")
        for service in ("imap", "smtp"):
            (d / f"deny-{service}").write_text("")
        conf = self.rig.dovecot_conf.read_text()
        if "passdb {" not in conf or "\nauth_mechanisms = plain login\n" not in conf:
            raise RigError("rig.py's Dovecot config changed shape: update oauth_rig.py")
        conf = conf.replace("passdb {", _passdbs(d) + "passdb {", 1)
        conf = conf.replace("\nauth_mechanisms = plain login\n",
                            "\nauth_mechanisms = plain login xoauth2 oauthbearer\n")
        self.rig.dovecot_conf.write_text(conf)
        _run("dovecot", "-c", str(self.rig.dovecot_conf), "-n")  # refuse a broken config early
        pid = int((d / "run" / "master.pid").read_text().strip())
        os.kill(pid, signal.SIGHUP)
        self._wait_for_xoauth2()
        # smtpd processes cache Dovecot's mechanism list: start fresh ones
        _run("postfix", "-c", str(self.rig.postfix_dir), "reload")

    def _wait_for_xoauth2(self, timeout: float = 10.0) -> None:
        ctx = ssl.create_default_context(cafile=str(self.rig.ca_file))
        deadline = time.monotonic() + timeout
        while True:
            try:
                imap = imaplib.IMAP4_SSL(self.rig.imaps.host, self.rig.imaps.port,
                                         ssl_context=ctx, timeout=2)
                caps = imap.capabilities
                imap.logout()
                if "AUTH=XOAUTH2" in caps:
                    return
            except (OSError, imaplib.IMAP4.error):
                pass
            if time.monotonic() > deadline:
                raise RigError("Dovecot did not offer XOAUTH2 after the reload")
            time.sleep(0.1)

    # -- per-mailbox switches ------------------------------------------------
    def set_access(self, *, imap: bool = True, smtp: bool = True,
                   refusal: str | None = None) -> None:
        """Turn IMAP / SMTP on or off for the OAuth mailbox, as an administrator would.
        ``refusal`` is the server's text shown with the refusal."""
        if refusal is not None:
            self.auth.state.refusals[self.email] = refusal
        for service, on in (("imap", imap), ("smtp", smtp)):
            deny = "" if on else f"{self.email}:::::::\n"
            (self.dovecot_dir / f"deny-{service}").write_text(deny)
        # Dovecot re-reads a passwd-file at most once per second: let the clock tick.
        time.sleep(1.05)

    def logins(self) -> list[str]:
        """Dovecot's "Login:" lines for the OAuth mailbox (method=... shows the mechanism)."""
        return [line for line in self.rig.dovecot_log().splitlines()
                if "Login: user=<" + self.email + ">" in line]

    def env(self) -> dict[str, str]:
        """POSTIER_* settings for Postier: the rig's CA and the local authorization server."""
        return {**self.rig.env(), **self.auth.env()}

    def stop(self) -> None:
        self.rig.stop()
