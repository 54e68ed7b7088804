"""Discovery with one source slow or dead, against real loopback DNS + HTTP servers.

For each scenario prints the total time of ``discover()``, the time of the slowest
*useful* source (the slowest of the sources the answer had to wait for: the winner and
every better-ranked one, a dead one counting for its own timeout) and the ratio
total ÷ slowest-useful. A ratio near 1.0 means the concurrency costs nothing: the
answer comes as soon as it can be known. "sequential" is what asking the same sources
one after the other would have cost.

Run: .venv/bin/python benchmarks/bench_discovery.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.services.config import Settings
from app.services.setup import discovery
from tests.support.dns_server import LocalDNS, free_port
from tests.support.http_server import LocalHTTP

AUTOCONFIG = "/mail/config-v1.1.xml"
WELLKNOWN = "/.well-known/autoconfig/mail/config-v1.1.xml"
SOURCE_TIMEOUT = 1.0


def xml(tag: str) -> str:
    return f"""<clientConfig version="1.1"><emailProvider id="{tag}">
<incomingServer type="imap"><hostname>imap.{tag}.test</hostname><port>993</port>
<socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.{tag}.test</hostname><port>465</port>
<socketType>SSL</socketType><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>"""


class _Quiet:
    def __getattr__(self, name: str) -> object:
        return lambda *a, **k: None


# name, description, {path: (body, delay)}; domain is bench.test throughout
SCENARIOS = [
    ("worse source dead", "autoconfig answers at once, the ISPDB never answers",
     {AUTOCONFIG: (xml("autoconfig"), 0.0), "/ispdb/bench.test": (xml("ispdb"), 30.0)}),
    ("better source dead",
     f"ISPDB answers at once, autoconfig hangs (source timeout {SOURCE_TIMEOUT:.1f} s)",
     {AUTOCONFIG: (xml("autoconfig"), 30.0), "/ispdb/bench.test": (xml("ispdb"), 0.0)}),
    ("best source slow", "ISPDB answers at once, autoconfig after 0.4 s (must win)",
     {AUTOCONFIG: (xml("autoconfig"), 0.4), "/ispdb/bench.test": (xml("ispdb"), 0.0)}),
    ("all fast", "autoconfig, well-known and ISPDB all answer at once",
     {AUTOCONFIG: (xml("autoconfig"), 0.0), WELLKNOWN: (xml("wellknown"), 0.0),
      "/ispdb/bench.test": (xml("ispdb"), 0.0)}),
]


def run(runs: int) -> None:
    dns = LocalDNS("bench.test. 60 IN A 127.0.0.1\nautoconfig.bench.test. 60 IN A 127.0.0.1\n"
                   "bench.test. 60 IN MX 10 mx.nowhere-known.test.")
    for inner in (dns._udp, dns._tcp):
        inner.server.logger = _Quiet()
    dns.start()
    http = LocalHTTP().start()
    closed = ",".join(str(free_port()) for _ in range(4))
    settings = Settings(home=Path(tempfile.mkdtemp()), ispdb_url=f"{http.base_url}/ispdb/",
                        dns_server=(dns.host, dns.port), autoconfig_scheme="http",
                        extra={"POSTIER_AUTOCONFIG_PORT": str(http.port),
                               "POSTIER_GUESS_PORTS": closed})
    print(f"discovery benchmark: {runs} runs per scenario, per-source timeout "
          f"{SOURCE_TIMEOUT:.1f} s, median figures")
    print(f"{'scenario':22} {'winner':11} {'total ms':>9} {'slowest useful':>15} "
          f"{'ratio':>6} {'sequential ms':>14}")
    try:
        for name, description, routes in SCENARIOS:
            http.httpd.routes.clear()
            http.httpd.delays.clear()
            for path, (body, delay) in routes.items():
                http.route(path, body, delay=delay)
            totals, usefuls, sequentials, winners = [], [], [], set()
            for _ in range(runs):
                start = time.perf_counter()
                result = discovery.discover("jean@bench.test", settings, timeout=10,
                                            source_timeout=SOURCE_TIMEOUT)
                total = (time.perf_counter() - start) * 1000
                winners.add(result.source)
                rank = discovery.RANKS[result.source or "guess"]
                needed = [t.ms for t in result.tried if discovery.RANKS.get(t.source, 99) <= rank]
                totals.append(total)
                usefuls.append(max(needed))
                # One after the other, each source's own time (dead ones: their timeout).
                per_source: dict[str, int] = {}
                for t in result.tried:
                    per_source[t.source] = per_source.get(t.source, 0) + t.ms
                for path, (_, delay) in routes.items():
                    if delay >= SOURCE_TIMEOUT:
                        src = "ispdb" if path.startswith("/ispdb") else "autoconfig"
                        per_source[src] = max(per_source.get(src, 0),
                                              int(SOURCE_TIMEOUT * 1000))
                sequentials.append(sum(per_source.values()))
            total, useful = statistics.median(totals), statistics.median(usefuls)
            print(f"{name:22} {'/'.join(sorted(w or '-' for w in winners)):11} {total:9.0f} "
                  f"{useful:15.0f} {total / max(useful, 1):6.2f} "
                  f"{statistics.median(sequentials):14.0f}   ({description})")
    finally:
        http.stop()
        dns.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    run(parser.parse_args().runs)
