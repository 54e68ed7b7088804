"""Notifications decided and delivered once, for the window and ``postier track`` alike.

``dispatch`` turns what happened since the last look into notifications
(``notify_rules.collect``: one transaction moves the "last event seen" mark, so two
processes sharing the database, the window and a ``postier track``, never both get the
same event), then mails those whose rule says "by e-mail" through the outbox: a message
of the account to itself, recorded like any other, so whichever outbox runs sends it,
retries it after a 4xx, and ``_claim`` lets exactly one process send it. What is left for
the caller is in the returned ``Dispatch``: the desktop notifications to show (the GUI's
tray; a terminal has none).

``Notifier`` runs ``dispatch`` beside a long-running tracker: after each batch of updates
(``poke``, the tracker's ``on_update``) and every ``interval`` seconds, since a mailbox
that stops syncing changes no message and so pokes nothing.

A crash between the notification's transaction and its mail's leaves the mail unsent
(never sent twice): the notification is still in the history.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from app.services.config import Settings
from app.services.errors import PostierError
from app.services.outbox import sending
from app.services.storage import Database, StorageError
from app.services.team.connection import open_settings_database
from app.services.tracking import notify_rules as nr
from app.services.translation import SOURCE_LANGUAGE, available_languages

log = logging.getLogger(__name__)

NOTIFY_INTERVAL = 30.0  # seconds between looks when nothing pokes (failing accounts)
SUBJECT_PREFIX = "[Postier] "


@dataclass(frozen=True)
class Emailed:
    """One notification mailed to its account: the outbox row that carries it."""

    notification_id: int
    account_email: str
    message_id: int  # messages.id
    status: str  # queued (the outbox sends it) | sent | failed (send_now)


@dataclass(frozen=True)
class Dispatch:
    """What one look found and what became of it."""

    found: list[nr.Notification] = field(default_factory=list)
    desktop: list[nr.Notification] = field(default_factory=list)  # for the caller to show
    emailed: list[Emailed] = field(default_factory=list)
    # Could not be put in the outbox (account removed meanwhile, database error): (id, code)
    not_emailed: list[tuple[int, str]] = field(default_factory=list)

    @property
    def emailed_accounts(self) -> list[str]:
        """Accounts whose outbox has a notification waiting (to send it sooner)."""
        return sorted({e.account_email for e in self.emailed if e.status == "queued"})


def language(settings: Settings) -> str:
    """The notifications' language outside the window: the deployment's ``app.language``,
    else the system's (LC_ALL, LANG), as the GUI picks it."""
    chosen = settings.option("app.language")
    if chosen:
        return chosen  # config.py accepts only languages with a catalogue
    system = (os.environ.get("LC_ALL") or os.environ.get("LANG") or "")[:2].lower()
    return system if system in available_languages() else SOURCE_LANGUAGE


def notification_mail(n: nr.Notification) -> sending.OutgoingMessage:
    """The mail telling the account's owner about ``n`` (marked as a test: not a message
    to a customer, shown as such in the table)."""
    email = n.account_email or ""
    return sending.OutgoingMessage(account_email=email, to=[email],
                                   subject=SUBJECT_PREFIX + n.title, text=n.body, test=True)


def dispatch(settings: Settings, db: Database | None = None, lang: str = "en", *,
             send_now: bool = False) -> Dispatch:
    """Collect new notifications and put the e-mail ones in the outbox. ``send_now``
    also sends them at once (a run with no outbox behind it, such as ``track --once``);
    one that cannot leave now stays queued for the next outbox run."""
    found = nr.collect(db or open_settings_database(settings), lang)
    desktop = [n for n in found if "desktop" in n.channels]
    emailed: list[Emailed] = []
    not_emailed: list[tuple[int, str]] = []
    for n in found:
        if "email" not in n.channels or not n.account_email:
            continue
        try:
            if send_now:
                result = sending.send_message(settings, notification_mail(n))
                emailed.append(Emailed(n.id, n.account_email, result.id, result.status))
            else:
                mid = sending.queue_message(settings, notification_mail(n))
                emailed.append(Emailed(n.id, n.account_email, mid, "queued"))
        except (PostierError, StorageError) as exc:  # the others still go
            log.warning("notification %s not e-mailed: %s", n.id, exc.code)
            not_emailed.append((n.id, exc.code))
    return Dispatch(found, desktop, emailed, not_emailed)


class Notifier:
    """``dispatch`` in a loop, for a long-running tracker: ``run(stop)`` in a thread of its
    own, ``poke`` from the tracker's ``on_update`` (any thread)."""

    def __init__(self, settings: Settings, lang: str, *, interval: float = NOTIFY_INTERVAL,
                 send_now: bool = False) -> None:
        self.settings, self.lang, self.interval, self.send_now = (settings, lang, interval,
                                                                  send_now)
        self.dispatched: list[Dispatch] = []  # what each look did, for the caller's report
        self._wake = threading.Event()

    def poke(self, _updates: object = None) -> None:
        self._wake.set()

    def look(self) -> Dispatch | None:
        """One ``dispatch``; a failure (database busy…) is logged, the next look retries."""
        try:
            done = dispatch(self.settings, lang=self.lang, send_now=self.send_now)
        except (PostierError, StorageError) as exc:
            log.warning("notifications: %s", exc.code)
            return None
        if done.found:
            self.dispatched.append(done)
        return done

    def run(self, stop: threading.Event) -> None:
        """Until ``stop``: a look after each poke, and every ``interval`` seconds. ``stop``
        is honoured within a second (checked between short waits)."""
        next_look = time.monotonic() + self.interval
        while not stop.is_set():
            if self._wake.wait(min(1.0, max(0.0, next_look - time.monotonic()))) or \
                    time.monotonic() >= next_look:
                self._wake.clear()
                self.look()
                next_look = time.monotonic() + self.interval

    def emailed(self) -> list[Emailed]:
        return [e for d in self.dispatched for e in d.emailed]


@contextmanager
def notifying(settings: Settings, *, watching: bool) -> Iterator[Notifier]:
    """Notifications around a tracking run outside the window (``postier track``): a first
    look before it (the starting point on a first run; failing accounts), a ``Notifier``
    thread while it watches (poke it from ``on_update``), and a last look after it for
    what the last pass found. Mails are sent at once (``send_now``): the run's own outbox
    stops with it, and a notification must not wait for the outbox's next look."""
    notifier = Notifier(settings, language(settings), send_now=True)
    notifier.look()
    stop = threading.Event()
    thread = threading.Thread(target=notifier.run, args=(stop,), name="track-notify",
                              daemon=True) if watching else None
    if thread is not None:
        thread.start()
    try:
        yield notifier
    finally:
        stop.set()
        if thread is not None:
            thread.join()
        notifier.look()
