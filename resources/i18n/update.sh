#!/usr/bin/env bash
# Refresh the translation source (postier_fr.ts) from the UI code, then compile it (.qm),
# and qt_extra_fr.ts (Qt's own strings that qtbase_fr lacks).
#   bash resources/i18n/update.sh          # lupdate + lrelease
#   bash resources/i18n/update.sh --release # only compile the .ts (build time)
# Both tools ship with PySide6-Essentials (in .venv/bin or on PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$root/.venv/bin"
lupdate="$bin/pyside6-lupdate"; [ -x "$lupdate" ] || lupdate="pyside6-lupdate"
lrelease="$bin/pyside6-lrelease"; [ -x "$lrelease" ] || lrelease="pyside6-lrelease"
cd "$root"
if [ "${1:-}" != "--release" ]; then
    mapfile -t sources < <(find app/ui -name '*.py' | sort)
    "$lupdate" -locations relative -no-obsolete "${sources[@]}" -ts "$here/postier_fr.ts"
fi
"$lrelease" "$here/postier_fr.ts" -qm "$here/postier_fr.qm"
# Qt's own strings missing from qtbase_fr (kept by hand, loaded after qtbase_fr).
"$lrelease" "$here/qt_extra_fr.ts" -qm "$here/qt_extra_fr.qm"
