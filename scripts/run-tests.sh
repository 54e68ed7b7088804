#!/usr/bin/env bash
# Install everything the tests need (real Dovecot + Postfix, Xvfb, test libraries), then run them.
# Extra arguments go to pytest, e.g. scripts/run-tests.sh -k discovery
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck disable=SC2086
apt_install $APP_APT_PACKAGES $TEST_APT_PACKAGES
make_venv "[test,package,lint]"
# Exim and OpenSMTPD for the bounce lab, unpacked beside the repo (they conflict with Postfix)
bash "$ROOT/scripts/lab-mtas.sh"
cd "$ROOT"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# Dovecot and Postfix must be started as root by the test fixtures.
if [ "$(id -u)" -ne 0 ]; then
    exec sudo --preserve-env=CI,QT_QPA_PLATFORM,POSTIER_SKIP_PACKAGING \
        "$VENV/bin/python" -m pytest "$@"
fi
exec "$VENV/bin/python" -m pytest "$@"
