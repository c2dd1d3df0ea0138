#!/usr/bin/env bash
# Set everything up and run ReqHub: web server, Celery worker and beat. Ctrl-C stops all three.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE=reqhub.settings.local
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
mkdir -p var
.venv/bin/celery -A reqhub worker --loglevel=INFO --concurrency=2 > var/worker.log 2>&1 &
worker=$!
.venv/bin/celery -A reqhub beat --loglevel=INFO > var/beat.log 2>&1 &
beat=$!
trap 'kill $worker $beat 2>/dev/null || true' EXIT
cat <<MSG

  ReqHub is running at http://127.0.0.1:${PORT}/   (API docs: http://127.0.0.1:${PORT}/api/docs/)
  Demo logins, password "reqhub-demo" for each:
    admin (administrator)   pm (product manager)   sales1, sales2 (sales reps)
    cs (customer success)   dev (delivery)   reviewer   manager
  Worker and beat logs: var/worker.log, var/beat.log

MSG
.venv/bin/python manage.py runserver "0.0.0.0:${PORT}"
