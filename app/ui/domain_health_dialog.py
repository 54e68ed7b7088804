"""The "Domain health" window of one account: its sending domain's report, kept fresh.

Non-modal (the user keeps it open beside the DNS host's page while fixing records). The
service ``domain_health.cache`` does the work: it reads the account's last report and runs
and stores a fresh one, both off the GUI thread (``worker.run_task``); rows appear as each
check finishes. Reopening shows the last report, with its date, while a fresh check runs.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QDateTime, QLocale, QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.services.config import Settings
from app.services.domain_health import cache
from app.services.domain_health.cache import StoredReport
from app.services.errors import PostierError, message_for
from app.services.storage import Account, Database
from app.ui.domain_health_view import DomainHealthView
from app.ui.window_geometry import fit_window, save_geometry
from app.ui.worker import gui_callback, run_task

log = logging.getLogger(__name__)


class DomainHealthDialog(QDialog):
    """One account's domain report: cached one first (dated), then the fresh one."""

    def __init__(self, settings: Settings, db: Database, account: Account,
                 parent: QWidget | None = None, *, language: str | None = None,
                 timeout: float = 10.0) -> None:
        super().__init__(parent)
        self.setObjectName("domainHealthDialog")
        self.settings, self.db, self.account = settings, db, account
        self.timeout = timeout
        from app.ui.i18n import current_language

        self._lang = current_language(language)
        self.domain = cache.account_domain(account)
        self.setWindowTitle(self.tr("Domain health — %1").replace("%1", account.email))
        self.setModal(False)  # kept open beside the DNS host's page while fixing records
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        layout = QVBoxLayout(self)
        self.heading = QLabel(self.tr("Sending domain %1, used by %2").replace(
            "%1", self.domain).replace("%2", account.email))
        self.heading.setObjectName("heading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.as_of = QLabel()
        self.as_of.setObjectName("asOf")
        self.as_of.setTextFormat(Qt.TextFormat.PlainText)
        self.as_of.setWordWrap(True)
        self.as_of.setStyleSheet("color: #555555;")
        layout.addWidget(self.as_of)
        self.view = DomainHealthView(self, language=self._lang, with_recheck=True)
        layout.addWidget(self.view, 1)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0152a;")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)  # Escape rejects as well
        layout.addWidget(buttons)
        fit_window(self, "domain_health", QSize(860, 760), db)  # after the layout is built

        self.view.recheck_requested.connect(lambda: self.check(live=True))
        self._run = 0  # results of an earlier run (before "Check again") are dropped
        self.checked_at: datetime | None = None
        # Checking from the start: the stored report is read first (off the GUI thread),
        # then the fresh check starts, so the stored one can never replace a newer one.
        self.running = True
        self.view.show_progress()
        self._show_date()
        email = account.email
        run_task(lambda: cache.load(db, email), self._loaded)

    def language(self) -> str:
        return self._lang

    def _loaded(self, stored: StoredReport | None, err: BaseException | None) -> None:
        if not shiboken6.isValid(self) or self._run:  # closed, or "Check again" came first
            return
        if err is not None:  # an unreadable store only costs the instant display
            log.debug("stored domain report of %s not read: %r", self.domain, err)
        elif stored is not None:
            self.checked_at = stored.checked_at
            self.view.show_report(stored.report)
        self.check()

    def done(self, result: int) -> None:
        save_geometry(self, "domain_health", self.db)
        super().done(result)

    def check(self, live: bool = False) -> None:
        """Start a fresh check. With a report on screen (and not ``live``: "Check again"
        clears it) the report stays there, dated, until the new one is ready; otherwise the
        rows appear live as checks finish."""
        self._run += 1
        run = self._run
        self.running = True
        self.error.hide()
        live = live or self.view.report is None
        if live:
            self.view.show_progress()
            self.checked_at = None
        else:
            self.view.busy.show()
            self.view.recheck.setEnabled(False)
        self._show_date()
        settings, db, account, timeout = self.settings, self.db, self.account, self.timeout
        progress = gui_callback(lambda check: self._progress(run, check)) if live else None
        # Stored by the service as it finishes: a report finished after Close is kept too.
        run_task(lambda: cache.check_account(settings, db, account, timeout=timeout,
                                             progress=progress),
                 lambda result, err: self._done(run, result, err))

    def _alive(self, run: int) -> bool:
        return shiboken6.isValid(self) and run == self._run

    def _progress(self, run: int, check: Any) -> None:
        if self._alive(run) and self.view.report is None:
            self.view.add_check(check)

    def _done(self, run: int, result: StoredReport | None, err: BaseException | None) -> None:
        if not self._alive(run):
            return
        self.running = False
        if err is not None or result is None:
            self._failed(err)
            return
        self.checked_at = result.checked_at
        self.view.show_report(result.report)
        self._show_date()

    def _failed(self, err: BaseException | None) -> None:
        code = err.code if isinstance(err, PostierError) else "PROTOCOL_ERROR"
        if not isinstance(err, PostierError):
            log.warning("domain health of %s failed: %r", self.domain, err)
        message, hint = message_for(code, self._lang)
        self.error.setText(f"{message} {hint}")
        self.error.show()
        self.view.busy.hide()
        self.view.recheck.setEnabled(True)
        if self.view.report is None:
            self.view.summary.setText("")
            self.view.score_label.setText("")
        self._show_date()

    def _show_date(self) -> None:
        if self.checked_at is None:
            self.as_of.setText(self.tr("Checking now…") if self.running else "")
            return
        when = self._format(self.checked_at)
        text = (self.tr("Report of %1. Checking again…") if self.running
                else self.tr("Checked on %1."))
        self.as_of.setText(text.replace("%1", when))

    def _format(self, when: datetime) -> str:
        moment = QDateTime.fromSecsSinceEpoch(int(when.timestamp())).toLocalTime()
        system = QLocale.system()
        locale = system if system.name()[:2] == self._lang else QLocale(self._lang)
        return locale.toString(moment, QLocale.FormatType.ShortFormat)
