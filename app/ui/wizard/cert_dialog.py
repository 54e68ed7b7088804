"""Certificate trust dialog: show who the certificate claims to be and its SHA-256
fingerprint, explain what is wrong with it, and let the user trust exactly that one
certificate (pinned in the account) — only after ticking that they compared it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from .widgets import big_font, wrap_label


def format_fingerprint(hex_digest: str) -> str:
    """AB:CD:… in two lines of 16 bytes, the way administrators read them out."""
    pairs = [hex_digest[i:i + 2].upper() for i in range(0, len(hex_digest), 2)]
    return "\n".join(":".join(pairs[i:i + 16]) for i in range(0, len(pairs), 16))


def _date(text: str | None) -> str:
    if not text:
        return "?"
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return text


class CertDialog(QDialog):
    def __init__(self, certificate: dict[str, Any], code: str | None, host: str,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Server certificate"))
        self.setObjectName("certDialog")
        self.setMinimumWidth(620)
        self.certificate = certificate
        layout = QVBoxLayout(self)
        title = big_font(wrap_label(self.tr("Do you trust this certificate for %1?")
                                    .replace("%1", host)), 3)
        layout.addWidget(title)
        self.explanation = wrap_label()
        self.explanation.setObjectName("certExplanation")
        self.explanation.setText(self._explain(code, host))
        if code in ("CERT_EXPIRED", "CERT_HOSTNAME_MISMATCH"):
            self.explanation.setStyleSheet("color: #b00020;")
        layout.addWidget(self.explanation)

        form = QFormLayout()
        san = certificate.get("san") or ()
        rows = [
            (self.tr("Issued to:"), certificate.get("subject") or "?"),
            (self.tr("Names covered:"), ", ".join(san) if san else "—"),
            (self.tr("Issued by:"), certificate.get("issuer") or "?"),
            (self.tr("Valid from:"), _date(certificate.get("not_before"))),
            (self.tr("Valid until:"), _date(certificate.get("not_after"))),
        ]
        for label, value in rows:
            value_label = wrap_label(str(value))
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, value_label)
        self.fingerprint = QLabel(format_fingerprint(certificate.get("sha256") or ""))
        self.fingerprint.setObjectName("fingerprint")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(font.pointSize() + 1)
        self.fingerprint.setFont(font)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("SHA-256 fingerprint:"), self.fingerprint)
        layout.addLayout(form)

        self.confirm = QCheckBox(self.tr("I &compared this fingerprint with the one my "
                                         "administrator gave me, and they are identical."))
        self.confirm.setObjectName("confirmFingerprint")
        layout.addWidget(self.confirm)
        layout.addWidget(wrap_label(self.tr("Postier will then accept exactly this certificate "
                                            "for this account, and warn you if it ever "
                                            "changes.")))
        self.buttons = QDialogButtonBox()
        self.trust_button = self.buttons.addButton(self.tr("&Trust this certificate"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.trust_button.setObjectName("trustButton")
        self.dont_trust_button = self.buttons.addButton(
            self.tr("Do &not trust"), QDialogButtonBox.ButtonRole.RejectRole)
        self.dont_trust_button.setDefault(True)  # Enter must never trust by accident
        self.trust_button.setEnabled(False)
        self.confirm.toggled.connect(self.trust_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _explain(self, code: str | None, host: str) -> str:
        if code == "CERT_EXPIRED":
            return self.tr("This certificate has EXPIRED (see \"Valid until\"). Servers must "
                           "renew their certificates; an expired one may also mean someone is "
                           "impersonating the server. Check the date of this computer, and ask "
                           "the administrator to renew it rather than trusting it.")
        if code == "CERT_HOSTNAME_MISMATCH":
            return self.tr("This certificate is for OTHER NAMES (see \"Names covered\") than "
                           "%1. You may have mistyped the server name: prefer the name written "
                           "in the certificate. Trust it only if your administrator confirms.")\
                .replace("%1", host)
        return self.tr("This certificate is not signed by an authority your computer knows: "
                       "the server may use a self-signed certificate (common on company "
                       "servers). Anyone could make such a certificate, so compare the "
                       "fingerprint with the one your administrator gives you.")
