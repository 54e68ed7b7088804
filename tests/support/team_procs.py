"""Second processes for the team-mode tests, each a real Postier service loop printing one
JSON line per thing it sees (flushed), so a test can watch another "laptop":

    python -m tests.support.team_procs listen            # team.live.Listener
    python -m tests.support.team_procs watch EMAIL       # team.leases.run_as_sole_watcher
    python -m tests.support.team_procs resend RID FLAG   # sending.send_message(resend_of=RID)
                                                         # once FLAG (a file) exists

The database URL comes from POSTIER_DATABASE_URL, as for ``postier`` itself.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path


def _say(**what: object) -> None:
    print(json.dumps({"pid": os.getpid(), "t": time.time(), **what}), flush=True)


def listen() -> None:
    from app.services.config import Settings
    from app.services.team import connection, live

    url = connection.team_url(Settings.from_env())
    assert url is not None, "POSTIER_DATABASE_URL is not set"
    listener = live.Listener(url, lambda tables: _say(changed=sorted(tables)),
                             lambda up, error: _say(connected=up,
                                                    error=error.code if error else None))
    listener.start()
    try:
        while True:
            time.sleep(1)
    finally:
        listener.stop()


def watch(email: str) -> None:
    from app.services.config import Settings
    from app.services.team import leases

    def body(held: threading.Event) -> None:
        _say(watching=email)
        held.wait()
        _say(stopped=email)

    leases.run_as_sole_watcher(Settings.from_env(), email, body, threading.Event(),
                               time.monotonic() + 300)


def resend(recipient_id: int, flag: Path) -> None:
    from app.services.config import Settings
    from app.services.errors import PostierError
    from app.services.outbox import sending

    settings = Settings.from_env()
    _say(ready=True)
    while not flag.exists():  # all twenty start together once the test drops the flag
        time.sleep(0.005)
    msg = sending.OutgoingMessage(account_email="contact@acme.test", to=["client@example.test"],
                                  subject="Facture 42 (corrigée)", text="Bonjour",
                                  resend_of=recipient_id)
    try:
        result = sending.send_message(settings, msg, save_to_sent=False, timeout=20)
    except PostierError as exc:
        _say(error=exc.code)
        return
    _say(sent=result.status, id=result.id)


def main(argv: list[str]) -> None:
    command = argv[0]
    if command == "listen":
        listen()
    elif command == "watch":
        watch(argv[1])
    elif command == "resend":
        resend(int(argv[1]), Path(argv[2]))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
