#!/usr/bin/env bash
# The whole test command (`make test`): lint, types, migrations, pytest on SQLite and PostgreSQL,
# browser tests in headless Chromium. With CI=true, PostgreSQL and Chromium are mandatory.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
export PATH="$PWD/$BIN:$PATH"
export DJANGO_SETTINGS_MODULE=egide.settings.test
export EGIDE_BASE_DIR="$PWD"
CI="${CI:-false}"

loud() { printf '\n\033[1;33m!!!!! %s !!!!!\033[0m\n\n' "$*" >&2; }
step() { printf '\n== %s\n' "$*"; }

step "system packages (Chromium, poppler-utils, PostgreSQL, Pango for WeasyPrint)"
if ! bash scripts/system-deps.sh; then
  [ "$CI" = "true" ] && exit 1
  [ "${EGIDE_ALLOW_MISSING_SYSTEM_PACKAGES:-}" = "1" ] || {
    echo "Or set EGIDE_ALLOW_MISSING_SYSTEM_PACKAGES=1 to run what can run without them." >&2
    exit 1
  }
  loud "Missing system packages: the tests that need them are skipped (see the list above)."
fi
start_postgresql() {
  # A local cluster installed but stopped (fresh machine, container): start it.
  command -v pg_ctlcluster >/dev/null && [ "$(id -u)" = "0" ] || return 0
  python3 -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null && return 0
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$version" ] || return 0
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null && break
    sleep 1
  done
}
start_postgresql

step "ruff (lint and format)"
ruff check src tests benchmarks
ruff format --check src tests benchmarks

step "mypy (strict on rules, services, selectors, permissions)"
mypy --strict $(bash scripts/strict-modules.sh)

step "translations compile; migrations are complete"
egide i18n_compile
egide makemigrations --check --dry-run

PYTEST_ARGS=(-q)
if [ -x /usr/bin/chromium ]; then
  export EGIDE_E2E=1
else
  [ "$CI" = "true" ] && { echo "CI=true but /usr/bin/chromium is missing: browser tests cannot run." >&2; exit 1; }
  loud "Chromium (/usr/bin/chromium) not found: browser tests are NOT run. apt-get install chromium chromium-driver"
  PYTEST_ARGS+=(-m "not e2e")
fi

# axe-core (pinned in tests/e2e/package-lock.json) checks every page the browser tests visit.
if [ "${EGIDE_E2E:-}" = "1" ] && [ ! -f tests/e2e/node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null; then
    step "npm ci (axe-core for the browser tests)"
    (cd tests/e2e && npm ci --no-audit --no-fund --silent)
  else
    [ "$CI" = "true" ] && { echo "CI=true but npm is missing: axe-core cannot be installed." >&2; exit 1; }
    loud "npm not found: axe-core is missing and the browser tests will fail. apt-get install npm"
  fi
fi

if ! command -v pdftoppm >/dev/null || ! command -v pdftotext >/dev/null; then
  [ "$CI" = "true" ] && { echo "CI=true but poppler-utils (pdftoppm, pdftotext) is missing." >&2; exit 1; }
  loud "poppler-utils not found: the certificate PDF is NOT rendered and read back. apt-get install poppler-utils"
fi

step "pytest on SQLite"
DATABASE_URL="sqlite:///$PWD/var/test.sqlite3" pytest "${PYTEST_ARGS[@]}"

PG_URL="${EGIDE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr); sys.exit(1)
PY
then
  step "pytest on PostgreSQL"
  DATABASE_URL="$PG_URL" pytest "${PYTEST_ARGS[@]}"
else
  [ "$CI" = "true" ] && { echo "CI=true but PostgreSQL is not reachable at $PG_URL." >&2; exit 1; }
  loud "PostgreSQL not reachable at $PG_URL: the suite did NOT run on PostgreSQL. Set EGIDE_TEST_POSTGRES_URL."
fi
echo "All checks passed."
