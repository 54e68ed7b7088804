"""Step 1: which kind of mailbox — Office 365, Gmail, or another provider / own server."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
)

from app.ui.i18n import shown_language
from app.ui.startup_qt import USER_ROLE

from .state import WizardState
from .step_page import StepPage
from .widgets import big_font, wrap_label

if TYPE_CHECKING:  # the type only: load_presets imports the module when the page is built
    from app.services.setup.presets import Preset

log = logging.getLogger(__name__)
OWN_SERVER = "__own__"


def preset_label(preset: Preset, language: str) -> str:
    """A preset's name as shown in ``language`` (presets.json's per-language "label",
    like its notes: provider data, not interface strings, so not in the .ts)."""
    return preset.label(language)


def load_presets() -> list[Preset]:
    """Built-in provider presets. From the presets module, not discovery: discovery pulls in
    dnspython, asyncio and cryptography, which the first page does not need."""
    from app.services.setup import presets

    try:
        return list(presets.presets())
    except Exception:  # a broken presets file must not stop the wizard
        log.exception("could not load presets")
        return []


class StartPage(StepPage):
    step_number = 1

    def __init__(self, state: WizardState) -> None:
        super().__init__(state)
        self.setTitle(self.tr("Which mailbox do you want to set up?"))
        self.setSubTitle(self.tr("Choose where your business e-mail is hosted. If you are not "
                                 "sure, choose \"Other provider\" and type its name."))
        self._presets: list[Preset] | None = None  # read once the window is shown (presets)
        self._listed_in: str | None = None  # the list's language, None: not filled yet
        self.group = QButtonGroup(self)
        self.office = QRadioButton(self.tr("&Office 365 / Microsoft 365 (work or school account)"))
        self.gmail = QRadioButton(self.tr("&Gmail / Google Workspace"))
        self.other = QRadioButton(self.tr("Othe&r provider (OVH, Orange, IONOS…) or my own "
                                          "server"))
        for i, button in enumerate((self.office, self.gmail, self.other)):
            big_font(button, 3, False)
            button.setObjectName(("office365", "gmail", "other")[i])
            self.group.addButton(button, i)
            self.outer.addWidget(button)
        self.search_label = QLabel(self.tr("&Search your provider:"))
        self.search = QLineEdit()
        self.search.setObjectName("presetSearch")
        self.search.setPlaceholderText(self.tr("Type a name, e.g. OVH"))
        self.search_label.setBuddy(self.search)
        self._list = QListWidget()
        self._list.setObjectName("presetList")
        self.outer.addWidget(self.search_label)
        self.outer.addWidget(self.search)
        self.outer.addWidget(self._list, 1)
        self.hint = wrap_label(self.tr("Not in the list? Choose \"My own server\": Postier will "
                                       "look for the settings itself."))
        self.outer.addWidget(self.hint)
        self.group.idToggled.connect(self._choice_changed)
        self.search.textChanged.connect(self._filter)
        self._list.currentItemChanged.connect(lambda *_: self.completeChanged.emit())
        self._list.itemDoubleClicked.connect(lambda *_: self.wizard() and self.wizard().next())
        self._choice_changed()
        self._painted = False

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if not self._painted:
            # Once the window is on screen (issue 17): the providers' list (presets.json and
            # its modules), the search field's clear button (its icon is looked up in the
            # desktop's icon theme, ~6 ms under X11; the field is disabled and empty until
            # then) and the keyboard handling, which needs PySide6's Qt enums, whose first
            # use costs ~20 ms (app/ui/startup_qt.py).
            self._painted = True
            QTimer.singleShot(0, self, self._after_first_paint)

    @property
    def presets(self) -> list[Preset]:
        if self._presets is None:
            self._presets = load_presets()
        return self._presets

    @property
    def list(self) -> QListWidget:
        """The providers' list, filled on first use: right after the first paint, or as
        soon as anything reads it. Reading presets.json (and its modules) before the window
        is shown would delay it for a list that stays disabled until "Other provider"."""
        if self._listed_in is None:
            self._fill_list()
        return self._list

    def _after_first_paint(self) -> None:
        if self._listed_in is None:
            self._fill_list()
        self.search.setClearButtonEnabled(True)
        for button in self.group.buttons():
            button.installEventFilter(self)  # arrow keys choose, not just move the focus
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            self._show_focus()

    def initializePage(self) -> None:
        # Open with the focus on the choice itself, drawn (a focus frame appears only after
        # keyboard navigation otherwise): one key press chooses, Enter goes on.
        if self._listed_in not in (None, self.language()):  # SetupWizard(language=…) differs
            current = self.list.currentItem()
            chosen = current.data(USER_ROLE) if current else None
            self._fill_list()
            self._filter(self.search.text())
            for row in range(self.list.count()):
                if chosen is not None and self.list.item(row).data(
                        USER_ROLE) is chosen:
                    self.list.setCurrentRow(row)
        if self._painted:
            self._show_focus()
        else:  # the first time: the focus now, drawn once painted (_after_first_paint)
            (self.group.checkedButton() or self.office).setFocus()

    def _show_focus(self) -> None:
        from PySide6.QtCore import Qt

        button = self.group.checkedButton() or self.office
        button.setFocus(Qt.FocusReason.TabFocusReason)
        self.window().setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Up/Down (and Left/Right) on a provider choice select the next one, as in any
        radio group; Qt only moves the focus while none is checked yet."""
        from PySide6.QtCore import QEvent, Qt

        buttons = self.group.buttons()
        if watched in buttons and event.type() == QEvent.Type.FocusIn and event.reason() in (
                Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.OtherFocusReason):
            # The window opening (or coming back) hands the focus over "not by keyboard",
            # which hides the focus frame: keep it drawn (not after a mouse click).
            self.window().setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
        if watched in buttons and event.type() == QEvent.Type.KeyPress \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1,
                    Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1}.get(event.key())
            if step is not None:
                index = min(max(buttons.index(watched) + step, 0), len(buttons) - 1)
                target = buttons[index]
                target.setChecked(True)
                target.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().eventFilter(watched, event)

    def _list_language(self) -> str:
        """The wizard's language; before the page is in a wizard, the one its widgets are
        translated into (the wizard's default too)."""
        if self.wizard() is not None:
            return self.language()
        return shown_language()

    def _fill_list(self) -> None:
        lang = self._list_language()
        self._listed_in = lang  # first: self.list below must not fill it again
        self._list.clear()
        for preset in sorted(self.presets, key=lambda p: preset_label(p, lang).lower()):
            if preset.id in ("office365", "gmail"):
                continue  # they have their own buttons above
            item = QListWidgetItem(preset_label(preset, lang))
            item.setData(USER_ROLE, preset)
            self._list.addItem(item)
        own = QListWidgetItem(self.tr("My own server (company or self-hosted)"))
        own.setData(USER_ROLE, OWN_SERVER)
        self._list.addItem(own)

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.list.count()):
            item = self.list.item(row)
            preset = item.data(USER_ROLE)
            words = [item.text()]
            if preset != OWN_SERVER:  # its name in the other languages finds it too
                words += [*preset.labels.values(), preset.label()]
                words += list(preset.domains)
                words.append(preset.id)
            hidden = bool(needle) and preset != OWN_SERVER and not any(
                needle in w.lower() for w in words)
            item.setHidden(hidden)
        visible = [self.list.item(r) for r in range(self.list.count())
                   if not self.list.item(r).isHidden()]
        if needle and visible:
            self.list.setCurrentItem(visible[0])

    def _choice_changed(self, *_: object) -> None:
        other = self.other.isChecked()
        for widget in (self.search_label, self.search, self._list, self.hint):
            widget.setEnabled(other)
        if other and self.list.currentItem() is None and not self.search.text():
            self.search.setFocus()
        self.completeChanged.emit()

    def choose(self, choice: str, preset_name: str | None = None) -> None:
        """Select a choice programmatically (tests, and "use Office 365 sign-in" links)."""
        {"office365": self.office, "gmail": self.gmail}.get(choice, self.other).setChecked(True)
        if preset_name is not None:
            self.search.setText(preset_name)

    def isComplete(self) -> bool:
        if self.office.isChecked() or self.gmail.isChecked():
            return True
        return self.other.isChecked() and self.list.currentItem() is not None \
            and not self.list.currentItem().isHidden()

    def validatePage(self) -> bool:
        state = self.state
        state.preset = None
        if self.office.isChecked():
            state.choice = state.provider = "office365"
            state.preset = self._preset_by_id("office365")
        elif self.gmail.isChecked():
            state.choice = state.provider = "gmail"
            state.preset = self._preset_by_id("gmail")
        else:
            data = self.list.currentItem().data(USER_ROLE)
            if data == OWN_SERVER:
                state.choice, state.provider = "own", None
            else:
                state.choice, state.preset = "other", data
                state.provider = data.provider or data.id
                if data.id == "outlook":
                    # Outlook.com refuses passwords: Microsoft's sign-in, like Office 365.
                    state.choice = state.provider = "outlook"
        return True

    def _preset_by_id(self, preset_id: str) -> Preset | None:
        for preset in self.presets:
            if preset_id in (preset.id, preset.provider):
                return preset
        return None
