"""Account check: is IMAP checked at the same time as SMTP?

Starts the real-server rig (Dovecot + Postfix, needs root) and a few deliberately slow
servers, runs ``check_account`` several times per scenario and prints, per scenario, the
median total time, the median IMAP and SMTP times (each server's own check, wall clock)
and the median of the per-run ratios total ÷ max(IMAP, SMTP). Near 1.0: the checks overlap
fully; checking one after the other would give (IMAP + SMTP) ÷ max(IMAP, SMTP), up to 2.0.

Run: .venv/bin/python benchmarks/bench_check.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.services.config import Settings  # noqa: E402
from app.services.mail.auth import Credential  # noqa: E402
from app.services.setup.connection_check import check_account  # noqa: E402
from tests.support.misbehaving_server import BadServers  # noqa: E402
from tests.support.rig import Rig  # noqa: E402

USER = "alice@example.test"


def measure(name: str, runs: int, settings: Settings, imap, smtp) -> None:  # noqa: ANN001
    totals, imaps, smtps, ratios = [], [], [], []
    for _ in range(runs):
        result = check_account(USER, Credential(USER, "secret"), settings, imap=imap,
                               smtp=smtp, timeout=20)
        if not result.ok:
            raise SystemExit(f"{name}: check failed: {result.error}")
        totals.append(result.elapsed_ms)
        imaps.append(result.server_ms["imap"])
        smtps.append(result.server_ms["smtp"])
        ratios.append(result.elapsed_ms / max(imaps[-1], smtps[-1], 1))
    total, i, s = (statistics.median(x) for x in (totals, imaps, smtps))
    print(f"{name:<44} total {total:7.1f} ms   imap {i:7.1f} ms   smtp {s:7.1f} ms   "
          f"total/max {statistics.median(ratios):5.2f}   sequential would be "
          f"{(i + s) / max(i, s, 1):4.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rig = Rig.start()
    bad = BadServers(ca=rig.ca, directory=Path(tempfile.mkdtemp(prefix="bench-check-")))
    try:
        settings = Settings(home=Path(tempfile.mkdtemp()), ca_file=rig.ca_file)
        print(f"account check, median of {args.runs} runs")
        measure("rig: Dovecot IMAPS + Postfix smtps", args.runs, settings, rig.imaps, rig.smtps)
        measure("rig: Dovecot STARTTLS + Postfix submission", args.runs, settings,
                rig.imap_starttls, rig.submission)
        slow_smtp = bad.smtps(greeting_delay=0.5)
        measure("rig IMAPS + SMTP answering after 0.5 s", args.runs, settings, rig.imaps,
                slow_smtp.endpoint)
        slow_imap = bad.imaps(greeting_delay=0.5)
        slow_smtp2 = bad.smtps(greeting_delay=0.5)
        measure("IMAP and SMTP both answering after 0.5 s", args.runs, settings,
                slow_imap.endpoint, slow_smtp2.endpoint)
    finally:
        bad.stop()
        rig.stop()


if __name__ == "__main__":
    main()
