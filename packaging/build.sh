#!/usr/bin/env bash
# Build the Linux packages of Postier in one command:
#   packaging/dist/postier/                         one-folder PyInstaller bundle (run ./postier)
#   packaging/dist/postier-<version>-linux-<arch>.tar.gz   that folder, for unpack-and-run
#   packaging/dist/postier_<version>_<debarch>.deb         /opt/postier + /usr/bin/postier + menu entry
# Usage: packaging/build.sh [--bundle-only] [--config FILE]
#   --bundle-only  skips the tarball and the .deb
#   --config FILE  ships FILE as postier.toml beside the executable (bundle, tarball, .deb):
#                  the distributor's app registrations and choices (shared/CLI.md
#                  "Deployment configuration"); checked first, a bad file stops the build
# Uses .venv (pip install -e .[package]) or $PYTHON. Downloads nothing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
DIST="$HERE/dist"
WORK="$HERE/build"
BUNDLE_ONLY=0
CONFIG=""
while [ $# -gt 0 ]; do
    case "$1" in
        --bundle-only) BUNDLE_ONLY=1 ;;
        --config) [ $# -ge 2 ] || { echo "build.sh: --config needs a FILE" >&2; exit 2; }
                  CONFIG="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
        --config=*) CONFIG="$(cd "$(dirname "${1#--config=}")" && pwd)/$(basename "${1#--config=}")" ;;
        *) echo "build.sh: unknown argument $1 (use --bundle-only, --config FILE)" >&2; exit 2 ;;
    esac
    shift
done
if [ -n "$CONFIG" ]; then
    # Postier's own reader checks it (TOML, known keys, types): the distributor hears about a
    # mistake now, not every user at start-up.
    PYTHONPATH="$ROOT" "$PYTHON" - "$CONFIG" <<'PY' || exit 2
import sys
from pathlib import Path
from app.services.config import ConfigError, load_deploy_config
try:
    found = load_deploy_config({}, [Path(sys.argv[1])])
except ConfigError as exc:
    sys.exit(f"build.sh: --config: {exc.message}")
if not found.files[0].found:
    sys.exit(f"build.sh: --config: {sys.argv[1]} does not exist")
if found.files[0].unknown:
    print(f"build.sh: --config: unknown keys ignored: {', '.join(found.files[0].unknown)}",
          file=sys.stderr)
PY
fi

mkdir -p "$WORK"
# Several people (and test sessions) share this checkout: one build at a time, and no rebuild
# while a test session is running the bundle (tests/test_packaging.py holds a shared lock).
# The test fixture already holds the lock when it calls us, and says so.
if [ -z "${POSTIER_BUILD_LOCK_HELD:-}" ]; then
    exec 9>"$WORK/.lock"
    flock 9
fi

NAME=$("$PYTHON" -c 'import tomllib;print(tomllib.load(open("'"$ROOT"'/pyproject.toml","rb"))["project"]["name"])')
VERSION=$("$PYTHON" -c 'import tomllib;print(tomllib.load(open("'"$ROOT"'/pyproject.toml","rb"))["project"]["version"])')

# PyInstaller needs the shared libpython. Debian's python3 binary is static, the library is
# the libpython3.X package: install it when missing (same helper as scripts/run-tests.sh).
if ! "$PYTHON" - <<'PY'
import sys, sysconfig
from PyInstaller.depend.bindepend import get_python_library_path
sys.exit(0 if get_python_library_path() else 1)
PY
then
    source "$ROOT/scripts/bootstrap.sh"
    apt_install "libpython3.$("$PYTHON" -c 'import sys;print(sys.version_info[1])')"
fi

# The spec rebuilds ICU's data library with French and English only (32 -> 8 MB) with ICU's
# own tools: install them when missing.
if ! command -v icupkg >/dev/null && ! [ -x /usr/sbin/icupkg ]; then
    source "$ROOT/scripts/bootstrap.sh"
    apt_install icu-devtools
fi

start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" "$HERE/postier.spec"
BUNDLE="$DIST/$NAME"
[ -x "$BUNDLE/$NAME" ] || { echo "build.sh: no $BUNDLE/$NAME after PyInstaller" >&2; exit 1; }
if [ -n "$CONFIG" ]; then
    # Beside the executable: the last place Postier looks (after the variables, the per-user
    # and the system config dirs), so IT can still override it on a machine.
    install -m 0644 "$CONFIG" "$BUNDLE/postier.toml"
    echo "config: $CONFIG -> $BUNDLE/postier.toml"
fi
echo "bundle: $BUNDLE ($(du -sm "$BUNDLE" | cut -f1) MB) in $(( $(date +%s) - start )) s"
[ "$BUNDLE_ONLY" = 1 ] && exit 0

ARCH="$(uname -m)"
TARBALL="$DIST/$NAME-$VERSION-linux-$ARCH.tar.gz"
# The tarball also carries the menu entry and icon, for users who install by hand.
# Compressing takes most of the packaging time: the tarball runs alongside the .deb.
tar -czf "$TARBALL" -C "$DIST" "$NAME" \
    --transform "s,^postier\.\(desktop\|png\)\$,$NAME/&," \
    -C "$HERE/linux" postier.desktop -C "$ROOT/resources/icons" postier.png &
TAR_PID=$!

# .deb: a plain binary package built with dpkg-deb (no debhelper, no network). Depends lists
# what PyInstaller leaves to the system (libc, GL/EGL, libxcb, Wayland) and the libraries
# whose data files come from the system (fontconfig → fonts, xkbcommon → keymaps).
DEBARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
DEB="$DIST/${NAME}_${VERSION}_${DEBARCH}.deb"
PKG="$WORK/deb/$NAME"
rm -rf "$WORK/deb"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
    "$PKG/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$PKG/opt/$NAME"
# A shipped postier.toml is a conffile: an administrator's edits survive upgrades.
[ -f "$BUNDLE/postier.toml" ] && echo "/opt/$NAME/postier.toml" > "$PKG/DEBIAN/conffiles"
ln -s "/opt/$NAME/$NAME" "$PKG/usr/bin/$NAME"
install -m 0644 "$HERE/linux/postier.desktop" "$PKG/usr/share/applications/$NAME.desktop"
install -m 0644 "$ROOT/resources/icons/postier.svg" \
    "$PKG/usr/share/icons/hicolor/scalable/apps/$NAME.svg"
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$PKG/usr/share/icons/hicolor/${size}x${size}/apps"
    install -m 0644 "$ROOT/resources/icons/postier-$size.png" \
        "$PKG/usr/share/icons/hicolor/${size}x${size}/apps/$NAME.png"
done
SIZE_KB=$(du -sk "$PKG" | cut -f1)
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: $NAME
Version: $VERSION
Architecture: $DEBARCH
Maintainer: Postier <support@postier.invalid>
Installed-Size: $SIZE_KB
Depends: libc6, libegl1, libgl1, libxcb1, libfontconfig1, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libdbus-1-3, libwayland-client0, libwayland-cursor0, libwayland-egl1
Recommends: gnome-keyring | kwalletmanager
Section: mail
Priority: optional
Homepage: https://postier.invalid/
Description: set up a business mail account and track every message sent
 Postier walks small businesses through setting up their mail account
 (Microsoft 365, Gmail or any IMAP/SMTP host), proves it works, explains
 failures precisely, sends mail and tracks what became of each message.
CONTROL
# Refresh the menu and the icon cache after install/removal (both tools are optional).
for script in postinst postrm; do
    cat > "$PKG/DEBIAN/$script" <<'HOOK'
#!/bin/sh
set -e
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
exit 0
HOOK
    chmod 0755 "$PKG/DEBIAN/$script"
done
dpkg-deb --root-owner-group -Zgzip --build "$PKG" "$DEB" >/dev/null
wait "$TAR_PID"
echo "tarball: $TARBALL ($(du -sm "$TARBALL" | cut -f1) MB)"
echo "deb: $DEB ($(du -sm "$DEB" | cut -f1) MB)"
echo "AppImage: not built (appimagetool and its runtime are not packaged in Debian; see packaging/README.md)"
echo "done in $(( $(date +%s) - start )) s"
