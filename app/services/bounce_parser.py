"""Bounce / DSN / MDN / auto-reply classifier (work in progress: parse() follows)."""

from __future__ import annotations

from app.services.smtp_reply import REASON_CATEGORY, classify_reply

__all__ = ["REASON_CATEGORY", "classify_reply"]
