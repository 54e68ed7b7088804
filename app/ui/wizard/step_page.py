"""The wizard's steps: their page ids, and the page base with its large "Step N of 6"
indicator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWizardPage

from app.ui.startup_qt import ALIGN_LEFT

from .state import WizardState
from .widgets import big_font

if TYPE_CHECKING:
    from .wizard import SetupWizard

PAGE_START, PAGE_ADDRESS, PAGE_MANUAL, PAGE_CHECK, PAGE_SIGNATURE, PAGE_FINISH = range(6)
# One number per page, whatever the path: "step 3" is always the server settings, even
# when discovery found them and the page is skipped (support staff guide by these numbers).
TOTAL_STEPS = 6


class StepPage(QWizardPage):
    """A wizard page with the large, readable "Step N of 6" indicator on top
    (support staff say "you should be on step 3" over a screen share)."""

    step_number = 1

    def __init__(self, state: WizardState) -> None:
        super().__init__()
        self.state = state
        self.outer = QVBoxLayout(self)
        self.step_label = big_font(QLabel(), 6)
        self.step_label.setObjectName("stepIndicator")
        self.step_label.setProperty("alignment", ALIGN_LEFT)  # no Qt enum: startup_qt.py
        self.outer.addWidget(self.step_label)
        self.update_step_label()

    def update_step_label(self) -> None:
        # translate() with an explicit context: self.tr() in a base class would look the
        # string up under the subclass's name and miss it.
        text = QCoreApplication.translate("StepPage", "Step %1 of %2")
        self.step_label.setText(text.replace("%1", str(self.step_number))
                                .replace("%2", str(TOTAL_STEPS)))

    def setup_wizard(self) -> SetupWizard | None:
        """The setup wizard this page is in (None before it is added to one)."""
        from .wizard import SetupWizard  # at call time: wizard.py imports this module

        wizard = self.wizard()
        return wizard if isinstance(wizard, SetupWizard) else None

    def language(self) -> str:
        wizard = self.setup_wizard()
        return wizard.language if wizard is not None else "en"
