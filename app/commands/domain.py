"""``domain``: a sender domain's health (MX, SPF, DKIM, DMARC, PTR, DNS blocklists), in the
language of ``LC_ALL``/``LANG`` when printed as text."""

from __future__ import annotations

import argparse
import os

from app.commands.contract import EXIT_FAILED, EXIT_OK, CommandResult, load_settings
from app.services.errors import InputError


def cmd_domain(args: argparse.Namespace) -> CommandResult:
    from app.services.domain_health import model, runner

    # Bad input is refused (exit 2) before any look-up.
    domain = runner.normalize_domain(args.domain)
    ips = runner.normalize_ips(args.ip)
    if args.timeout <= 0:
        raise InputError("--timeout must be a positive number of seconds")
    report = runner.check_domain(
        domain, load_settings(), smtp_host=args.smtp_host, ips=ips,
        provider=getattr(args, "provider", None),
        dkim_selectors=getattr(args, "dkim_selector", None) or (), timeout=args.timeout)
    lang = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    text = model.format_text(report, "fr" if lang.lower().startswith("fr") else "en")
    return CommandResult(report.to_dict(), text, EXIT_OK if report.ok else EXIT_FAILED)
