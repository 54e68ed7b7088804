"""``classify``: what became of each recipient, read from bounce, DSN, read-receipt and
auto-reply files (``-`` is stdin); an unreadable file gets its own error, the others go on."""

from __future__ import annotations

import argparse
import sys

from app.commands.contract import CommandResult


def cmd_classify(args: argparse.Namespace) -> CommandResult:
    from app.services import bounce

    entries = bounce.classify_files(args.files, stdin=sys.stdin.buffer)
    return CommandResult(entries, bounce.format_text(entries))
