"""Render the app icon (resources/icons/postier.svg) to PNG, ICO and ICNS.

Run after changing the SVG: ``.venv/bin/python packaging/render_icons.py``. The outputs are
committed, so the Windows and macOS runners need nothing but PyInstaller. Qt's own SVG renderer
(QtSvg, part of PySide6-Essentials) does the drawing: no extra dependency. ICO and ICNS are
written by hand because both are just a directory of PNG images, and Qt's writers store only
one size.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "postier.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS types holding PNG data: https://en.wikipedia.org/wiki/Apple_Icon_Image_format
ICNS_TYPES = {b"icp4": 16, b"icp5": 32, b"icp6": 64, b"ic07": 128, b"ic08": 256,
              b"ic09": 512, b"ic10": 1024}


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """ICONDIR + ICONDIRENTRY per size + PNG payloads (PNG entries: Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, payload = b"", b""
    for size, png in sorted(images.items()):
        dim = 0 if size >= 256 else size  # 0 means 256 in ICO
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        payload += png
        offset += len(png)
    return header + entries + payload


def icns_bytes(images: dict[bytes, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in images.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, etc.)
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"cannot read {SVG}", file=sys.stderr)
        return 1
    icons = ROOT / "resources" / "icons"
    cache: dict[int, bytes] = {}

    def png(size: int) -> bytes:
        if size not in cache:
            cache[size] = render_png(renderer, size)
        return cache[size]

    (icons / "postier.png").write_bytes(png(256))
    for size in PNG_SIZES:
        (icons / f"postier-{size}.png").write_bytes(png(size))
    (ROOT / "packaging" / "windows" / "postier.ico").write_bytes(
        ico_bytes({s: png(s) for s in ICO_SIZES}))
    (ROOT / "packaging" / "macos" / "postier.icns").write_bytes(
        icns_bytes({kind: png(size) for kind, size in ICNS_TYPES.items()}))
    print(f"rendered {SVG.name}: {len(cache)} sizes, postier.ico, postier.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
