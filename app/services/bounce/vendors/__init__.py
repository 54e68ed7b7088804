"""One small module per MTA or provider family whose bounce format needs its own reader.

``find(ctx)`` asks each module in ``VENDORS`` (order matters: specific gateways and providers
before the generic MTAs whose wording they reuse) whether the message is one of its reports,
and returns the first non-empty reading. See ``base`` for what a module exports. Modules are
imported by name here, not discovered at run time, so the bundle carries all of them.
"""

from __future__ import annotations

import logging
from types import ModuleType

from app.services.bounce.vendors import (
    amazon_ses,
    barracuda,
    biglobe,
    courier,
    dma,
    docomo,
    domino,
    exchange,
    exim,
    facebook,
    fml,
    gmail,
    gmx,
    google_groups,
    imail,
    interscan,
    james,
    jmrp,
    kddi,
    mailfoundry,
    mailmarshal,
    mailru,
    mcafee,
    mdaemon,
    messagelabs,
    messaging_server,
    mfilter,
    mimecast,
    office365,
    opensmtpd,
    postfix,
    powermta,
    qmail,
    sendgrid,
    sendmail,
    smartermail,
    softbank,
    telekom,
    verizon,
    yahoo,
    yandex,
    zoho,
)
from app.services.bounce.vendors.base import Context, Found

log = logging.getLogger(__name__)

VENDORS: tuple[ModuleType, ...] = (
    # mail providers and sending services
    amazon_ses,
    sendgrid,
    google_groups,
    gmail,
    office365,
    jmrp,  # Outlook.com's junk-mail complaints (not ARF)
    yahoo,
    zoho,
    gmx,
    kddi,
    mailru,
    biglobe,
    telekom,
    verizon,
    yandex,
    facebook,
    fml,  # a mailing-list manager's refusals
    # security gateways and filters (before the MTAs they relay through)
    interscan,
    barracuda,
    messagelabs,
    mcafee,
    mimecast,
    mfilter,
    mailmarshal,
    mailfoundry,
    # MTAs (free-text formats), after the providers and gateways
    docomo,  # sender MTAs' reports about docomo's answers: before those MTAs
    softbank,  # the same for SoftBank's answers
    exchange,
    domino,
    imail,
    james,
    powermta,
    mdaemon,
    smartermail,
    dma,
    opensmtpd,
    exim,
    sendmail,
    messaging_server,
    qmail,
    courier,
    postfix,
)


def find(ctx: Context) -> tuple[str, list[Found]] | None:
    """(vendor name, recipients) from the first module that knows this report, else None."""
    for module in VENDORS:
        try:
            if not module.detect(ctx):
                continue
            found = module.extract(ctx)
        except Exception:  # noqa: BLE001 - one vendor's bug must not lose the report
            log.debug("vendor %s failed", getattr(module, "NAME", module), exc_info=True)
            continue
        if found:
            return module.NAME, found
    return None


__all__ = ["VENDORS", "Context", "Found", "find"]
