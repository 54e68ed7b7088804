#!/usr/bin/env bash
# Install Postier and its system libraries, then start the app (no configuration needed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck disable=SC2086
apt_install $APP_APT_PACKAGES
make_venv ""
exec "$VENV/bin/postier" "$@"
