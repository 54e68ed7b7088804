"""The account setup wizard (one module per page)."""

from .wizard import SetupWizard

__all__ = ["SetupWizard"]
