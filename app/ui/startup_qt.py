"""Qt enum values that the first window sets as plain ints, through Qt's own properties.

The first use of any enum of PySide6's ``Qt`` namespace (``Qt.AlignmentFlag``,
``Qt.ItemDataRole``…) builds all 94 of its Python enum classes: ~20 ms here, a tenth of a
bare PySide6 window's whole start. The first window (the wizard's start page) sets its few
values through Qt's property system (``label.setProperty("alignment", ALIGN_LEFT)``) or an
int-typed argument instead, so that this cost comes once the window is on screen
(issue 17). tests/ui/test_startup_imports.py checks each value against its enum.
"""

from __future__ import annotations

ALIGN_LEFT = 0x1  # Qt.AlignmentFlag.AlignLeft (QLabel's "alignment" property)
PLAIN_TEXT = 0  # Qt.TextFormat.PlainText (QLabel's "textFormat" property)
RICH_TEXT = 1  # Qt.TextFormat.RichText
USER_ROLE = 0x100  # Qt.ItemDataRole.UserRole (item data roles are ints in Qt's API)
