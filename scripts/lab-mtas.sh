#!/usr/bin/env bash
# Other MTAs for the bounce lab (tests/services/bounce/test_lab.py): Exim and OpenSMTPD.
# They cannot be installed beside Postfix (Debian's MTAs conflict), so their packages are
# downloaded and unpacked into .lab/ and run from there, on loopback, with their own config.
# Idempotent; needs root for the Debian-exim user that Exim's binary expects.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB="$ROOT/.lab"
PACKAGES="exim4-daemon-light exim4-base opensmtpd"
# Their libraries install normally (no conflict), so re-executed binaries find them.
LIBRARIES="libidn12 libevent-2.1-7 libevent-core-2.1-7"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in $LIBRARIES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    as_root apt-get update -q >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >/dev/null
fi
if [ ! -x "$LAB/root/usr/sbin/exim4" ] || [ ! -x "$LAB/root/usr/sbin/smtpd" ]; then
    mkdir -p "$LAB/debs" "$LAB/root"
    (cd "$LAB/debs" && apt-get download $PACKAGES 2>/dev/null \
        || { as_root apt-get update -q >/dev/null && apt-get download $PACKAGES; })
    for deb in "$LAB"/debs/*.deb; do dpkg-deb -x "$deb" "$LAB/root"; done
fi
# Exim's binary looks up these users and groups by name at start.
getent group Debian-exim >/dev/null || as_root groupadd --system Debian-exim
getent passwd Debian-exim >/dev/null \
    || as_root useradd --system --no-create-home --gid Debian-exim Debian-exim
# OpenSMTPD: its privilege-separation users, the spool and chroot it was built with, and the
# delivery helpers it runs from /usr/libexec/opensmtpd (a path compiled into the binary).
for user in opensmtpd opensmtpq; do
    getent group "$user" >/dev/null || as_root groupadd --system "$user"
    getent passwd "$user" >/dev/null || as_root useradd --system --no-create-home --gid "$user" "$user"
done
getent passwd postier-lab >/dev/null || as_root useradd --system --no-create-home postier-lab
as_root install -d -m 711 /var/spool/smtpd
as_root install -d /var/lib/opensmtpd/empty /usr/libexec/opensmtpd
as_root cp -a "$LAB/root/usr/libexec/opensmtpd/." /usr/libexec/opensmtpd/
echo "lab MTAs ready in $LAB"
