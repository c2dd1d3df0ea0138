#!/usr/bin/env bash
# Run every check and the whole test suite against real PostgreSQL, Redis and Chromium.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/customers -x).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
export DJANGO_SETTINGS_MODULE=reqhub.settings.test

# Browser tests need Debian's Chromium and a CJK font (never Playwright's own browser download).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 || missing+=(fonts-wqy-zenhei)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v msgfmt >/dev/null || missing+=(gettext)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]} from Debian"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy"
.venv/bin/mypy .
echo "==> migrations are complete"
.venv/bin/python manage.py makemigrations --check --dry-run
echo "==> translations are compiled"
.venv/bin/python scripts/check_translations.py
echo "==> pytest"
.venv/bin/python -m pytest "$@"
