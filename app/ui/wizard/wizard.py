"""The setup wizard: start → address → (manual settings) → test → signature → finish.

Constructed with a Settings object; emits ``accountSaved(email)`` once the tested
account is stored (keyring + database). Enter means Next; Cancel also stops whatever
is running in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from app.services import translation
from app.services.config import Settings
from app.ui.i18n import shown_language
from app.ui.window_geometry import SettingsFile, fit_window, save_geometry

from .start_page import StartPage
from .state import WizardState
from .step_page import (
    PAGE_ADDRESS,
    PAGE_CHECK,
    PAGE_FINISH,
    PAGE_MANUAL,
    PAGE_SIGNATURE,
    PAGE_START,
    StepPage,
)

if TYPE_CHECKING:  # the later pages' modules are imported once the window is shown
    from app.services.storage import Account

    from .address_page import AddressPage
    from .check_page import CheckPage
    from .finish_page import FinishPage
    from .manual_page import ManualPage
    from .signature_page import SignaturePage


class SetupWizard(QWizard):
    accountSaved = Signal(str)

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None,
                 language: str | None = None, edit_account: Account | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or Settings.from_env()
        self.language = language if language in translation.available_languages() \
            else shown_language()
        self.check_timeout = 30.0  # seconds for the whole account test
        self.health_timeout = 10.0
        self.state = WizardState()
        self.setObjectName("setupWizard")
        self.setWindowTitle(self.tr("Postier — set up a mail account"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        # Only the first page before the window is shown (issue 17): the others, and their
        # modules (~100 ms of imports, ~50 ms of widgets), come once it is painted, or as soon
        # as anything needs them (navigation, the edit entry, a test reaching for a page).
        self._later_pages: dict[int, StepPage] | None = None
        self._later_scheduled = False
        self.start_page = StartPage(self.state)
        self.setPage(PAGE_START, self.start_page)
        self.setStartId(PAGE_START)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< &Back"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Finish"))
        if edit_account is not None:
            self._edit(edit_account)
        self._geometry_store = self._geometry_db()
        fit_window(self, "wizard", QSize(860, 700), self._geometry_store)
        self.open_browser: Callable[[str], Any] | None = None  # tests replace the browser
        self.closing = False
        self.discard_box: QMessageBox | None = None
        self._discard_confirmed = False

    # -- the pages after the first one, built late -----------------------------------
    def build_later_pages(self) -> dict[int, StepPage]:
        """Build (once) and add the pages after the first: their ids, numbers and order are
        the same as if they had been there from the start."""
        if self._later_pages is not None:
            return self._later_pages
        from .address_page import AddressPage
        from .check_page import CheckPage
        from .finish_page import FinishPage
        from .manual_page import ManualPage
        from .signature_page import SignaturePage

        self._later_pages = {PAGE_ADDRESS: AddressPage(self.state, self.settings),
                             PAGE_MANUAL: ManualPage(self.state),
                             PAGE_CHECK: CheckPage(self.state, self.settings),
                             PAGE_SIGNATURE: SignaturePage(self.state, self.settings),
                             PAGE_FINISH: FinishPage(self.state, self.settings)}
        for page_id, page in self._later_pages.items():
            self.setPage(page_id, page)
        return self._later_pages

    @property
    def address_page(self) -> AddressPage:
        return cast("AddressPage", self.build_later_pages()[PAGE_ADDRESS])

    @property
    def manual_page(self) -> ManualPage:
        return cast("ManualPage", self.build_later_pages()[PAGE_MANUAL])

    @property
    def check_page(self) -> CheckPage:
        return cast("CheckPage", self.build_later_pages()[PAGE_CHECK])

    @property
    def signature_page(self) -> SignaturePage:
        return cast("SignaturePage", self.build_later_pages()[PAGE_SIGNATURE])

    @property
    def finish_page(self) -> FinishPage:
        return cast("FinishPage", self.build_later_pages()[PAGE_FINISH])

    # Asking for a page by id (or starting on one) builds the later pages first: QWizard
    # would otherwise warn "no such page" and ignore it.
    def setStartId(self, page_id: int) -> None:  # noqa: N802 (Qt's name)
        if page_id != PAGE_START:
            self.build_later_pages()
        super().setStartId(page_id)

    def page(self, page_id: int) -> Any:
        if page_id != PAGE_START:
            self.build_later_pages()
        return super().page(page_id)

    def pageIds(self) -> list[int]:  # noqa: N802 (Qt's name)
        self.build_later_pages()
        return super().pageIds()

    def nextId(self) -> int:  # noqa: N802 (Qt's name)
        # Before the later pages exist the first page must still offer Next, not Finish
        # (Enter would otherwise close the wizard); validateCurrentPage builds them.
        if self._later_pages is None and self.currentId() == PAGE_START:
            return PAGE_ADDRESS
        return super().nextId()

    def validateCurrentPage(self) -> bool:  # noqa: N802 (Qt's name)
        self.build_later_pages()  # Next (button, Enter, a double-click) needs the next page
        return super().validateCurrentPage()

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if self._later_pages is None and not self._later_scheduled:
            # After the first paint, not in showEvent: the user sees the filled window
            # first, then the later pages are built while they read the first one.
            self._later_scheduled = True
            QTimer.singleShot(0, self, self.build_later_pages)

    def _edit(self, account: Account) -> None:
        """Change a set-up account (issue 16): the same pages from the address on, filled
        with its settings — a new password (empty keeps the stored one), the servers, the
        test again, the signature — saved over the account once the test passes."""
        from app.services.setup.endpoint import Endpoint  # not before the first window

        state = self.state
        state.editing = account
        state.choice, state.provider = "own", account.provider
        state.email, state.username = account.email, account.username or account.email
        state.display_name = account.display_name or ""
        state.auth = account.auth_kind
        state.imap = Endpoint(account.imap_host, account.imap_port, account.imap_security)
        state.smtp = Endpoint(account.smtp_host, account.smtp_port, account.smtp_security)
        state.imap_pin, state.smtp_pin = account.imap_pin, account.smtp_pin
        state.signature_html = self._editable_signature(account)
        state.signature_text = account.signature_text or ""
        self.address_page.email.setText(account.email)
        self.address_page.display_name.setText(state.display_name)
        self.signature_page.editor.setHtml(state.signature_html)
        self.setStartId(PAGE_ADDRESS)
        self.setWindowTitle(self.tr("Postier — change the account %1").replace("%1",
                                                                              account.email))

    def _editable_signature(self, account: Account) -> str:
        """The saved signature with its logo (stored apart, sent as an inline cid: part) put
        back as a data: URI: the editor and the preview render it, and saving moves it out
        again. Without the stored logo (database unreadable) the text is still editable."""
        from app.services.errors import PostierError
        from app.services.setup.accounts import signature_images
        from app.services.setup.signature import with_data_uris

        html = account.signature_html or ""
        try:
            return with_data_uris(html, signature_images(self.settings, account))
        except PostierError:
            return html

    def _geometry_db(self) -> Any:
        """Where the window's size is remembered (None: the default size every time)."""
        # Not accounts.database(): accounts pulls in the keyring (slow back-end discovery)
        # and address validation; and not storage yet: a new user has no data file, and
        # the first window must not make one (or import storage) to learn that (issue 17).
        return SettingsFile(self.settings.db_path)

    # -- navigation helpers used by pages ------------------------------------------
    def go_to_manual(self) -> None:
        """From the test page back to the manual settings (Back until we get there)."""
        self.state.manual = True
        while self.currentId() not in (PAGE_MANUAL, PAGE_ADDRESS, PAGE_START, -1):
            self.back()
        if self.currentId() == PAGE_ADDRESS:
            self.next()

    def back_to_sign_in(self) -> None:
        """From the test page back to the address page, where the provider's sign-in
        must be done again (the refused tokens are dropped)."""
        while self.currentId() not in (PAGE_ADDRESS, PAGE_START, -1):
            self.back()
        self.address_page.forget_sign_in()

    def restart_with(self, choice: str) -> None:
        """Go back to the start and choose another way in (e.g. Office 365 sign-in)."""
        while self.currentId() != PAGE_START and self.currentId() != -1:
            self.back()
        self.start_page.choose(choice)
        self.next()

    def account_was_saved(self, email: str) -> None:
        self.accountSaved.emit(email)

    # -- closing -------------------------------------------------------------------
    def stop_background_work(self) -> None:
        self.closing = True  # focus moving away while closing must start nothing new
        if self._later_pages is None:
            return  # nothing can have started: the pages that run work were never built
        self.check_page.stop(quiet=True)
        self.address_page.cleanupPage()

    def typed_work(self) -> bool:
        """An address or password typed and not saved yet: Escape must not lose it unasked."""
        if self._later_pages is None:
            return False  # the address page was never built, so nothing was typed in it
        page = self.address_page
        typed_address = self.state.editing is None and bool(page.email.text().strip())
        return self.state.saved is None and (typed_address or bool(page.password.text()))

    def reject(self) -> None:
        if self.typed_work() and not self._discard_confirmed:
            self.ask_discard()
            return
        self._discard_confirmed = False
        self.stop_background_work()
        super().reject()

    def ask_discard(self) -> None:
        """Ask before throwing the typed address and password away (window-modal, not
        blocking: the answer comes back through ``finished``)."""
        if self.discard_box is not None and self.discard_box.isVisible():
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Stop setting up the account?"),
                          self.tr("The address and password you typed will be lost."),
                          QMessageBox.StandardButton.NoButton, self)
        self.discard_button = box.addButton(self.tr("&Discard and close"),
                                            QMessageBox.ButtonRole.DestructiveRole)
        self.keep_button = box.addButton(self.tr("&Keep setting up"),
                                         QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.keep_button)  # Enter or Escape again: nothing is lost
        box.setEscapeButton(self.keep_button)
        box.finished.connect(lambda _r: self._discard_answered(box))
        self.discard_box = box
        box.open()

    def _discard_answered(self, box: QMessageBox) -> None:
        if box.clickedButton() is self.discard_button:
            self._discard_confirmed = True
            self.reject()

    def done(self, result: int) -> None:
        self.stop_background_work()
        super().done(result)

    def closeEvent(self, event: Any) -> None:
        super().closeEvent(event)  # QDialog asks reject(), which may ask the user first
        if event.isAccepted():
            self.stop_background_work()

    def hideEvent(self, event: Any) -> None:
        if not event.spontaneous():  # minimising is spontaneous: a running test goes on
            self.stop_background_work()
            save_geometry(self, "wizard", self._geometry_store)
        super().hideEvent(event)

    def showEvent(self, event: Any) -> None:
        self.closing = False
        super().showEvent(event)
