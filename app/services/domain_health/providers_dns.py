"""What mail providers publish for their customers' domains: SPF include, DKIM selectors, MX.

Used by the domain health check to say "your SPF must include X" and to give the exact
record to add. Keyed like ``discover``'s ``provider`` ("office365", "gmail", …).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MailProvider:
    key: str
    name: str
    host_suffixes: tuple[str, ...]  # SMTP host names that belong to the provider
    spf_includes: tuple[str, ...]  # any one of them authorises the provider's servers
    dkim_selectors: tuple[str, ...] = ()
    mx_hosts: tuple[str, ...] = ()  # "{domain_dashed}" is replaced (Microsoft 365)


PROVIDERS: tuple[MailProvider, ...] = (
    MailProvider("office365", "Microsoft 365", ("office365.com", "outlook.com", "office.com",
                                                "protection.outlook.com"),
                 ("spf.protection.outlook.com",), ("selector1", "selector2"),
                 ("{domain_dashed}.mail.protection.outlook.com",)),
    MailProvider("gmail", "Google Workspace", ("gmail.com", "google.com", "googlemail.com"),
                 ("_spf.google.com",), ("google",), ("smtp.google.com",)),
    MailProvider("ovh", "OVHcloud", ("ovh.net", "ovh.com", "ovhcloud.com"), ("mx.ovh.com",),
                 (), ("mx1.mail.ovh.net", "mx2.mail.ovh.net", "mx3.mail.ovh.net")),
    MailProvider("ionos", "IONOS", ("ionos.fr", "ionos.de", "ionos.com", "ionos.co.uk",
                                    "ionos.es", "1and1.com", "1and1.fr", "kundenserver.de",
                                    "perfora.net"),
                 ("_spf.perfora.net", "_spf.kundenserver.de"), ("s1-ionos", "s2-ionos"),
                 ("mx00.ionos.fr", "mx01.ionos.fr")),
    MailProvider("gandi", "Gandi", ("gandi.net",), ("_mailcust.gandi.net",),
                 ("gm1", "gm2", "gm3"), ("spool.mail.gandi.net", "fb.mail.gandi.net")),
    MailProvider("infomaniak", "Infomaniak", ("infomaniak.com", "infomaniak.ch",
                                              "ik-server.com"),
                 ("spf.infomaniak.ch",), (), ("mta-gw.infomaniak.ch",)),
    MailProvider("zoho", "Zoho Mail", ("zoho.eu", "zoho.com", "zohomail.eu", "zohomail.com"),
                 ("zohomail.eu", "zoho.eu", "zoho.com", "zohomail.com"), ("zmail",),
                 ("mx.zoho.eu", "mx2.zoho.eu", "mx3.zoho.eu")),
    MailProvider("brevo", "Brevo", ("brevo.com", "sendinblue.com"),
                 ("spf.brevo.com", "spf.sendinblue.com"), ("brevo1", "brevo2", "mail")),
    MailProvider("mailjet", "Mailjet", ("mailjet.com",), ("spf.mailjet.com",), ("mailjet",)),
)

_ALIASES = {"microsoft": "office365", "microsoft365": "office365", "m365": "office365",
            "outlook": "office365", "exchange": "office365", "google": "gmail",
            "workspace": "gmail", "googleworkspace": "gmail", "1and1": "ionos",
            "sendinblue": "brevo"}

# Selectors worth probing whatever the provider (common defaults of hosts and MTAs).
COMMON_SELECTORS = ("selector1", "selector2", "google", "default", "dkim", "mail", "k1", "k2",
                    "s1", "s2", "smtp", "key1")


def find_provider(provider: str | None = None, smtp_host: str | None = None
                  ) -> MailProvider | None:
    """The provider named by ``provider`` (discover's key) or owning ``smtp_host``."""
    if provider:
        key = provider.strip().lower().replace(" ", "").replace("-", "")
        key = _ALIASES.get(key, key)
        for p in PROVIDERS:
            if p.key == key:
                return p
    if smtp_host:
        host = smtp_host.strip().rstrip(".").lower()
        for p in PROVIDERS:
            if any(host == s or host.endswith("." + s) for s in p.host_suffixes):
                return p
    return None
