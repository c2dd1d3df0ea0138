#!/usr/bin/env bash
# Shared set-up for scripts/run.sh and scripts/test.sh: Python environment, front-end packages,
# PostgreSQL and Redis (see scripts/services.py for which), and the database schema.
# Source it: it exports DATABASE_URL and REDIS_URL for the caller.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOCK="${REQHUB_LOCK:-requirements-dev.lock}"

if ! command -v python3.11 >/dev/null; then
  echo "ReqHub needs Python 3.11 (python3.11 on PATH)." >&2; exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3.11 -m venv .venv
fi
stamp=".venv/.installed-$(sha1sum "$LOCK" | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "==> installing Python packages from $LOCK"
  .venv/bin/pip install -q --disable-pip-version-check -r "$LOCK" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import django, celery, rest_framework" 
  rm -f .venv/.installed-*; touch "$stamp"
fi
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json .venv/.npm-lock; then
  echo "==> installing front-end packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json .venv/.npm-lock
fi
if [ ! -f .env ]; then
  secret=$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))")
  printf 'SECRET_KEY=%s\n' "$secret" > .env
fi
eval "$(.venv/bin/python scripts/services.py)"
export DATABASE_URL REDIS_URL
