#!/usr/bin/env bash
# The Debian packages the test suite needs. Run as root, installs what is missing; otherwise
# names the exact `apt-get install` line and exits 1 when anything is missing, before any test runs.
# Used by scripts/test.sh (make test) and .ci/run.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || missing+=(postgresql-client)
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
python3 -c "import venv, ensurepip" 2>/dev/null || missing+=(python3-venv)
command -v make >/dev/null || missing+=(make)
# axe-core (accessibility checks of the browser tests) is installed with npm.
command -v npm >/dev/null || missing+=(nodejs npm)
# WeasyPrint (certificates, attendance sheets) needs Pango and a font.
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# ODK Validate (bundled with pyxform) checks the generated field forms; it runs on Java.
command -v java >/dev/null || missing+=(default-jre-headless)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing the system packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
{
  echo "The test suite needs system packages that are missing. Install them, then run again:"
  echo "    sudo apt-get install --no-install-recommends ${missing[*]}"
} >&2
exit 1
