#!/usr/bin/env bash
# Shared set-up for scripts/run-app.sh and scripts/run-tests.sh (fresh Debian 12 or later).
# Installs system packages with apt (as root, or through sudo), then a virtualenv in .venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Qt's xcb platform plugin needs these on a fresh Debian to open a real window.
APP_APT_PACKAGES="python3 python3-venv python3-pip libxcb-cursor0 libegl1 libgl1 libxkbcommon0
  libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libfontconfig1
  libdbus-1-3 fonts-dejavu-core"
# Real mail servers for the tests, a virtual screen, binutils for PyInstaller.
# gnome-keyring + dbus-daemon (dbus-run-session): the real Secret Service of tests/test_secret_service.py
# spamassassin: its local rules score the messages Postier builds (tests/services/outbox/test_signature_logo.py)
# postgresql: initdb/pg_ctl/postgres for tests/support/postgres.py's throw-away team database
# icu-devtools: icupkg/genccode, with which the bundle's ICU data is cut to French and English
TEST_APT_PACKAGES="dovecot-imapd dovecot-lmtpd postfix xvfb xauth binutils openssl iproute2 gnome-keyring dbus-daemon spamassassin icu-devtools postgresql"

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    # "No configuration": the rig runs its own Postfix from a private config dir.
    echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
    echo "postfix postfix/mailname string localhost" | as_root debconf-set-selections
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}"
}

make_venv() {
    local extras="$1"
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e "$ROOT$extras"
}
